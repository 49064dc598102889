import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../nn/layers';
import type { Module } from '../nn/module';
import { rng } from '../../datasets/random';
import { seededNormal } from '../nn/seededNormal';

/** Configures `standingStatistics`: how many forward passes, of what size, and their latents' seed. */
export interface StandingStatisticsOptions {
  /** Forward passes averaged (default 16, as BigGAN-PyTorch's `num_standing_accumulations`). */
  batches?: number;
  /** Samples per pass (default 64). */
  batchSize?: number;
  /** Batch b draws its latents with seed `seed + b` and uniform class ids from rng(seed + b) (default 0). */
  seed?: number;
}

/**
 * BigGAN-PyTorch's standing statistics: every batch norm's running mean and variance are replaced by the average,
 * over `batches` forward passes in training mode, of its batch statistics. An EMA generator needs this: its
 * weights are an average the training never ran, so the running statistics it carries (averaged too, or copied
 * from G) do not describe its own activations. Leaves the generator in evaluation mode, where they are used.
 */
export function standingStatistics(g: Module & { cfg: { zDim: number; classes?: number }; apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor }, o: StandingStatisticsOptions = {}): void {
  const batches = o.batches ?? 16;
  const n = o.batchSize ?? 64;
  if (!Number.isInteger(batches) || batches < 1) throw new Error(`standingStatistics: batches must be a whole number ≥ 1, got ${batches}`);
  const norms = g.modules().filter((m): m is BatchNorm => m instanceof BatchNorm);
  if (norms.length === 0) throw new Error('standingStatistics: this generator has no batch norm to give statistics to');
  const classes = g.cfg.classes ?? 0;
  g.train(true);
  try {
    for (let b = 0; b < batches; b++) {
      // Weight 1/(b+1) for batch b: the running statistics become the plain average of the batches seen so far.
      for (const bn of norms) bn.momentumOverride = 1 / (b + 1);
      tf.tidy(() => {
        const seed = (o.seed ?? 0) + b;
        const z = seededNormal([n, g.cfg.zDim], { seed }) as tf.Tensor2D;
        const u = rng(seed);
        const y = classes > 0 ? tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(u() * classes)), 'int32') : undefined;
        g.apply(z, y);
      });
    }
  } finally {
    for (const bn of norms) bn.momentumOverride = null;
    g.train(false);
  }
}
