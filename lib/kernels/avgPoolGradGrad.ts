import * as tf from '@tensorflow/tfjs-core';
import type { AvgPoolGradAttrs } from '@tensorflow/tfjs-core';

/**
 * TF.js has no gradient for `AvgPoolGrad`, so a gradient penalty (WGAN-GP, R1) through a critic that downsamples
 * by average pooling — BigGAN's and SNGAN's residual discriminators — cannot be differentiated a second time.
 * `AvgPoolGrad` is linear in dy: it spreads each dy over its window divided by the window's full size (TF.js does
 * so even where 'same' padding cuts a window short, though the forward pooling then divides by the pixels inside).
 * Its gradient with respect to dy is therefore the window sum of ddx over that size: a depthwise convolution with
 * a constant filter. The input only supplies the shape.
 */
export function registerAvgPoolGradGrad(): string[] {
  tf.registerGradient({
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (ddx, saved, attrs) => {
      const [input] = saved;
      const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
      return {
        dy: () =>
          tf.tidy(() => {
            const { filterHeight: fh, filterWidth: fw } = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
            const share = tf.fill([fh, fw, input.shape[3]!, 1], 1 / (fh * fw)) as tf.Tensor4D;
            return tf.depthwiseConv2d(ddx as tf.Tensor4D, share, strides, pad as 'valid' | 'same' | number);
          }),
        input: () => tf.zerosLike(input),
      };
    },
  });
  return ['gradient: AvgPoolGrad (average pooling)'];
}
