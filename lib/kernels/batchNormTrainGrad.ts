import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, type BatchNormTrainAttrs } from './wasm/batchNormTrain';

/**
 * The gradient of training-mode batch norm written with differentiable kernels, recomputing the batch's moments
 * from x so that a second-order pass (a gradient penalty through a D with batch norm) sees how they depend on it.
 */
function composedGradient(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, epsilon: number): tf.Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const rows = x.size / x.shape[x.shape.length - 1];
  const { mean, variance } = tf.moments(x, axes);
  const inv = tf.rsqrt(tf.add(variance, epsilon));
  const xHat = tf.mul(tf.sub(x, mean), inv);
  const dBeta = tf.sum(dy, axes);
  const dGamma = tf.sum(tf.mul(dy, xHat), axes);
  const centred = tf.sub(tf.sub(dy, tf.div(dBeta, rows)), tf.mul(xHat, tf.div(dGamma, rows)));
  return [tf.mul(tf.mul(gamma, inv), centred), dGamma, dBeta];
}

/**
 * Differentiates `GanBatchNormTrain` with its gradient kernel where the backend has one and no tape records the
 * backward pass; under a second-order pass, and on a backend without the kernel, with `composedGradient`.
 */
export function registerBatchNormTrainGrad(): string[] {
  if (tf.getGradient(BATCH_NORM_TRAIN) != null) return [];
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const { epsilon } = attrs as unknown as BatchNormTrainAttrs;
      const engine = tf.engine();
      const fused = !engine.isTapeOn() && tf.getKernel(BATCH_NORM_TRAIN_GRAD, tf.getBackend()) != null;
      // Computed once for the three inputs; whatever a pruned input leaves unused is freed by the backward pass's
      // scope.
      const [dx, dGamma, dBeta] = fused
        ? (engine.runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, mean, variance, gamma }, { epsilon }) as tf.Tensor[])
        : composedGradient(dy, x, gamma, epsilon);
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
  return ['gradient: GanBatchNormTrain'];
}
