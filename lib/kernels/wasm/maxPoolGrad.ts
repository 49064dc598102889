import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from './compose';

/**
 * TF.js 4.22's wasm MaxPoolGrad routes a window's gradient to the wrong element when the window's maximum is not
 * positive (it starts its search from 0, not −∞): measured on a random 4×4 input, one of four windows' gradient
 * went to an element that is not its maximum, or nowhere. The self-attention block max-pools signed activations,
 * so its gradients were wrong on wasm. This kernel is cpu's rule — each dy goes to the first maximum of its
 * window — in one pass over the heap, for every padding and stride.
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
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let k = 0; k < c; k++) {
            let best = -Infinity;
            let at = -1;
            for (let u = 0; u < fh; u++) {
              const y = i * sh - top + u;
              if (y < 0 || y >= h) continue;
              for (let v = 0; v < fw; v++) {
                const xx = j * sw - left + v;
                if (xx < 0 || xx >= w) continue;
                const idx = ((b * h + y) * w + xx) * c + k;
                if (heap[x + idx] > best || at < 0) [best, at] = [heap[x + idx], idx];
              }
            }
            if (at >= 0) heap[dx + at] += heap[g + ((b * oh + i) * ow + j) * c + k];
          }
        }
      }
    }
    return out;
  }) as unknown as KernelFunc,
};
