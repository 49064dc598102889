import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Linear, type WeightInit } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';
import { checkPack, packSamples } from './pack';

/** Configures both toy MLP players: latent size, hidden layers, the data dimension, and PacGAN's options. */
export interface ToyMlpConfig {
  zDim?: number;
  /** Width of each hidden layer (PacGAN: 400 in G, 200 in D). */
  hidden?: number;
  /** Hidden layers (PacGAN: 4 in G, 3 in D). */
  depth?: number;
  /** Data dimension (2 for the toy mixtures). */
  dim?: number;
  /** G: batch norm after each hidden layer, before the ReLU (PacGAN's generator; default false). */
  batchNorm?: boolean;
  /** D: maxout hidden units with this many pieces instead of leaky ReLU (PacGAN: 5; default 0, off). */
  maxout?: number;
  /** D: PacGAN packing, samples judged together (default 1: no packing). */
  pack?: number;
  /** Weight initialisation (default He for hidden layers, Xavier for the output; PacGAN: N(0, 0.02²)). */
  init?: WeightInit;
  seed?: number;
}

const defaults = (c: ToyMlpConfig) => ({ zDim: 2, hidden: 128, depth: 3, dim: 2, batchNorm: false, maxout: 0, pack: 1, seed: 1, ...c });
type Resolved = ReturnType<typeof defaults>;

/**
 * Maxout: each of `hidden` units is the maximum of `pieces` consecutive columns. Computed as max pooling over
 * those columns (an [n, hidden, pieces, 1] image, window 1 × pieces): one XNNPACK kernel forward and one pass
 * backward. `tf.max` over a reshaped axis is the same function, but its gradient compares the input with a
 * broadcast maximum, which the wasm backend runs as a slow generic loop (88 of a 169 ms PacGAN step, measured).
 */
function maxout(h: tf.Tensor2D, hidden: number, pieces: number): tf.Tensor2D {
  const n = h.shape[0];
  return tf.maxPool(h.reshape([n, hidden, pieces, 1]) as tf.Tensor4D, [1, pieces], [1, pieces], 'valid').reshape([n, hidden]) as tf.Tensor2D;
}

/**
 * `depth` hidden layers, then a linear output: both toy players. A hidden layer is linear → (batch norm) →
 * activation, or with maxout a linear layer to `hidden × pieces` units and the max over each unit's pieces.
 */
class Mlp extends Module {
  readonly cfg: Resolved;
  private readonly layers: Linear[] = [];
  private readonly norms: BatchNorm[] = [];
  constructor(config: ToyMlpConfig, inDim: number, outDim: number, seedOffset: number, private readonly activation: (h: tf.Tensor2D) => tf.Tensor2D) {
    super();
    const c = (this.cfg = defaults(config));
    const seeds = new SeedStream(c.seed + seedOffset);
    if (c.maxout > 1 && c.batchNorm) throw new Error('a toy MLP layer is either maxout or batch norm + activation (PacGAN: batch norm in G, maxout in D); put batchNorm under arch.g and maxout under arch.d');
    const pieces = Math.max(1, c.maxout);
    let width = inDim;
    for (let i = 0; i < c.depth; i++) {
      // A batch norm's shift makes the layer's bias redundant (PacGAN's generator has none).
      this.layers.push(this.child(`fc${i}`, new Linear({ inFeatures: width, outFeatures: c.hidden * pieces, bias: !c.batchNorm, init: c.init ?? { kind: 'he' }, seed: seeds.take() })));
      if (c.batchNorm) this.norms.push(this.child(`bn${i}`, new BatchNorm({ channels: c.hidden })));
      width = c.hidden;
    }
    this.layers.push(this.child('out', new Linear({ inFeatures: width, outFeatures: outDim, init: c.init ?? { kind: 'xavier' }, seed: seeds.take() })));
  }
  protected run(x: tf.Tensor2D): tf.Tensor2D {
    const hidden = this.layers.length - 1;
    let h = x;
    for (let i = 0; i < hidden; i++) {
      h = this.layers[i].apply(h);
      if (this.cfg.maxout > 1) h = maxout(h, this.cfg.hidden, this.cfg.maxout);
      else {
        if (this.norms[i]) h = this.norms[i].apply(h);
        h = this.activation(h);
      }
    }
    return this.layers[hidden].apply(h);
  }
}

/** The toy generator of the PacGAN/VEEGAN mixture experiments: an MLP with ReLU from z to a point. */
export class ToyMlpGenerator extends Mlp {
  constructor(config: ToyMlpConfig = {}) {
    const c = defaults(config);
    super(config, c.zDim, c.dim, 0, (h) => tf.relu(h));
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return this.run(z);
  }
}

/**
 * The toy discriminator: an MLP with leaky ReLU (or maxout) from a point — or a pack of `pack` points — to a
 * score. With packing it returns one score per pack: [n / pack].
 */
export class ToyMlpDiscriminator extends Mlp {
  constructor(config: ToyMlpConfig = {}) {
    const c = defaults(config);
    checkPack(c.pack, 0, 'ToyMlpDiscriminator');
    super(config, c.dim * c.pack, 1, 500, (h) => tf.leakyRelu(h, 0.2));
  }
  /** With batch norm, a sample's score depends on its batch: the Trainer judges real and fake apart. */
  get batchStatistics(): boolean {
    return this.cfg.batchNorm;
  }
  apply(x: tf.Tensor): tf.Tensor1D {
    return this.run(packSamples(x as tf.Tensor2D, this.cfg.pack)).reshape([-1]) as tf.Tensor1D;
  }
}
