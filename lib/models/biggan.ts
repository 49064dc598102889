import * as tf from '@tensorflow/tfjs';
import { ConditionalBatchNorm } from '../nn/conditionalBatchNorm';
import { oneHotFloat } from '../nn/oneHot';
import { Embedding } from '../nn/embedding';
import { BatchNorm, Conv2d, Linear, type ConvConfig, type WeightInit } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';
import { DBlock, GBlock } from '../nn/resBlocks';
import { SelfAttention } from '../nn/selfAttention';
import { checkPack, packSamples } from './pack';

/** The image sides BigGAN has architectures for. */
export type BigGanResolution = 32 | 64 | 128;

/** Configures a BigGAN generator and discriminator pair: resolution, widths, latent and class conditioning. */
export interface BigGanConfig {
  resolution: BigGanResolution;
  /** Channel width multiplier (BigGAN-PyTorch's G_ch / D_ch). */
  ch?: number;
  /** Latent size; with hierarchical z (the default) split into one chunk per G block plus one for the input layer. */
  zDim?: number;
  /** Size of the class embedding shared by all of G's conditional batch norms (with `sharedEmbedding`). */
  sharedDim?: number;
  /** Number of classes; 0 for an unconditional model (no embedding, no projection). */
  classes?: number;
  /**
   * G's class input (default true, BigGAN's): one learned embedding shared by every conditional batch norm. With
   * false each batch norm maps the one-hot class to its own gains and biases (SNGAN's conditional G: with
   * `hierarchicalZ: false`, BigGAN's Table 1 baseline without its self-attention).
   */
  sharedEmbedding?: boolean;
  /**
   * Hierarchical latent (default true, BigGAN's): z is split into one chunk for the input layer and one per block,
   * each joining that block's class condition. With false all of z goes to the input layer only.
   */
  hierarchicalZ?: boolean;
  /** Resolutions that get a self-attention block, in G and D. */
  attention?: number[];
  /** Image channels. */
  channels?: number;
  /** Spectral norm on every conv and linear layer (default true, as in BigGAN). */
  spectralNorm?: boolean;
  /**
   * Weight initialisation: 'orthogonal' (BigGAN's; default) or 'normal' N(0, 0.02). Orthogonal costs O(fan-in·out²)
   * per layer in JavaScript: about a second for biggan32, much longer for the 128 preset's 1,536-wide layers.
   */
  init?: 'orthogonal' | 'normal';
  /** D only: PacGAN packing, samples judged together (default 1; unconditional D only). */
  pack?: number;
  seed?: number;
}

/** BigGAN-PyTorch's architectures: channel multipliers of ch per block, and where D downsamples. */
const G_ARCH: Record<BigGanResolution, { in: number[]; out: number[] }> = {
  32: { in: [4, 4, 4], out: [4, 4, 4] },
  64: { in: [16, 16, 8, 4], out: [16, 8, 4, 2] },
  128: { in: [16, 16, 8, 4, 2], out: [16, 8, 4, 2, 1] },
};
// `attnAt` is the resolution each D block is labelled with when deciding where attention goes: the output side,
// except that BigGAN-PyTorch's 32×32 table labels every block 16 — kept, so attention lands where its checkpoints
// have it.
const D_ARCH: Record<BigGanResolution, { out: number[]; down: boolean[]; attnAt: number[] }> = {
  32: { out: [4, 4, 4, 4], down: [true, true, false, false], attnAt: [16, 16, 16, 16] },
  64: { out: [1, 2, 4, 8, 16], down: [true, true, true, true, false], attnAt: [32, 16, 8, 4, 4] },
  128: { out: [1, 2, 4, 8, 16, 16], down: [true, true, true, true, true, false], attnAt: [64, 32, 16, 8, 4, 4] },
};

/** Presets after the paper and BigGAN-PyTorch's launch scripts (ch 96 at 128×128 is the paper's BigGAN). */
export const BIGGAN_PRESETS: Record<string, BigGanConfig> = {
  biggan32: { resolution: 32, ch: 64, zDim: 128, attention: [], classes: 10 },
  biggan64: { resolution: 64, ch: 64, zDim: 120, attention: [32], classes: 10 },
  biggan128: { resolution: 128, ch: 96, zDim: 120, attention: [64], classes: 1000 },
};

function weightInit(c: Required<BigGanConfig>): WeightInit {
  return c.init === 'normal' ? { kind: 'normal', std: 0.02 } : { kind: 'orthogonal' };
}

function resolve(cfg: BigGanConfig): Required<BigGanConfig> {
  if (!(cfg.resolution in G_ARCH)) throw new Error(`BigGAN resolution must be 32, 64 or 128, got ${cfg.resolution}`);
  const c: Required<BigGanConfig> = {
    ch: 64,
    zDim: cfg.resolution === 32 ? 128 : 120,
    sharedDim: 128,
    classes: 0,
    attention: [],
    channels: 3,
    spectralNorm: true,
    init: 'orthogonal',
    sharedEmbedding: true,
    hierarchicalZ: true,
    pack: 1,
    seed: 1,
    ...cfg,
  };
  const slots = c.hierarchicalZ ? G_ARCH[c.resolution].in.length + 1 : 1;
  if (c.classes === 0 && !c.hierarchicalZ) throw new Error('an unconditional BigGAN needs hierarchicalZ: its batch norms have no other condition');
  if (c.zDim % slots !== 0) throw new Error(`zDim ${c.zDim} must split into ${slots} equal chunks (hierarchical z) at resolution ${c.resolution}`);
  return c;
}

/**
 * BigGAN generator (Brock et al., 2019): hierarchical z (one chunk to the input layer, one per block, each
 * concatenated with a shared class embedding to condition that block's batch norms; both can be turned off for
 * ablations), residual up-blocks,
 * optional self-attention, and BN–ReLU–conv–tanh at the output. Parameter names follow BigGAN-PyTorch's where the
 * structure matches (blocks.N.conv1.weight, …).
 */
export class BigGanGenerator extends Module {
  readonly cfg: Required<BigGanConfig>;
  private readonly shared: Embedding | null;
  private readonly linear: Linear;
  private readonly blocks: GBlock[] = [];
  private readonly attentions = new Map<number, SelfAttention>();
  private readonly outBn: BatchNorm;
  private readonly outConv: Conv2d;

  constructor(config: BigGanConfig) {
    super();
    const c = (this.cfg = resolve(config));
    const seeds = new SeedStream(c.seed);
    const arch = G_ARCH[c.resolution];
    const chunk = c.hierarchicalZ ? c.zDim / (arch.in.length + 1) : c.zDim;
    const sn = c.spectralNorm;
    const conv = (cc: ConvConfig) => new Conv2d({ ...cc, spectralNorm: sn, init: weightInit(c), seed: seeds.take() });
    const classDim = c.classes === 0 ? 0 : c.sharedEmbedding ? c.sharedDim : c.classes;
    const condDim = (c.hierarchicalZ ? chunk : 0) + classDim;
    this.shared = c.classes > 0 && c.sharedEmbedding ? this.child('shared', new Embedding({ classes: c.classes, dim: c.sharedDim, init: weightInit(c), seed: seeds.take() })) : null;
    this.linear = this.child('linear', new Linear({ inFeatures: chunk, outFeatures: 16 * arch.in[0] * c.ch, spectralNorm: sn, init: weightInit(c), seed: seeds.take() }));
    let res = 4;
    arch.in.forEach((mult, i) => {
      res *= 2;
      this.blocks.push(
        this.child(
          `blocks.${i}`,
          new GBlock({
            inChannels: mult * c.ch,
            outChannels: arch.out[i] * c.ch,
            conv,
            // Per-block class gains (no shared embedding) go without spectral norm, as BigGAN-PyTorch's plain
            // nn.Embedding there: normalised, each class's gain vector would be capped at norm 1.
            norm: (channels) => new ConditionalBatchNorm({ channels, condDim, spectralNorm: c.sharedEmbedding ? sn : false, init: weightInit(c), seed: seeds.take() }),
          }),
        ),
      );
      if (c.attention.includes(res)) this.attentions.set(i, this.child(`attention.${i}`, new SelfAttention({ channels: arch.out[i] * c.ch, spectralNorm: sn, seed: seeds.take() })));
    });
    const last = arch.out[arch.out.length - 1] * c.ch;
    this.outBn = this.child('output_layer.0', new BatchNorm({ channels: last }));
    this.outConv = this.child('output_layer.2', conv({ inChannels: last, outChannels: c.channels, kernel: 3 }));
  }

  /** Images in [-1, 1] for latents z [n, zDim] and, for a conditional model, class ids y [n]. */
  apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor4D {
    if (this.cfg.classes > 0 && y == null) throw new Error(`this BigGAN generator is conditional (${this.cfg.classes} classes): pass class ids y`);
    return this.applyEmbedded(z, this.cfg.classes > 0 && y ? this.classEmbedding(y) : null);
  }

  /**
   * The class vectors [n, ·] G is conditioned on: the shared embeddings, or one-hot vectors without a shared
   * embedding. Interpolate between two classes' vectors to morph between them.
   */
  classEmbedding(y: tf.Tensor1D): tf.Tensor2D {
    if (this.cfg.classes === 0) throw new Error('this BigGAN generator is unconditional: it has no class embedding');
    if (this.shared) return this.shared.apply(y);
    // oneHot turns an id out of range into a zero vector without a word; on the CPU backends check (a read back,
    // which webgpu in Node cannot do synchronously).
    if (tf.getBackend() !== 'webgpu') {
      const bad = y.dataSync().find((k) => !(k >= 0 && k < this.cfg.classes));
      if (bad !== undefined) throw new Error(`class id ${bad} is not one of the generator's classes 0 … ${this.cfg.classes - 1}`);
    }
    return oneHotFloat(y, this.cfg.classes);
  }

  /** Images for latents and explicit class vectors (e.g. a mix of two classes' embeddings). */
  applyEmbedded(z: tf.Tensor2D, emb: tf.Tensor2D | null): tf.Tensor4D {
    const c = this.cfg;
    const arch = G_ARCH[c.resolution];
    if (c.classes > 0 && emb == null) throw new Error(`this BigGAN generator is conditional (${c.classes} classes): pass class vectors (classEmbedding(y))`);
    const zs = c.hierarchicalZ ? (tf.split(z, arch.in.length + 1, 1) as tf.Tensor2D[]) : [z];
    let h = this.linear.apply(zs[0]).reshape([z.shape[0], 4, 4, arch.in[0] * c.ch]) as tf.Tensor4D;
    this.blocks.forEach((block, i) => {
      const cond = !c.hierarchicalZ ? emb! : emb ? (tf.concat([emb, zs[i + 1]], 1) as tf.Tensor2D) : zs[i + 1];
      h = block.apply(h, cond);
      const attn = this.attentions.get(i);
      if (attn) h = attn.apply(h);
    });
    return tf.tanh(this.outConv.apply(tf.relu(this.outBn.apply(h)) as tf.Tensor4D));
  }

  /** The self-attention modules, by block index (to read their maps). */
  attentionBlocks(): SelfAttention[] {
    return [...this.attentions.values()];
  }

  /**
   * What orthogonal regularisation acts on: every weight matrix and filter except the shared class embedding,
   * whose rows are class vectors, not filters (BigGAN-PyTorch leaves it out too).
   */
  orthoWeights(): tf.Variable[] {
    const shared = new Set(this.shared?.parameters() ?? []);
    return this.parameters().filter((v) => v.rank >= 2 && !shared.has(v));
  }
}

/**
 * BigGAN discriminator: residual down-blocks (the first without pre-activation), optional self-attention,
 * ReLU, global sum pooling, a linear output, and for a conditional model the projection term ⟨embed(y), h⟩
 * (Miyato & Koyama, 2018).
 */
export class BigGanDiscriminator extends Module {
  readonly cfg: Required<BigGanConfig>;
  private readonly blocks: DBlock[] = [];
  private readonly attentions = new Map<number, SelfAttention>();
  private readonly linear: Linear;
  private readonly embed: Embedding | null;

  constructor(config: BigGanConfig) {
    super();
    const c = (this.cfg = resolve(config));
    const seeds = new SeedStream(c.seed + 1000);
    const arch = D_ARCH[c.resolution];
    const sn = c.spectralNorm;
    const conv = (cc: ConvConfig) => new Conv2d({ ...cc, spectralNorm: sn, init: weightInit(c), seed: seeds.take() });
    checkPack(c.pack, c.classes, 'BigGanDiscriminator');
    let inC = c.channels * c.pack;
    arch.out.forEach((mult, i) => {
      const outC = mult * c.ch;
      this.blocks.push(this.child(`blocks.${i}`, new DBlock({ inChannels: inC, outChannels: outC, conv, downsample: arch.down[i], preactivation: i > 0 })));
      // As in BigGAN-PyTorch: attention after every block whose resolution label is listed.
      if (c.attention.includes(arch.attnAt[i])) this.attentions.set(i, this.child(`attention.${i}`, new SelfAttention({ channels: outC, spectralNorm: sn, seed: seeds.take() })));
      inC = outC;
    });
    this.linear = this.child('linear', new Linear({ inFeatures: inC, outFeatures: 1, spectralNorm: sn, init: weightInit(c), seed: seeds.take() }));
    this.embed = c.classes > 0 ? this.child('embed', new Embedding({ classes: c.classes, dim: inC, spectralNorm: sn, init: weightInit(c), seed: seeds.take() })) : null;
  }

  /** Scores [n] (logits for minimax losses, values for hinge and Wasserstein; [n / pack] with packing). */
  apply(x: tf.Tensor4D, y?: tf.Tensor1D): tf.Tensor1D {
    if (this.embed && y == null) throw new Error(`this BigGAN discriminator is conditional (${this.cfg.classes} classes): pass class ids y`);
    let h = packSamples(x, this.cfg.pack);
    this.blocks.forEach((block, i) => {
      h = block.apply(h);
      const attn = this.attentions.get(i);
      if (attn) h = attn.apply(h);
    });
    const pooled = tf.sum(tf.relu(h), [1, 2]) as tf.Tensor2D;
    let out = this.linear.apply(pooled).reshape([-1]) as tf.Tensor1D;
    if (this.embed && y) out = tf.add(out, tf.sum(tf.mul(this.embed.apply(y), pooled), 1)) as tf.Tensor1D;
    return out;
  }

  /** The self-attention modules, by block index (to read their maps and gains). */
  attentionBlocks(): SelfAttention[] {
    return [...this.attentions.values()];
  }
}
