import * as tf from '@tensorflow/tfjs';

/** ‖∇ₓ D(x)‖₂ per sample, for a batch x and a critic D giving one value per sample. */
export function criticGradientNorms(critic: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  const g = tf.grad((input: tf.Tensor) => tf.sum(critic(input)))(x);
  return tf.sqrt(tf.add(tf.sum(tf.square(g.reshape([x.shape[0], -1])), 1), 1e-12)) as tf.Tensor1D;
}

/**
 * WGAN-GP (Gulrajani et al.): λ·E[(‖∇ D(x̂)‖₂ − 1)²] at x̂ = αx + (1 − α)G(z), one α ~ U[0, 1] per sample. Its gradient
 * w.r.t. D's weights is a second-order gradient (see lib/kernels for what TF.js needed for it).
 */
export function gradientPenalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  fake: tf.Tensor,
  o: { lambda?: number; seed?: number } = {},
): tf.Scalar {
  const n = real.shape[0];
  const alpha = tf.randomUniform([n, ...real.shape.slice(1).map(() => 1)], 0, 1, 'float32', o.seed);
  const mixed = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
  const norms = criticGradientNorms(critic, mixed);
  return tf.mul(o.lambda ?? 10, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar;
}

/** R1 (Mescheder et al.): (γ/2)·E[‖∇ D(x)‖²] on real data only. */
export function r1Penalty(critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor, gamma = 10): tf.Scalar {
  const g = tf.grad((input: tf.Tensor) => tf.sum(critic(input)))(real);
  return tf.mul(gamma / 2, tf.mean(tf.sum(tf.square(g.reshape([real.shape[0], -1])), 1))) as tf.Scalar;
}
