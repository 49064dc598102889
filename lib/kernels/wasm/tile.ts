import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import { composite, type WasmBackend } from './compose';

/**
 * Tile by block copies instead of the stock per-element index arithmetic: the innermost row is copied and
 * repeated, then each enclosing block is repeated with `copyWithin`, so every byte is written by a memcpy.
 */
function tile(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: TileAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const reps = attrs.reps;
  const shape = x.shape;
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]);
  return composite(backend, (s) => {
    const out = s.alloc(outShape, x.dtype);
    if (outShape.some((d) => d === 0)) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const srcStride = new Array<number>(rank).fill(1);
    const dstStride = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) {
      srcStride[i] = srcStride[i + 1] * shape[i + 1];
      dstStride[i] = dstStride[i + 1] * outShape[i + 1];
    }
    const fill = (dim: number, srcOff: number, dstOff: number): void => {
      const block = shape[dim] * dstStride[dim];
      if (dim === rank - 1) {
        dst.set(src.subarray(srcOff, srcOff + shape[dim]), dstOff);
      } else {
        for (let i = 0; i < shape[dim]; i++) fill(dim + 1, srcOff + i * srcStride[dim], dstOff + i * dstStride[dim]);
      }
      for (let r = 1; r < reps[dim]; r++) dst.copyWithin(dstOff + r * block, dstOff, dstOff + block);
    };
    if (rank === 0) dst.set(src);
    else fill(0, 0, 0);
    return out;
  });
}

/** Registers the block-copy Tile on the wasm backend. */
export const tileConfig: KernelConfig = { kernelName: 'Tile', backendName: 'wasm', kernelFunc: tile as unknown as KernelFunc };
