import * as tf from '@tensorflow/tfjs';

/**
 * BigGAN's orthogonal regularisation: β‖WᵀW ⊙ (1 − I)‖²_F with W reshaped to [fan-in, out] — it pushes the filters
 * toward orthogonality without constraining their norms, which keeps the truncation trick usable.
 * Biases and gains (rank ≤ 1) are left out, as in BigGAN-PyTorch.
 *
 * β means the paper's β (Brock et al., 2019, eq. 3; 1e-4 in its experiments): this is that penalty as written, whose
 * gradient is 4β·W(WᵀW ⊙ (1 − I)). BigGAN-PyTorch's `ortho(model, strength)` adds half of that, 2·strength·(…), to
 * the gradient, so its `--G_ortho s` is `orthoReg: s / 2` here.
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
