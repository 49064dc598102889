import * as tf from '@tensorflow/tfjs-core';
import type { AvgPoolGradAttrs } from '@tensorflow/tfjs-core';

/**
 * TF.js has no gradient for `AvgPoolGrad`, so a gradient penalty (WGAN-GP, R1) through a critic that downsamples
 * by average pooling — BigGAN's and SNGAN's residual discriminators — cannot be differentiated a second time.
 * `AvgPoolGrad` is linear in dy and is the adjoint of average pooling, so its gradient with respect to dy is
 * average pooling itself; the input only supplies the shape.
 */
export function registerAvgPoolGradGrad(): string[] {
  tf.registerGradient({
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const [input] = saved;
      const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
      return {
        dy: () => tf.avgPool(ddx as tf.Tensor4D, filterSize, strides, pad),
        input: () => tf.zerosLike(input),
      };
    },
  });
  return ['gradient: AvgPoolGrad (average pooling)'];
}
