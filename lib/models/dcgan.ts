import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, ConvTranspose2d, Linear } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';

export interface DcganConfig {
  /** Latent size. */
  zDim?: number;
  /** Base width: G starts at 8·ch channels at 4×4 and halves them at each 2× upsampling. */
  ch?: number;
  /** Output side, a power of two ≥ 8. */
  resolution?: number;
  /** Image channels (3 for RGB, 1 for Fashion-MNIST). */
  channels?: number;
  seed?: number;
}

const DEFAULTS: Required<DcganConfig> = { zDim: 128, ch: 32, resolution: 32, channels: 3, seed: 1 };

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
  private readonly fcNorm: BatchNorm;
  private readonly ups: { conv: ConvTranspose2d; norm: BatchNorm }[] = [];
  private readonly out: Conv2d;

  constructor(config: DcganConfig = {}) {
    super();
    const c = (this.cfg = resolved(config));
    const seeds = new SeedStream(c.seed);
    const top = 8 * c.ch;
    this.fc = this.child('fc', new Linear({ inFeatures: c.zDim, outFeatures: 16 * top, bias: false, seed: seeds.take() }));
    this.fcNorm = this.child('fc_bn', new BatchNorm({ channels: top }));
    let width = top;
    for (let i = 0; i < Math.log2(c.resolution / 4); i++) {
      const conv = this.child(`up${i}`, new ConvTranspose2d({ inChannels: width, outChannels: width / 2, kernel: 4, stride: 2, bias: false, seed: seeds.take() }));
      const norm = this.child(`up${i}_bn`, new BatchNorm({ channels: width / 2 }));
      this.ups.push({ conv, norm });
      width /= 2;
    }
    this.out = this.child('out', new Conv2d({ inChannels: width, outChannels: c.channels, kernel: 3, seed: seeds.take() }));
  }

  apply(z: tf.Tensor2D): tf.Tensor4D {
    const top = 8 * this.cfg.ch;
    let h = tf.relu(this.fcNorm.apply(this.fc.apply(z).reshape([z.shape[0], 4, 4, top]))) as tf.Tensor4D;
    for (const { conv, norm } of this.ups) h = tf.relu(norm.apply(conv.apply(h)));
    return tf.tanh(this.out.apply(h));
  }
}

/**
 * DCGAN discriminator without batch norm (the "standard CNN" of the SNGAN paper's experiments): [conv 4×4
 * stride 2, leaky ReLU 0.2] per halving down to 4×4, a 3×3 conv, then a linear logit. With the defaults it has
 * 0.96M parameters.
 */
export class DcganDiscriminator extends Module {
  readonly cfg: Required<DcganConfig>;
  private readonly downs: Conv2d[] = [];
  private readonly mid: Conv2d;
  private readonly fc: Linear;

  constructor(config: DcganConfig = {}) {
    super();
    const c = (this.cfg = resolved(config));
    const seeds = new SeedStream(c.seed + 1000);
    let width = c.channels;
    let next = 2 * c.ch;
    for (let i = 0; i < Math.log2(c.resolution / 4); i++) {
      this.downs.push(this.child(`down${i}`, new Conv2d({ inChannels: width, outChannels: next, kernel: 4, stride: 2, seed: seeds.take() })));
      width = next;
      next *= 2;
    }
    this.mid = this.child('mid', new Conv2d({ inChannels: width, outChannels: 4 * c.ch, kernel: 3, seed: seeds.take() }));
    this.fc = this.child('fc', new Linear({ inFeatures: 16 * 4 * c.ch, outFeatures: 1, seed: seeds.take() }));
  }

  /** Logits, shape [n]. */
  apply(x: tf.Tensor4D): tf.Tensor1D {
    let h = x;
    for (const conv of this.downs) h = tf.leakyRelu(conv.apply(h), 0.2);
    h = tf.leakyRelu(this.mid.apply(h), 0.2);
    return this.fc.apply(h.reshape([x.shape[0], -1]) as tf.Tensor2D).reshape([-1]);
  }
}
