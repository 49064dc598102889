import * as tf from '@tensorflow/tfjs';

/**
 * WGAN's original way to keep the critic Lipschitz: after each critic update, clip every weight to [−c, c]
 * (c = 0.01 in the paper). It works, but caps the critic's capacity and makes its gradients explode or vanish
 * with depth — the motivation for the gradient penalty.
 */
export function clipWeights(vars: tf.Variable[], c = 0.01): void {
  for (const v of vars) tf.tidy(() => v.assign(tf.clipByValue(v, -c, c)));
}
