import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, fusedBatchNormAvailable } from '../kernels/wasm/batchNormTrain';
import { stopGradient } from './stopGradient';

/** Configures `batchNormTraining`: the affine (both or neither) and ε. */
export interface BatchNormTrainingConfig {
  /** Per-channel gain, shape [channels]; with `beta`, or neither for a norm without an affine. */
  gamma?: tf.Tensor;
  /** Per-channel shift, shape [channels]. */
  beta?: tf.Tensor;
  /** Added to the variance (default 1e-5, PyTorch's). */
  epsilon?: number;
}

/** What `batchNormTraining` returns: the normalised tensor and the batch statistics it used. */
export interface BatchNormTrainingResult<T extends tf.Tensor> {
  y: T;
  /** The batch's per-channel mean, for the running averages (no gradient flows back through it). */
  mean: tf.Tensor1D;
  /** The batch's per-channel biased variance (divisor N), for the running averages (no gradient either). */
  variance: tf.Tensor1D;
}

/**
 * Batch norm with the batch's own statistics over every axis but the last (channels last): y = γ(x − μ)/√(σ² + ε)
 * + β. Where the backend has the fused kernel (`GanBatchNormTrain`: wasm with the native addon built;
 * `setFusedBatchNorm(false)` turns it off) the forward pass and its gradient are one kernel each; elsewhere TF.js's
 * `moments` and `batchNorm`. The two agree to rounding. Gradients flow to x, γ and β through y (μ's and σ²'s
 * dependence on x included); the returned statistics are for the running averages and carry none, on either path.
 */
export function batchNormTraining<T extends tf.Tensor>(x: T, cfg: BatchNormTrainingConfig = {}): BatchNormTrainingResult<T> {
  const epsilon = cfg.epsilon ?? 1e-5;
  const { gamma, beta } = cfg;
  if ((gamma == null) !== (beta == null)) throw new Error('batchNormTraining: give gamma and beta together, or neither');
  if (fusedBatchNormAvailable() && x.dtype === 'float32' && x.size > 0) {
    const channels = x.shape[x.shape.length - 1];
    const ones = gamma ?? tf.ones([channels]);
    const zeros = beta ?? tf.zeros([channels]);
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma: ones, beta: zeros }, { epsilon }) as tf.Tensor[];
    if (gamma == null) tf.dispose([ones, zeros]);
    return { y: y as T, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = normalizeWith(x, { mean, variance, gamma, beta, epsilon });
  return { y, mean: stopGradient(mean) as tf.Tensor1D, variance: stopGradient(variance) as tf.Tensor1D };
}

/**
 * y = γ(x − μ)/√(σ² + ε) + β with given statistics (the batch's, or BatchNorm's running ones in evaluation), by
 * TF.js's `batchNorm`; without γ and β, (x − μ)/√(σ² + ε).
 */
export function normalizeWith<T extends tf.Tensor>(
  x: T,
  s: { mean: tf.Tensor; variance: tf.Tensor; gamma?: tf.Tensor; beta?: tf.Tensor; epsilon: number },
): T {
  if (s.gamma && s.beta) return tf.batchNorm(x, s.mean, s.variance, s.beta, s.gamma, s.epsilon) as T;
  // tf.batchNorm without scale/offset cannot be differentiated in TF.js 4.22 (its gradient saves the missing
  // inputs and clones `undefined`), so the non-affine case is written out.
  return tf.mul(tf.sub(x, s.mean), tf.rsqrt(tf.add(s.variance, s.epsilon))) as T;
}
