import * as tf from '@tensorflow/tfjs';

/**
 * The mode-seeking (diversity) term of MSGAN (Mao et al., 2019): for two latents z₁, z₂, G should not map them to
 * nearly the same image. Returned as a loss to add to G's: 1 / (mean|G(z₁) − G(z₂)| / mean|z₁ − z₂| + ε), small
 * when images differ as much as their latents do.
 */
export function modeSeekingLoss(images1: tf.Tensor, images2: tf.Tensor, z1: tf.Tensor, z2: tf.Tensor, eps = 1e-5): tf.Scalar {
  const ratio = tf.div(tf.mean(tf.abs(tf.sub(images1, images2))), tf.mean(tf.abs(tf.sub(z1, z2))));
  return tf.div(1, tf.add(ratio, eps)) as tf.Scalar;
}
