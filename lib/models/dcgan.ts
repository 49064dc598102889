import * as tf from '@tensorflow/tfjs';
import { ConditionalBatchNorm } from '../nn/conditionalBatchNorm';
import { Embedding } from '../nn/embedding';
import { oneHotFloat } from '../nn/oneHot';
import { BatchNorm, Conv2d, ConvTranspose2d, Linear, type SpectralNormOption } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';
import { checkPack, packSamples } from './pack';

/** Configures a DCGAN generator and discriminator pair: sizes, widths and how each player sees the class. */
export interface DcganConfig {
  /** Latent size. */
  zDim?: number;
  /** Base width: G starts at 8·ch channels at 4×4 and halves them at each 2× upsampling. */
  ch?: number;
  /** Output side, a power of two ≥ 8. */
  resolution?: number;
  /** Image channels (3 for RGB, 1 for Fashion-MNIST). */
  channels?: number;
  /** Classes for a conditional GAN (0: unconditional). */
  classes?: number;
  /**
   * How G sees the class: 'concat' appends a one-hot vector to z (Mirza & Osindero's cGAN); 'cbn' gives every
   * batch norm class-dependent gains and biases (conditional batch norm, from a learned class embedding).
   */
  gConditioning?: 'concat' | 'cbn';
  /**
   * How D sees the class: 'concat' appends one-hot label planes to the image; 'projection' adds ⟨embed(y), φ(x)⟩ to
   * the logit (Miyato & Koyama, 2018).
   */
  dConditioning?: 'concat' | 'projection';
  /** Spectral norm on every layer of D (SNGAN's recipe applied to this DCGAN discriminator). */
  spectralNorm?: SpectralNormOption;
  /**
   * D only: batch norm after every convolution but the first, as in the DCGAN paper (default false). Such a D
   * scores a sample by its batch: the Trainer judges real and fake batches apart and refuses gradient penalties
   * with it, and it trains in training mode (`d.train()`, the default), since its running statistics mix real and
   * fake batches. With spectral norm, batch norm's rescaling undoes the Lipschitz bound spectral norm sets.
   */
  batchNorm?: boolean;
  /** D only: PacGAN packing, samples judged together (default 1; unconditional D only). */
  pack?: number;
  seed?: number;
}

const DEFAULTS: Required<DcganConfig> = {
  zDim: 128,
  ch: 32,
  resolution: 32,
  channels: 3,
  classes: 0,
  gConditioning: 'cbn',
  dConditioning: 'projection',
  spectralNorm: false,
  batchNorm: false,
  pack: 1,
  seed: 1,
};

function needLabels(c: Required<DcganConfig>, y: tf.Tensor1D | undefined, who: string): void {
  if (c.classes > 0 && y == null) throw new Error(`this ${who} is conditional (${c.classes} classes): pass class ids y`);
}

function resolved(cfg: DcganConfig): Required<DcganConfig> {
  const c = { ...DEFAULTS, ...cfg };
  const ups = Math.log2(c.resolution / 4);
  if (!Number.isInteger(ups) || ups < 1) throw new Error(`DCGAN resolution must be a power of two ≥ 8, got ${c.resolution}`);
  return c;
}

/**
 * DCGAN generator (Radford et al., 2016): z → dense 4×4×8ch → [transposed conv 4×4 stride 2, BN, ReLU] per
 * doubling → 3×3 conv → tanh. With the defaults (z 128, ch 32, 32×32 RGB) it has 1.21M parameters.
 */
export class DcganGenerator extends Module {
  readonly cfg: Required<DcganConfig>;
  private readonly fc: Linear;
  private readonly fcNorm: BatchNorm | ConditionalBatchNorm;
  private readonly ups: { conv: ConvTranspose2d; norm: BatchNorm | ConditionalBatchNorm }[] = [];
  private readonly out: Conv2d;
  private readonly embed: Embedding | null;

  constructor(config: DcganConfig = {}) {
    super();
    const c = (this.cfg = resolved(config));
    const seeds = new SeedStream(c.seed);
    const top = 8 * c.ch;
    const cbn = c.classes > 0 && c.gConditioning === 'cbn';
    const embedDim = 4 * c.ch;
    this.embed = cbn ? this.child('embed', new Embedding({ classes: c.classes, dim: embedDim, seed: seeds.take() })) : null;
    const norm = (channels: number) => (cbn ? new ConditionalBatchNorm({ channels, condDim: embedDim, seed: seeds.take() }) : new BatchNorm({ channels }));
    const zIn = c.zDim + (c.classes > 0 && c.gConditioning === 'concat' ? c.classes : 0);
    this.fc = this.child('fc', new Linear({ inFeatures: zIn, outFeatures: 16 * top, bias: false, seed: seeds.take() }));
    this.fcNorm = this.child('fc_bn', norm(top));
    let width = top;
    for (let i = 0; i < Math.log2(c.resolution / 4); i++) {
      const conv = this.child(`up${i}`, new ConvTranspose2d({ inChannels: width, outChannels: width / 2, kernel: 4, stride: 2, bias: false, seed: seeds.take() }));
      const norm_ = this.child(`up${i}_bn`, norm(width / 2));
      this.ups.push({ conv, norm: norm_ });
      width /= 2;
    }
    this.out = this.child('out', new Conv2d({ inChannels: width, outChannels: c.channels, kernel: 3, seed: seeds.take() }));
  }

  apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor4D {
    const c = this.cfg;
    needLabels(c, y, 'DCGAN generator');
    const top = 8 * c.ch;
    const input = c.classes > 0 && c.gConditioning === 'concat' ? (tf.concat([z, oneHotFloat(y!, c.classes)], 1) as tf.Tensor2D) : z;
    const cond = this.embed ? this.embed.apply(y!) : null;
    const bn = (norm: BatchNorm | ConditionalBatchNorm, x: tf.Tensor4D) => (norm instanceof ConditionalBatchNorm ? norm.apply(x, cond!) : norm.apply(x));
    let h = tf.relu(bn(this.fcNorm, this.fc.apply(input).reshape([z.shape[0], 4, 4, top]) as tf.Tensor4D)) as tf.Tensor4D;
    for (const { conv, norm } of this.ups) h = tf.relu(bn(norm, conv.apply(h))) as tf.Tensor4D;
    return tf.tanh(this.out.apply(h));
  }
}

/**
 * DCGAN discriminator: [conv 4×4 stride 2, leaky ReLU 0.2] per halving down to 4×4, a 3×3 conv, then a linear
 * logit; without batch norm unless `batchNorm` (the paper's D normalises every layer but the first). With the
 * defaults it has 0.96M parameters. Not the SNGAN paper's "standard CNN" (which interleaves 3×3 stride-1 convs
 * with the 4×4 stride-2 ones, 64 to 512 channels, leaky ReLU 0.1): a narrower DCGAN-style D that trains in CPU
 * minutes, with or without spectral norm.
 */
export class DcganDiscriminator extends Module {
  readonly cfg: Required<DcganConfig>;
  /** Each halving: its convolution, and its batch norm where there is one (`batchNorm`, every layer but the first). */
  private readonly downs: { conv: Conv2d; norm: BatchNorm | null }[] = [];
  private readonly mid: Conv2d;
  private readonly midNorm: BatchNorm | null;
  private readonly fc: Linear;
  private readonly embed: Embedding | null;

  constructor(config: DcganConfig = {}) {
    super();
    const c = (this.cfg = resolved(config));
    const seeds = new SeedStream(c.seed + 1000);
    checkPack(c.pack, c.classes, 'DcganDiscriminator');
    let width = c.channels * c.pack + (c.classes > 0 && c.dConditioning === 'concat' ? c.classes : 0);
    let next = 2 * c.ch;
    for (let i = 0; i < Math.log2(c.resolution / 4); i++) {
      const conv = this.child(`down${i}`, new Conv2d({ inChannels: width, outChannels: next, kernel: 4, stride: 2, spectralNorm: c.spectralNorm, seed: seeds.take() }));
      this.downs.push({ conv, norm: c.batchNorm && i > 0 ? this.child(`bn${i}`, new BatchNorm({ channels: next })) : null });
      width = next;
      next *= 2;
    }
    this.mid = this.child('mid', new Conv2d({ inChannels: width, outChannels: 4 * c.ch, kernel: 3, spectralNorm: c.spectralNorm, seed: seeds.take() }));
    this.midNorm = c.batchNorm ? this.child('bnMid', new BatchNorm({ channels: 4 * c.ch })) : null;
    this.fc = this.child('fc', new Linear({ inFeatures: 16 * 4 * c.ch, outFeatures: 1, spectralNorm: c.spectralNorm, seed: seeds.take() }));
    const projection = c.classes > 0 && c.dConditioning === 'projection';
    this.embed = projection ? this.child('embed', new Embedding({ classes: c.classes, dim: 16 * 4 * c.ch, spectralNorm: c.spectralNorm, seed: seeds.take() })) : null;
  }

  /** With batch norm, a sample's score depends on its batch: the Trainer judges real and fake apart. */
  get batchStatistics(): boolean {
    return this.cfg.batchNorm;
  }

  /** Logits, shape [n] (one per pack of `pack` samples: [n / pack]). */
  apply(x: tf.Tensor4D, y?: tf.Tensor1D): tf.Tensor1D {
    const c = this.cfg;
    needLabels(c, y, 'DCGAN discriminator');
    let h = packSamples(x, c.pack);
    if (c.classes > 0 && c.dConditioning === 'concat') {
      const [n, height, width] = x.shape;
      const planes = tf.tile(oneHotFloat(y!, c.classes).reshape([n, 1, 1, c.classes]), [1, height, width, 1]) as tf.Tensor4D;
      h = tf.concat([x, planes], 3) as tf.Tensor4D;
    }
    const normed = (norm: BatchNorm | null, a: tf.Tensor4D) => (norm ? norm.apply(a) : a);
    for (const { conv, norm } of this.downs) h = tf.leakyRelu(normed(norm, conv.apply(h)), 0.2);
    const features = tf.leakyRelu(normed(this.midNorm, this.mid.apply(h)), 0.2).reshape([h.shape[0], -1]) as tf.Tensor2D;
    const logit = this.fc.apply(features).reshape([-1]) as tf.Tensor1D;
    return this.embed ? (tf.add(logit, tf.sum(tf.mul(this.embed.apply(y!), features), 1)) as tf.Tensor1D) : logit;
  }
}
