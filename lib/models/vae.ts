import * as tf from '@tensorflow/tfjs';
import { Conv2d, Linear } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';
import { DcganGenerator } from './dcgan';
import { seededNormal } from '../nn/seededNormal';

/**
 * Configures a convolutional VAE: its latent size, width, image size and channels. The defaults (z 64, one
 * channel) fit Fashion-MNIST, the data set the kit compares its VAE and GANs on.
 */
export interface VaeConfig {
  /** Latent size. */
  zDim?: number;
  /** Base width, as the DCGAN's: the decoder is a DCGAN generator of this config, the encoder its mirror. */
  ch?: number;
  /** Image side, a power of two ≥ 8. */
  resolution?: number;
  /** Image channels. */
  channels?: number;
  /** Initialisation seed (the encoder uses seed + 2000). */
  seed?: number;
}

/**
 * The encoder q(z | x): [conv 4×4 stride 2, leaky ReLU 0.2] per halving down to 4×4 (the DCGAN discriminator's
 * body), then one linear map to the Gaussian's mean and log-variance.
 */
export class ConvEncoder extends Module {
  private readonly downs: Conv2d[] = [];
  private readonly head: Linear;
  constructor(readonly cfg: Required<VaeConfig>) {
    super();
    const seeds = new SeedStream(cfg.seed + 2000);
    let width = cfg.channels;
    let next = 2 * cfg.ch;
    for (let i = 0; i < Math.log2(cfg.resolution / 4); i++) {
      this.downs.push(this.child(`down${i}`, new Conv2d({ inChannels: width, outChannels: next, kernel: 4, stride: 2, seed: seeds.take() })));
      width = next;
      next *= 2;
    }
    this.head = this.child('head', new Linear({ inFeatures: 16 * width, outFeatures: 2 * cfg.zDim, seed: seeds.take() }));
  }

  /** The posterior's mean and log-variance, each [n, zDim]. */
  apply(x: tf.Tensor4D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    let h = x;
    for (const conv of this.downs) h = tf.leakyRelu(conv.apply(h), 0.2);
    const out = this.head.apply(h.reshape([x.shape[0], -1]) as tf.Tensor2D);
    const [mu, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mu, logVar };
  }
}

/**
 * A convolutional variational autoencoder (Kingma & Welling, 2014) whose decoder is the kit's DCGAN generator, so
 * the two families are compared with the same image model: `apply(z)` decodes a latent like any generator of the
 * kit (the samplers, the metrics' `generateImages` and `generatorToOnnx` take it as one; run folders and
 * `npm run train` do not know it), and `encode` gives the posterior q(z | x).
 */
export class Vae extends Module {
  readonly cfg: Required<VaeConfig>;
  readonly encoder: ConvEncoder;
  readonly decoder: DcganGenerator;

  constructor(config: VaeConfig = {}) {
    super();
    const c = (this.cfg = { zDim: 64, ch: 32, resolution: 32, channels: 1, seed: 1, ...config });
    if (!Number.isInteger(Math.log2(c.resolution)) || c.resolution < 8) throw new Error(`VAE resolution must be a power of two ≥ 8, got ${c.resolution}`);
    this.encoder = this.child('encoder', new ConvEncoder(c));
    this.decoder = this.child('decoder', new DcganGenerator({ zDim: c.zDim, ch: c.ch, resolution: c.resolution, channels: c.channels, seed: c.seed }));
  }

  /** The posterior q(z | x) = N(mu, exp(logVar)) of images x in [-1, 1]. */
  encode(x: tf.Tensor4D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    return this.encoder.apply(x);
  }

  /** Images in [-1, 1] for latents z [n, zDim]: the decoder's mean. */
  apply(z: tf.Tensor2D): tf.Tensor4D {
    return this.decoder.apply(z);
  }

  /**
   * The reparameterisation trick: z = mu + σ·ε with ε ~ N(0, I) drawn from `seed`, so that z is a differentiable
   * function of the encoder's outputs.
   */
  static sample(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed?: number): tf.Tensor2D {
    return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), seededNormal(mu.shape, { seed }))) as tf.Tensor2D);
  }
}
