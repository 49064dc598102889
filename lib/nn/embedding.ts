import * as tf from '@tensorflow/tfjs';
import { initWeight, type WeightInit } from './layers';
import { Module, SeedStream } from './module';
import { SpectralNorm, type SpectralNormConfig } from './spectralNorm';

/** Configures `Embedding`: the table's size, optional spectral norm and initialisation seed. */
export interface EmbeddingConfig {
  classes: number;
  dim: number;
  /** Spectral-normalise the table (BigGAN's projection discriminator does). */
  spectralNorm?: boolean | SpectralNormConfig;
  /**
   * How the table starts (default N(0, 1), PyTorch's `nn.Embedding`). BigGAN passes 'orthogonal', as
   * BigGAN-PyTorch's init does: unit-norm class rows, so that in G's [class, z chunk] condition the z chunk is not
   * drowned out by a class vector of norm √dim.
   */
  init?: WeightInit;
  seed?: number;
}

/** A learned vector per class: row y of a [classes, dim] table. Its gradient is a scatter-add (UnsortedSegmentSum). */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  private readonly sn: SpectralNorm | null;
  constructor(readonly cfg: EmbeddingConfig) {
    super();
    const seeds = new SeedStream(cfg.seed ?? 1);
    this.weight = this.param('weight', initWeight([cfg.classes, cfg.dim], cfg.classes, cfg.dim, cfg.init ?? { kind: 'normal', std: 1 }, seeds.take()));
    const sn = cfg.spectralNorm;
    // As BigGAN-PyTorch's SNEmbedding: the table's rows (classes) are the outputs, so u has one entry per class.
    this.sn = sn ? this.child('sn', new SpectralNorm(cfg.classes, { seed: seeds.take(), ...(typeof sn === 'object' ? sn : {}) })) : null;
  }
  apply(y: tf.Tensor1D): tf.Tensor2D {
    const table = this.sn ? tf.transpose(this.sn.normalize(tf.transpose(this.weight))) : this.weight;
    return tf.gather(table, y) as tf.Tensor2D;
  }
}
