import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * TF.js has no gradient for `Conv2DBackpropFilter`, so a third-order path through a convolution (a penalty
 * on a generator's conv-transpose weights gradient, say) stops there. dW = x ⋆ dy is bilinear in (x, dy):
 * its adjoint w.r.t. x is the transposed convolution of dy with the upstream filter gradient, and w.r.t. dy
 * the forward convolution of x with it.
 */
export function registerConv2dBackpropFilterGrad(): string[] {
  if (tf.getGradient('Conv2DBackpropFilter') != null) return [];
  tf.registerGradient({
    kernelName: 'Conv2DBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, saved, attrs) => {
      const [x, dy] = saved as [Tensor4D, Tensor4D];
      const { strides, pad, dimRoundingMode } = attrs as unknown as Conv2DBackpropFilterAttrs;
      const w = ddw as Tensor4D;
      return {
        x: () => tf.conv2dTranspose(dy, w, x.shape, strides, pad as 'same' | 'valid', dimRoundingMode),
        dy: () => tf.conv2d(x, w, strides, pad, 'NHWC', 1, dimRoundingMode),
      };
    },
  });
  return ['gradient: Conv2DBackpropFilter'];
}
