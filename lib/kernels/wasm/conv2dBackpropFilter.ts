import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { composite, type WasmBackend } from './compose';

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
    const xT = s.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] });
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

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
