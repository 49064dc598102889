import * as tf from '@tensorflow/tfjs';

/**
 * The minimax GAN losses on logits ℓ = D(x) (σ(ℓ) is the probability of "real"), written with softplus so
 * that large logits do not overflow: −log σ(ℓ) = softplus(−ℓ), −log(1 − σ(ℓ)) = softplus(ℓ).
 */

/** D maximises log σ(D(x)) + log(1 − σ(D(G(z)))): its loss is the negation. */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
}

/** The non-saturating G loss −log σ(D(G(z))): strong gradients exactly where D rejects the fakes. */
export function nonSaturatingGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar;
}

/** The saturating G loss log(1 − σ(D(G(z)))) of the original minimax game, minimised by G. */
export function saturatingGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
}
