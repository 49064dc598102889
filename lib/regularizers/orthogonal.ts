import * as tf from '@tensorflow/tfjs';

/**
 * BigGAN's orthogonal regularisation: β‖WᵀW ⊙ (1 − I)‖²_F with W reshaped to [fan-in, out] — it pushes the filters
 * toward orthogonality without constraining their norms, which keeps the truncation trick usable.
 * Biases and gains (rank ≤ 1) are left out, as in BigGAN-PyTorch.
 */
export function orthogonalRegularization(weights: tf.Tensor[], beta = 1e-4): tf.Scalar {
  return tf.tidy(() => {
    let total = tf.scalar(0);
    for (const w of weights) {
      if (w.rank < 2) continue;
      const out = w.shape[w.rank - 1];
      const m = w.reshape([-1, out]) as tf.Tensor2D;
      const gram = tf.matMul(m, m, true, false);
      const offDiagonal = tf.mul(gram, tf.sub(1, tf.eye(out)));
      total = tf.add(total, tf.sum(tf.square(offDiagonal)));
    }
    return tf.mul(beta, total) as tf.Scalar;
  });
}
