import * as tf from '@tensorflow/tfjs';
import { Module, SeedStream } from './module';
import { SpectralNorm, type SpectralNormConfig } from './spectralNorm';

/** Configures `Embedding`: the table's size, optional spectral norm and initialisation seed. */
export interface EmbeddingConfig {
  classes: number;
  dim: number;
  /** Spectral-normalise the table (BigGAN's projection discriminator does). */
  spectralNorm?: boolean | SpectralNormConfig;
  seed?: number;
}

/** A learned vector per class: row y of a [classes, dim] table. Its gradient is a scatter-add (UnsortedSegmentSum). */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  private readonly sn: SpectralNorm | null;
  constructor(readonly cfg: EmbeddingConfig) {
    super();
    const seeds = new SeedStream(cfg.seed ?? 1);
    this.weight = this.param('weight', tf.randomNormal([cfg.classes, cfg.dim], 0, 1, 'float32', seeds.take()));
    const sn = cfg.spectralNorm;
    // As BigGAN-PyTorch's SNEmbedding: the table's rows (classes) are the outputs, so u has one entry per class.
    this.sn = sn ? this.child('sn', new SpectralNorm(cfg.classes, { seed: seeds.take(), ...(typeof sn === 'object' ? sn : {}) })) : null;
  }
  apply(y: tf.Tensor1D): tf.Tensor2D {
    const table = this.sn ? tf.transpose(this.sn.normalize(tf.transpose(this.weight))) : this.weight;
    return tf.gather(table, y) as tf.Tensor2D;
  }
}
