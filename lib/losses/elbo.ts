import * as tf from '@tensorflow/tfjs';

/** The terms of a VAE's loss for a batch: means per image in nats, and the fitted σ². */
export interface ElboTerms {
  /**
   * −ELBO = reconstruction + KL: the loss to minimise. For a model whose σ were fixed it would bound −log p(x)
   * (a density of images in [-1, 1]) from above; with σ fitted to the very batch it scores, it is optimistic.
   */
  loss: tf.Scalar;
  /** −E_q[log p(x | z)] under a Gaussian decoder whose σ is the one that fits the batch best. */
  reconstruction: tf.Scalar;
  /** KL(q(z | x) ‖ N(0, I)), in closed form. */
  kl: tf.Scalar;
  /** The decoder's σ² (the batch's mean squared error per pixel). */
  variance: tf.Scalar;
}

/**
 * KL(N(mu, exp(logVar)) ‖ N(0, I)) per row, summed over the latent: ½ Σ (mu² + σ² − 1 − log σ²).
 */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(1, logVar)), 1)) as tf.Tensor1D);
}

/**
 * The negative ELBO of a Gaussian-decoder VAE with the decoder's σ set to its optimum for the batch (σ-VAE,
 * Rybkin et al., 2021): with σ² = the mean squared error per pixel, −log p(x | z) = D/2·(log 2πσ² + 1) for D
 * pixels. A fixed σ is a hidden weight between the two terms (too small: sharp but an unstructured latent; too
 * large: blur); the optimal one leaves the ELBO itself to decide.
 */
export function elbo(x: tf.Tensor4D, reconstruction: tf.Tensor4D, mu: tf.Tensor2D, logVar: tf.Tensor2D): ElboTerms {
  return tf.tidy(() => {
    const pixels = x.shape[1] * x.shape[2] * x.shape[3];
    const variance = tf.mean(tf.square(tf.sub(x, reconstruction))) as tf.Scalar;
    const rec = tf.mul(pixels / 2, tf.add(tf.log(tf.mul(2 * Math.PI, tf.add(variance, 1e-8))), 1)) as tf.Scalar;
    const kl = tf.mean(gaussianKl(mu, logVar)) as tf.Scalar;
    return { loss: tf.add(rec, kl) as tf.Scalar, reconstruction: rec, kl, variance };
  });
}
