import * as tf from '@tensorflow/tfjs-core';
import type { LeakyReluAttrs } from '@tensorflow/tfjs-core';

/**
 * TF.js differentiates leakyRelu as where(x > 0, dy, α·dy): three kernels, and on wasm `Select` is a slow scalar
 * loop. dy·step(x, α), where step(x, α) = (x > 0 ? 1 : α), is the same gradient in two SIMD kernels (measured on
 * wasm, [64,16,16,64]: 0.6 ms against 12 ms), and `Step` has a zero gradient, so the gradient penalty's
 * second-order pass works through it on every backend.
 */
export function registerLeakyReluGrad(): string[] {
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { alpha } = attrs as unknown as LeakyReluAttrs;
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
  return ['gradient: LeakyRelu (dy·step(x, α))'];
}
