import * as tf from '@tensorflow/tfjs';
import { Linear } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';

/** Configures both toy MLP players: latent size, hidden layers and the data dimension. */
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

/** `depth` He-initialised hidden layers with an activation, then a linear output: both toy players. */
class Mlp extends Module {
  readonly cfg: ReturnType<typeof defaults>;
  private readonly layers: Linear[] = [];
  constructor(config: ToyMlpConfig, inDim: (c: ReturnType<typeof defaults>) => number, outDim: number, seedOffset: number, private readonly activation: (h: tf.Tensor2D) => tf.Tensor2D) {
    super();
    const c = (this.cfg = defaults(config));
    const seeds = new SeedStream(c.seed + seedOffset);
    let width = inDim(c);
    for (let i = 0; i < c.depth; i++) {
      this.layers.push(this.child(`fc${i}`, new Linear({ inFeatures: width, outFeatures: c.hidden, init: { kind: 'he' }, seed: seeds.take() })));
      width = c.hidden;
    }
    this.layers.push(this.child('out', new Linear({ inFeatures: width, outFeatures: outDim, init: { kind: 'xavier' }, seed: seeds.take() })));
  }
  protected run(x: tf.Tensor2D): tf.Tensor2D {
    return this.layers.reduce((h, l, i) => (i < this.layers.length - 1 ? this.activation(l.apply(h)) : l.apply(h)), x);
  }
}

/** The toy generator of the PacGAN/VEEGAN mixture experiments: an MLP with ReLU from z to a point. */
export class ToyMlpGenerator extends Mlp {
  constructor(config: ToyMlpConfig = {}) {
    super(config, (c) => c.zDim, defaults(config).dim, 0, (h) => tf.relu(h));
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return this.run(z);
  }
}

/** The toy discriminator: an MLP with leaky ReLU from a point to a score. */
export class ToyMlpDiscriminator extends Mlp {
  constructor(config: ToyMlpConfig = {}) {
    super(config, (c) => c.dim, 1, 500, (h) => tf.leakyRelu(h, 0.2));
  }
  apply(x: tf.Tensor): tf.Tensor1D {
    return this.run(x as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
  }
}
