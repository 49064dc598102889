import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './compose';

/**
 * The gradients of BigGAN's 2× resampling, which the stock wasm kernels compute in a general naive loop (measured
 * in a ch-16 BigGAN-32 step: AvgPoolGrad 32 ms a call, ResizeNearestNeighborGrad 17 ms). Both map each output
 * pixel to one non-overlapping f×f block of the input, so one pass over the heap does it:
 *   AvgPoolGrad (window = stride = f, 'valid'):  dx[block] = dy / f²  (rows past the last whole block get 0)
 *   ResizeNearestNeighborGrad (integer factor f): dx = Σ over the block of dy
 * Other attributes go to the stock kernel.
 */
function blockPass(
  backend: WasmBackend,
  outShape: number[],
  dy: TensorInfo,
  fh: number,
  fw: number,
  spread: boolean,
): TensorInfo {
  const [n, h, w, c] = outShape;
  const [, dh, dw] = dy.shape;
  const out = backend.makeOutput(outShape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const src = backend.dataIdMap.get(dy.dataId).memoryOffset >>> 2;
  const dst = backend.dataIdMap.get(out.dataId).memoryOffset >>> 2;
  if (spread) {
    // Each input pixel receives the share of the one output pixel whose window holds it.
    heap.fill(0, dst, dst + n * h * w * c);
    const share = 1 / (fh * fw);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < dh; i++) {
        for (let j = 0; j < dw; j++) {
          const from = src + ((b * dh + i) * dw + j) * c;
          for (let u = 0; u < fh; u++) {
            for (let v = 0; v < fw; v++) {
              const to = dst + ((b * h + i * fh + u) * w + j * fw + v) * c;
              for (let k = 0; k < c; k++) heap[to + k] = heap[from + k] * share;
            }
          }
        }
      }
    }
  } else {
    // Each input pixel sums the f×f output pixels that copied it.
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const to = dst + ((b * h + i) * w + j) * c;
          for (let k = 0; k < c; k++) heap[to + k] = 0;
          for (let u = 0; u < fh; u++) {
            for (let v = 0; v < fw; v++) {
              const from = src + ((b * dh + i * fh + u) * dw + j * fw + v) * c;
              for (let k = 0; k < c; k++) heap[to + k] += heap[from + k];
            }
          }
        }
      }
    }
  }
  return out;
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** AvgPoolGrad for non-overlapping windows ('valid', window = stride) in one pass; other pooling goes to `stock`. */
export function makeAvgPoolGrad(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: WasmBackend; attrs: AvgPoolGradAttrs }) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    const [fh, fw] = pair(attrs.filterSize);
    const [sh, sw] = pair(attrs.strides);
    const valid = attrs.pad === 'valid' || attrs.pad === 0;
    if (input.shape.length !== 4 || dy.dtype !== 'float32' || fh !== sh || fw !== sw || !valid) return stock(args as never);
    return blockPass(backend, input.shape, dy, fh, fw, true);
  };
  return { kernelName: 'AvgPoolGrad', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** ResizeNearestNeighborGrad for integer factors (no corner alignment, no half-pixel centres); else `stock`. */
export function makeResizeNearestNeighborGrad(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { images: TensorInfo; dy: TensorInfo }; backend: WasmBackend; attrs: ResizeNearestNeighborGradAttrs }) => {
    const { inputs: { images, dy }, backend, attrs } = args;
    const [, h, w] = images.shape;
    const [, dh, dw] = dy.shape;
    const integer = dh % h === 0 && dw % w === 0;
    if (images.shape.length !== 4 || dy.dtype !== 'float32' || attrs.alignCorners || attrs.halfPixelCenters || !integer) {
      return stock(args as never);
    }
    return blockPass(backend, images.shape, dy, dh / h, dw / w, false);
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
