import * as tf from '@tensorflow/tfjs';
import type { ConvConfig } from './layers';
import { Module } from './module';

/** A conv layer as a block sees it; which one (plain, spectral-normalised) is injected. */
export interface ConvLike extends Module {
  apply(x: tf.Tensor4D): tf.Tensor4D;
}
/** A normalisation as a block sees it: batch norm ignores the condition, conditional batch norm uses it. */
export interface NormLike extends Module {
  apply(x: tf.Tensor4D, cond: tf.Tensor2D): tf.Tensor4D;
}
/** Makes a block's conv layers from their shapes, so a model picks the kind (plain, spectral-normalised). */
export type ConvFactory = (cfg: ConvConfig) => ConvLike;
/** Makes a block's normalisation for a channel count, so a model picks plain or conditional batch norm. */
export type NormFactory = (channels: number) => NormLike;

/** Configures `GBlock`: its channels, the layer factories and whether it upsamples. */
export interface GBlockConfig {
  inChannels: number;
  outChannels: number;
  conv: ConvFactory;
  norm: NormFactory;
  /** Nearest-neighbour 2× upsampling (default true). */
  upsample?: boolean;
}

const upsample2 = (x: tf.Tensor4D) => tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);

/**
 * BigGAN's generator block: h = conv₂(ReLU(BN₂(conv₁(up(ReLU(BN₁(x, c)))), c))), out = h + conv_sc(up(x)).
 * Layer kinds are injected, so spectral norm and conditional batch norm swap in without a subclass each.
 */
export class GBlock extends Module {
  private readonly bn1: NormLike;
  private readonly conv1: ConvLike;
  private readonly bn2: NormLike;
  private readonly conv2: ConvLike;
  private readonly shortcut: ConvLike | null;
  constructor(readonly cfg: GBlockConfig) {
    super();
    const { inChannels: i, outChannels: o } = cfg;
    this.bn1 = this.child('bn1', cfg.norm(i));
    this.conv1 = this.child('conv1', cfg.conv({ inChannels: i, outChannels: o, kernel: 3 }));
    this.bn2 = this.child('bn2', cfg.norm(o));
    this.conv2 = this.child('conv2', cfg.conv({ inChannels: o, outChannels: o, kernel: 3 }));
    this.shortcut = i !== o || (cfg.upsample ?? true) ? this.child('conv_sc', cfg.conv({ inChannels: i, outChannels: o, kernel: 1 })) : null;
  }
  apply(x: tf.Tensor4D, cond: tf.Tensor2D): tf.Tensor4D {
    const up = this.cfg.upsample ?? true;
    let h = tf.relu(this.bn1.apply(x, cond)) as tf.Tensor4D;
    if (up) h = upsample2(h);
    h = this.conv1.apply(h);
    h = this.conv2.apply(tf.relu(this.bn2.apply(h, cond)) as tf.Tensor4D);
    let skip = up ? upsample2(x) : x;
    if (this.shortcut) skip = this.shortcut.apply(skip);
    return tf.add(h, skip) as tf.Tensor4D;
  }
}

/** Configures `DBlock`: its channels, the conv factory, and whether it downsamples and pre-activates. */
export interface DBlockConfig {
  inChannels: number;
  outChannels: number;
  conv: ConvFactory;
  /** 2×2 average pooling at the end (default true). */
  downsample?: boolean;
  /** ReLU before the first conv (all but D's first block, as in BigGAN). Default true. */
  preactivation?: boolean;
}

/**
 * BigGAN's discriminator block: h = pool(conv₂(ReLU(conv₁(ReLU?(x))))), out = h + shortcut(x), the shortcut a 1×1
 * conv (before pooling with preactivation, after it without — the order BigGAN-PyTorch uses).
 */
export class DBlock extends Module {
  private readonly conv1: ConvLike;
  private readonly conv2: ConvLike;
  private readonly shortcut: ConvLike | null;
  constructor(readonly cfg: DBlockConfig) {
    super();
    const { inChannels: i, outChannels: o } = cfg;
    this.conv1 = this.child('conv1', cfg.conv({ inChannels: i, outChannels: o, kernel: 3 }));
    this.conv2 = this.child('conv2', cfg.conv({ inChannels: o, outChannels: o, kernel: 3 }));
    this.shortcut = i !== o || (cfg.downsample ?? true) ? this.child('conv_sc', cfg.conv({ inChannels: i, outChannels: o, kernel: 1 })) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const down = this.cfg.downsample ?? true;
    const pre = this.cfg.preactivation ?? true;
    const pool = (t: tf.Tensor4D) => tf.avgPool(t, 2, 2, 'valid');
    let h = pre ? (tf.relu(x) as tf.Tensor4D) : x;
    h = this.conv2.apply(tf.relu(this.conv1.apply(h)) as tf.Tensor4D);
    if (down) h = pool(h);
    let skip = x;
    if (pre) {
      if (this.shortcut) skip = this.shortcut.apply(skip);
      if (down) skip = pool(skip);
    } else {
      if (down) skip = pool(skip);
      if (this.shortcut) skip = this.shortcut.apply(skip);
    }
    return tf.add(h, skip) as tf.Tensor4D;
  }
}
