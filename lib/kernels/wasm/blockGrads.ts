import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { resizeNearestAdjoint } from '../resizeNearestAdjoint';
import { heapIndex, type WasmBackend } from './compose';

/**
 * The gradients of BigGAN's 2× resampling, which the stock wasm kernels compute in a general naive loop (measured
 * in a ch-16 BigGAN-32 step: AvgPoolGrad 32 ms a call, ResizeNearestNeighborGrad 17 ms), as single passes over the
 * heap. AvgPoolGrad with window = stride = f ('valid') maps each dy pixel to one f×f block of dx: dx[block] = dy/f²
 * (rows past the last whole block get 0); other pooling goes to the stock kernel. ResizeNearestNeighborGrad is the
 * forward kernel's exact adjoint (`resizeNearestAdjoint`), for every attribute: the stock kernel ignores half-pixel
 * centres.
 */
function spreadAverage(backend: WasmBackend, outShape: number[], dy: TensorInfo, fh: number, fw: number): TensorInfo {
  const [n, h, w, c] = outShape;
  const [, dh, dw] = dy.shape;
  const out = backend.makeOutput(outShape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const src = heapIndex(backend, dy);
  const dst = heapIndex(backend, out);
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
    // Only the floor-rounded windows tile the input: a 'ceil' rounding mode makes dy a row longer than that.
    const [n, h, w, c] = input.shape;
    const tiles = dy.shape[0] === n && dy.shape[1] === Math.floor(h / fh) && dy.shape[2] === Math.floor(w / fw) && dy.shape[3] === c;
    if (!tiles) return stock(args as never);
    return spreadAverage(backend, input.shape, dy, fh, fw);
  };
  return { kernelName: 'AvgPoolGrad', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** ResizeNearestNeighborGrad as the forward kernel's adjoint, in one pass over the heap; `stock` for non-float input. */
export function makeResizeNearestNeighborGrad(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { images: TensorInfo; dy: TensorInfo }; backend: WasmBackend; attrs: ResizeNearestNeighborGradAttrs }) => {
    const { inputs: { images, dy }, backend, attrs } = args;
    if (images.shape.length !== 4 || dy.dtype !== 'float32') return stock(args as never);
    const out = backend.makeOutput(images.shape, 'float32');
    const heap = backend.wasm.HEAPF32;
    resizeNearestAdjoint({ dy: heap, dyAt: heapIndex(backend, dy), out: heap, outAt: heapIndex(backend, out), inShape: images.shape, dyShape: dy.shape, ...attrs });
    return out;
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
