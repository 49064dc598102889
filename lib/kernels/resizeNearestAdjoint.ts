/**
 * The gradient of nearest-neighbour resizing as the exact adjoint of TF.js's forward kernel: each dy pixel is added
 * to the input pixel the forward pass copied it from (the row/column rule below is the forward kernel's). Shared by
 * the cpu and wasm kernels, which call it on their own arrays: TF.js 4.22's cpu kernel offsets dy by the input's
 * batch stride (wrong for batches > 1) and both stock kernels ignore half-pixel centres.
 */
export interface ResizeAdjointArgs {
  /** dy's values, starting at `dyAt`; the output (input-sized, zeroed here) starting at `outAt`. */
  dy: Float32Array;
  dyAt: number;
  out: Float32Array;
  outAt: number;
  /** [batch, height, width, channels] of the input and of dy. */
  inShape: number[];
  dyShape: number[];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The input row (or column) the forward resize copies output position `o` from. */
function source(o: number, inSize: number, outSize: number, alignCorners: boolean, halfPixel: boolean): number {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const frac = halfPixel ? ratio * (o + 0.5) : ratio * o;
  const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  return halfPixel ? Math.max(0, nearest) : nearest;
}

/** Writes dL/dx into `out` from dL/dy. */
export function resizeNearestAdjoint(a: ResizeAdjointArgs): void {
  const [batch, inH, inW, depth] = a.inShape;
  const [, outH, outW] = a.dyShape;
  const rows = Array.from({ length: outH }, (_, r) => source(r, inH, outH, a.alignCorners, a.halfPixelCenters));
  const cols = Array.from({ length: outW }, (_, c) => source(c, inW, outW, a.alignCorners, a.halfPixelCenters));
  const { dy, out } = a;
  out.fill(0, a.outAt, a.outAt + batch * inH * inW * depth);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      for (let c = 0; c < outW; c++) {
        const from = a.dyAt + ((b * outH + r) * outW + c) * depth;
        const to = a.outAt + ((b * inH + rows[r]) * inW + cols[c]) * depth;
        for (let d = 0; d < depth; d++) out[to + d] += dy[from + d];
      }
    }
  }
}
