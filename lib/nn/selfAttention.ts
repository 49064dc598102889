import * as tf from '@tensorflow/tfjs';
import { Conv2d, type SpectralNormOption } from './layers';
import { Module, SeedStream } from './module';

/** Configures `SelfAttention`: its channels, spectral norm on its convs, and whether it keeps the attention map. */
export interface SelfAttentionConfig {
  channels: number;
  spectralNorm?: SpectralNormOption;
  /** Keep the last attention map for inspection (`lastAttention`); off by default. */
  keepAttention?: boolean;
  seed?: number;
}

/**
 * SAGAN's self-attention block (Zhang et al., 2019), as BigGAN uses it: queries θ and keys φ (C/8 channels),
 * values g (C/2), keys and values max-pooled 2×2; each position attends over all pooled positions,
 *   β = softmax(θᵀφ),  o = W_o (g β),  y = x + γ·o,
 * with γ a learned scalar starting at 0, so the block begins as the identity.
 */
export class SelfAttention extends Module {
  private readonly theta: Conv2d;
  private readonly phi: Conv2d;
  private readonly g: Conv2d;
  private readonly o: Conv2d;
  readonly gamma: tf.Variable;
  /** [n, h·w, h·w/4]: for each query position, its weights over the pooled key positions. */
  lastAttention: tf.Tensor3D | null = null;
  /** Keep the next calls' attention maps in `lastAttention` (switch on to inspect a trained model). */
  keepAttention: boolean;

  constructor(readonly cfg: SelfAttentionConfig) {
    super();
    const c = cfg.channels;
    if (c % 8 !== 0) throw new Error(`SelfAttention needs channels divisible by 8, got ${c}`);
    const seeds = new SeedStream(cfg.seed ?? 1);
    const conv = (name: string, inC: number, outC: number) =>
      this.child(name, new Conv2d({ inChannels: inC, outChannels: outC, kernel: 1, bias: false, spectralNorm: cfg.spectralNorm, init: { kind: 'orthogonal' }, seed: seeds.take() }));
    this.theta = conv('theta', c, c / 8);
    this.phi = conv('phi', c, c / 8);
    this.g = conv('g', c, c / 2);
    this.o = conv('o', c / 2, c);
    this.gamma = this.param('gamma', tf.scalar(0));
    this.keepAttention = cfg.keepAttention ?? false;
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`SelfAttention needs even spatial sizes, got ${h}×${w}`);
    const pool = (t: tf.Tensor4D) => tf.maxPool(t, 2, 2, 'valid');
    const theta = this.theta.apply(x).reshape([n, h * w, c / 8]) as tf.Tensor3D;
    const phi = pool(this.phi.apply(x)).reshape([n, (h * w) / 4, c / 8]) as tf.Tensor3D;
    const g = pool(this.g.apply(x)).reshape([n, (h * w) / 4, c / 2]) as tf.Tensor3D;
    const beta = tf.softmax(tf.matMul(theta, phi, false, true)) as tf.Tensor3D;
    if (this.keepAttention) {
      this.lastAttention?.dispose();
      this.lastAttention = tf.keep(tf.clone(beta));
    }
    const attended = tf.matMul(beta, g).reshape([n, h, w, c / 2]) as tf.Tensor4D;
    return tf.add(x, tf.mul(this.gamma, this.o.apply(attended))) as tf.Tensor4D;
  }

  override dispose(): void {
    this.lastAttention?.dispose();
    super.dispose();
  }
}
