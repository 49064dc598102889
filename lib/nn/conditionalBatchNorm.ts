import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Linear, type SpectralNormOption, type WeightInit } from './layers';
import { Module, SeedStream } from './module';

/** Configures `ConditionalBatchNorm`: its channels, the condition's size and the normalisation's parameters. */
export interface ConditionalBatchNormConfig {
  channels: number;
  /** Size of the conditioning vector: a class embedding, or BigGAN's [shared embedding, z chunk]. */
  condDim: number;
  spectralNorm?: SpectralNormOption;
  momentum?: number;
  epsilon?: number;
  /** Initialisation of the gain and bias maps (default N(0, 0.02), the kit's Linear default). */
  init?: WeightInit;
  seed?: number;
}

/**
 * Conditional batch norm (de Vries et al.; BigGAN's `ccbn`): normalise without a learned affine, then scale by
 * 1 + γ(c) and shift by β(c), both linear in the condition c, so each class gets its own gains and biases.
 */
export class ConditionalBatchNorm extends Module {
  private readonly bn: BatchNorm;
  private readonly gain: Linear;
  private readonly bias: Linear;
  constructor(readonly cfg: ConditionalBatchNormConfig) {
    super();
    const seeds = new SeedStream(cfg.seed ?? 1);
    this.bn = this.child('bn', new BatchNorm({ channels: cfg.channels, momentum: cfg.momentum, epsilon: cfg.epsilon, affine: false }));
    const linear = () => new Linear({ inFeatures: cfg.condDim, outFeatures: cfg.channels, bias: false, spectralNorm: cfg.spectralNorm, init: cfg.init, seed: seeds.take() });
    this.gain = this.child('gain', linear());
    this.bias = this.child('bias', linear());
  }

  apply(x: tf.Tensor4D, cond: tf.Tensor2D): tf.Tensor4D {
    const n = x.shape[0];
    const gain = tf.add(1, this.gain.apply(cond)).reshape([n, 1, 1, this.cfg.channels]);
    const bias = this.bias.apply(cond).reshape([n, 1, 1, this.cfg.channels]);
    return tf.add(tf.mul(this.bn.apply(x), gain), bias) as tf.Tensor4D;
  }
}
