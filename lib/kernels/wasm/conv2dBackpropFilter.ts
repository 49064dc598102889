import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { composite, type KernelScope, type WasmBackend } from './compose';

/**
 * [n, h, w, c] → [c, h, w, n]: the stock wasm Transpose takes ~9 ns per element for this pattern; a JavaScript
 * loop over the heap in 16×16 tiles of (n, c), one spatial position at a time, takes half that (measured on
 * [128,16,16,64]: 17 ms → 8.6 ms).
 */
function swapBatchAndChannels(s: KernelScope, x: TensorInfo): TensorInfo {
  const [n, h, w, c] = x.shape;
  const hw = h * w;
  const out = s.alloc([c, h, w, n]);
  const heap = s.heap();
  const src = s.at(x);
  const dst = s.at(out);
  const T = 16;
  for (let p = 0; p < hw; p++) {
    for (let a0 = 0; a0 < n; a0 += T) {
      const a1 = Math.min(n, a0 + T);
      for (let c0 = 0; c0 < c; c0 += T) {
        const c1 = Math.min(c, c0 + T);
        for (let a = a0; a < a1; a++) {
          const from = src + (a * hw + p) * c;
          const to = dst + p * n + a;
          for (let k = c0; k < c1; k++) heap[to + k * hw * n] = heap[from + k];
        }
      }
    }
  }
  return out;
}

/**
 * The filter gradient of a strided convolution, which the wasm backend lacks, as one XNNPACK convolution:
 *
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh − p, ow·s + kw − p, ci] · dy[n,oh,ow,co]
 *
 * reads as a convolution of xᵀ = x[ci,h,w,n] (batch ci, channels n) with dy[oh,ow,n,co] as the filter,
 * dilated by the forward stride, giving [ci,kh,kw,co]. Rows the forward pass never read are cropped first.
 */
function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackend; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'; transpose to NHWC first.`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [n, height, width, inChannels] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  // Rows/columns past the input that the last filter tap reaches (negative: rows it never reaches).
  const bottom = filterHeight - 1 + (outHeight - 1) * strideHeight - top - (height - 1);
  const right = filterWidth - 1 + (outWidth - 1) * strideWidth - left - (width - 1);

  return composite(backend, (s) => {
    let xs = x;
    if (bottom < 0 || right < 0) {
      xs = s.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [n, height + Math.min(bottom, 0), width + Math.min(right, 0), inChannels] });
    }
    const xT = swapBatchAndChannels(s, xs);
    const f = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const g = s.run(
      'Conv2D',
      { x: xT, filter: f },
      {
        strides: [1, 1],
        dilations: [strideHeight, strideWidth],
        pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
      },
    );
    return s.run('Transpose', { x: g }, { perm: [1, 2, 0, 3] });
  });
}

/** Registers the XNNPACK filter gradient as the wasm backend's Conv2DBackpropFilter. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
