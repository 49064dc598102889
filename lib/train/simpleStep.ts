import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, nonSaturatingGeneratorLoss } from '../losses/minimax';
import { Adam } from './adam';
import type { Module } from '../nn/module';

/** An optimizer over an explicit variable list: `tf.train.*` optimizers and this library's `Adam` both fit. */
export interface Optimizer {
  minimize(loss: () => tf.Scalar, returnCost: true, varList: tf.Variable[]): tf.Scalar | null;
}

/** What a generator and a discriminator must offer to be trained by `ganStep`. */
export interface Generator extends Module {
  apply(z: tf.Tensor2D): tf.Tensor4D | tf.Tensor2D;
  readonly cfg: { zDim: number };
}
export interface Discriminator extends Module {
  apply(x: tf.Tensor): tf.Tensor1D;
}

export interface GanStepConfig {
  g: Generator;
  d: Discriminator;
  gOptimizer: Optimizer | Adam;
  dOptimizer: Optimizer | Adam;
  /** Real batch; the fake batch has the same size. */
  real: tf.Tensor;
  /** Seed for this step's latents (deterministic steps for tests and benchmarks). */
  seed?: number;
}

/**
 * One step of the non-saturating GAN: a D update on a real and a fake batch, then a G update on a fresh fake
 * batch. Everything the step creates is freed; the returned losses are plain numbers.
 */
export function ganStep(cfg: GanStepConfig): { dLoss: number; gLoss: number } {
  const { g, d, real } = cfg;
  const n = real.shape[0];
  const seed = cfg.seed;
  const dLoss = tf.tidy(() => {
    const z = tf.randomNormal([n, g.cfg.zDim], 0, 1, 'float32', seed) as tf.Tensor2D;
    const fake = g.apply(z);
    // One D pass over real and fake together, as BigGAN does: larger, faster products, and the same result
    // for a D without batch statistics.
    const both = tf.concat([real, fake]);
    return minimize(cfg.dOptimizer, () => {
      const [realLogits, fakeLogits] = tf.split(d.apply(both), 2);
      return discriminatorLoss(realLogits, fakeLogits);
    }, d.parameters());
  });
  const gLoss = tf.tidy(() => {
    const z = tf.randomNormal([n, g.cfg.zDim], 0, 1, 'float32', seed == null ? undefined : seed + 1) as tf.Tensor2D;
    return minimize(cfg.gOptimizer, () => nonSaturatingGeneratorLoss(d.apply(g.apply(z))), g.parameters());
  });
  const out = { dLoss: dLoss.dataSync()[0], gLoss: gLoss.dataSync()[0] };
  tf.dispose([dLoss, gLoss]);
  return out;
}

function minimize(optimizer: Optimizer | Adam, loss: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
  if (optimizer instanceof Adam) return optimizer.minimize(loss, vars);
  return optimizer.minimize(loss, true, vars) as tf.Scalar;
}
