import * as tf from '@tensorflow/tfjs';
import { Linear } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';

export interface ToyMlpConfig {
  zDim?: number;
  /** Width of each hidden layer. */
  hidden?: number;
  /** Hidden layers. */
  depth?: number;
  /** Data dimension (2 for the toy mixtures). */
  dim?: number;
  seed?: number;
}

const defaults = (c: ToyMlpConfig) => ({ zDim: 2, hidden: 128, depth: 3, dim: 2, seed: 1, ...c });
const he = { kind: 'he' } as const;

/** The toy generator of the PacGAN/VEEGAN mixture experiments: an MLP with ReLU from z to a point. */
export class ToyMlpGenerator extends Module {
  readonly cfg: ReturnType<typeof defaults>;
  private readonly layers: Linear[] = [];
  constructor(config: ToyMlpConfig = {}) {
    super();
    const c = (this.cfg = defaults(config));
    const seeds = new SeedStream(c.seed);
    let width = c.zDim;
    for (let i = 0; i < c.depth; i++) {
      this.layers.push(this.child(`fc${i}`, new Linear({ inFeatures: width, outFeatures: c.hidden, init: he, seed: seeds.take() })));
      width = c.hidden;
    }
    this.layers.push(this.child('out', new Linear({ inFeatures: width, outFeatures: c.dim, init: { kind: 'xavier' }, seed: seeds.take() })));
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    let h = z;
    this.layers.forEach((l, i) => {
      h = l.apply(h);
      if (i < this.layers.length - 1) h = tf.relu(h) as tf.Tensor2D;
    });
    return h;
  }
}

/** The toy discriminator: an MLP with leaky ReLU from a point to a score. */
export class ToyMlpDiscriminator extends Module {
  readonly cfg: ReturnType<typeof defaults>;
  private readonly layers: Linear[] = [];
  constructor(config: ToyMlpConfig = {}) {
    super();
    const c = (this.cfg = defaults(config));
    const seeds = new SeedStream(c.seed + 500);
    let width = c.dim;
    for (let i = 0; i < c.depth; i++) {
      this.layers.push(this.child(`fc${i}`, new Linear({ inFeatures: width, outFeatures: c.hidden, init: he, seed: seeds.take() })));
      width = c.hidden;
    }
    this.layers.push(this.child('out', new Linear({ inFeatures: width, outFeatures: 1, init: { kind: 'xavier' }, seed: seeds.take() })));
  }
  apply(x: tf.Tensor): tf.Tensor1D {
    let h = x as tf.Tensor2D;
    this.layers.forEach((l, i) => {
      h = l.apply(h);
      if (i < this.layers.length - 1) h = tf.leakyRelu(h, 0.2) as tf.Tensor2D;
    });
    return h.reshape([-1]) as tf.Tensor1D;
  }
}
