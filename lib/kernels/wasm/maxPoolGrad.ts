import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from './compose';

/**
 * TF.js 4.22's wasm MaxPoolGrad routes a window's gradient to the wrong element when the window's maximum is not
 * positive (it starts its search from 0, not −∞): measured on a random 4×4 input, one of four windows' gradient
 * went to an element that is not its maximum, or nowhere. The self-attention block max-pools signed activations,
 * so its gradients were wrong on wasm. This kernel is cpu's rule — each dy goes to the first maximum of its
 * window — in one pass over the heap, for every padding and stride, each window's rows and columns clipped once
 * rather than tested per element. Where the native addon is built, its compiled loop (`native/loops.cc`) runs
 * instead, with the same result.
 */
export const wasmMaxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: ((args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: WasmBackend; attrs: MaxPoolGradAttrs }) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const [n, h, w, c] = input.shape;
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    const { top, left } = info.padInfo;
    if (dy.shape[1] !== oh || dy.shape[2] !== ow) throw new Error(`MaxPoolGrad: dy is ${dy.shape.join('×')}, the pooling gives ${oh}×${ow}`);
    const out = backend.makeOutput(input.shape, 'float32');
    const heap = backend.wasm.HEAPF32;
    const [x, g, dx] = [heapIndex(backend, input), heapIndex(backend, dy), heapIndex(backend, out)];
    heap.fill(0, dx, dx + n * h * w * c);
    const rowStride = w * c;
    let gAt = g;
    for (let b = 0; b < n; b++) {
      const image = b * h * rowStride;
      for (let i = 0; i < oh; i++) {
        const y0 = Math.max(0, i * sh - top);
        const y1 = Math.min(h, i * sh - top + fh);
        for (let j = 0; j < ow; j++) {
          const x0 = Math.max(0, j * sw - left);
          const x1 = Math.min(w, j * sw - left + fw);
          for (let k = 0; k < c; k++, gAt++) {
            let best = -Infinity;
            let at = -1;
            for (let y = y0; y < y1; y++) {
              let idx = image + y * rowStride + x0 * c + k;
              for (let xx = x0; xx < x1; xx++, idx += c) {
                const value = heap[x + idx];
                if (value > best || at < 0) {
                  best = value;
                  at = idx;
                }
              }
            }
            if (at >= 0) heap[dx + at] += heap[gAt];
          }
        }
      }
    }
    return out;
  }) as unknown as KernelFunc,
};
