import * as tf from '@tensorflow/tfjs-core';
import type { MaxPoolGradAttrs } from '@tensorflow/tfjs-core';

/**
 * TF.js has no gradient for `MaxPoolGrad`, so a gradient penalty through a critic with max pooling — the
 * self-attention block pools its keys and values 2×2 — cannot be differentiated a second time. `MaxPoolGrad`
 * routes each dy to its window's maximum; its gradient with respect to dy reads ddx back from that position. With
 * windows that do not overlap (stride ≥ window, as in the self-attention block), the positions are the 1s of
 * MaxPoolGrad(1), and the read is a window sum of ddx ⊙ that mask. Overlapping windows would need each window's
 * argmax separately: refused with an error rather than computed wrong. The input and output get zero gradient
 * (max pooling is piecewise linear).
 */
export function registerMaxPoolGradGrad(): string[] {
  tf.registerGradient({
    kernelName: 'MaxPoolGrad',
    inputsToSave: ['dy', 'input', 'output'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, input, output] = saved as tf.Tensor4D[];
      const a = attrs as unknown as MaxPoolGradAttrs;
      const info = tf.backend_util.computePool2DInfo(input.shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      const [fh, fw, sh, sw] = [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth];
      if (sh < fh || sw < fw) {
        throw new Error(
          `second-order gradient through max pooling with overlapping windows (window ${fh}×${fw}, stride ${sh}×${sw}) is not ` +
            'supported; use a stride at least as large as the window, or average pooling',
        );
      }
      return {
        dy: () =>
          tf.tidy(() => {
            const mask = tf.engine().runKernel('MaxPoolGrad', { dy: tf.onesLike(dy), input, output }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
            const ones = tf.ones([fh, fw, input.shape[3], 1]) as tf.Tensor4D;
            return tf.depthwiseConv2d(tf.mul(mask, ddx as tf.Tensor4D) as tf.Tensor4D, ones, [sh, sw], a.pad as 'valid' | 'same' | number);
          }),
        input: () => tf.zerosLike(input),
        output: () => tf.zerosLike(output),
      };
    },
  });
  return ['gradient: MaxPoolGrad (non-overlapping windows)'];
}
