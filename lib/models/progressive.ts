import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Linear, type SpectralNormOption } from '../nn/layers';
import { Module, SeedStream } from '../nn/module';

/** Configures a progressively grown generator and discriminator pair (Karras et al., 2018). */
export interface ProgressiveConfig {
  /** Latent size. */
  zDim?: number;
  /** Base width: 8·ch channels at 4×4, halved at each doubling of the side (as the DCGAN's). */
  ch?: number;
  /** The final side, a power of two ≥ 8. */
  resolution?: number;
  /** The side training starts at (default 8): its stage is 0, and each later stage doubles it. */
  startResolution?: number;
  /** Image channels (default 1: the kit's grey Fashion-MNIST). */
  channels?: number;
  /** Spectral norm on every layer of D. */
  spectralNorm?: SpectralNormOption;
  /** Initialisation seed (D uses seed + 1000). */
  seed?: number;
}

const DEFAULTS: Required<ProgressiveConfig> = { zDim: 128, ch: 32, resolution: 32, startResolution: 8, channels: 1, spectralNorm: false, seed: 1 };

function resolved(cfg: ProgressiveConfig): Required<ProgressiveConfig> {
  const c = { ...DEFAULTS, ...cfg };
  for (const [k, v] of [['resolution', c.resolution], ['startResolution', c.startResolution]] as const) {
    if (!Number.isInteger(Math.log2(v)) || v < 8) throw new Error(`progressive GAN: ${k} must be a power of two ≥ 8, got ${v}`);
  }
  if (c.startResolution > c.resolution) throw new Error(`progressive GAN: startResolution ${c.startResolution} is above resolution ${c.resolution}`);
  return c;
}

/** The number of stages of a config: one per side from startResolution to resolution. */
export function progressiveStages(cfg: ProgressiveConfig): number {
  const c = resolved(cfg);
  return Math.log2(c.resolution / c.startResolution) + 1;
}

/**
 * Where a progressive model is in its growth: `stage` (0: startResolution, each later one doubles the side) and
 * `alpha`, the fade-in of that stage's new layers (0: the previous stage's output, 1: the new layers alone).
 */
export interface GrowthState {
  stage: number;
  alpha: number;
}

function checkGrowth(s: GrowthState, stages: number): void {
  if (!Number.isInteger(s.stage) || s.stage < 0 || s.stage >= stages) throw new Error(`progressive GAN: stage must be 0 … ${stages - 1}, got ${s.stage}`);
  if (!(s.alpha >= 0 && s.alpha <= 1)) throw new Error(`progressive GAN: alpha must be in [0, 1], got ${s.alpha}`);
}

/** A shared base for both players: the growth state, set by a schedule between steps. */
abstract class Growing extends Module {
  readonly cfg: Required<ProgressiveConfig>;
  readonly stages: number;
  growth: GrowthState;
  constructor(config: ProgressiveConfig) {
    super();
    this.cfg = resolved(config);
    this.stages = progressiveStages(this.cfg);
    this.growth = { stage: this.stages - 1, alpha: 1 };
  }
  /**
   * Moves to a stage and fade-in. A new (or loaded) model starts fully grown — the direct model, for comparison —
   * so a growing run sets the state before every step, on G, D and an EMA G alike (`growthSchedule`).
   */
  setGrowth(s: GrowthState): this {
    checkGrowth(s, this.stages);
    this.growth = { ...s };
    return this;
  }
  /** The parameters the current stage uses: the Trainer updates only these, and Adam's t starts when they join. */
  activeParameters(): tf.Variable[] {
    return this.activeModules().flatMap((m) => m.parameters());
  }
  /** Orthogonal regularisation, if used, acts on the active weights only. */
  orthoWeights(): tf.Variable[] {
    return this.activeParameters().filter((v) => v.rank >= 2);
  }
  protected abstract activeModules(): Module[];
  /** The side of stage k's images. */
  sideOf(stage: number): number {
    return this.cfg.startResolution * 2 ** stage;
  }
  /** Channels at a side: 8·ch at 4×4, halved at each doubling (at least 1). */
  protected width(side: number): number {
    return Math.max(1, Math.floor((8 * this.cfg.ch * 4) / side));
  }
}

const up = (x: tf.Tensor4D) => tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
const down = (x: tf.Tensor4D) => tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D;

/**
 * Progressive generator: z → 4×4 → [nearest 2× upsampling, 3×3 conv, BN, ReLU] per doubling, with a 1×1 "to image"
 * conv (then tanh) at every side. At stage s only the blocks up to side s run, and during the fade-in the image is
 * (1 − α)·upsample(previous side's image) + α·(new side's image). The output is always [n, resolution,
 * resolution, channels] (nearest-upsampled from the stage's side), so the Trainer, metrics and samplers need no
 * change; the discriminator pools it back to the stage's side, where it is exactly the generator's image.
 * Of Karras et al.'s other devices (equalised learning rate, pixel norm, the minibatch standard deviation) none is
 * here: this model isolates growth itself, on the kit's DCGAN-style layers.
 */
export class ProgressiveGenerator extends Growing {
  private readonly fc: Linear;
  private readonly fcNorm: BatchNorm;
  private readonly blocks: { conv: Conv2d; norm: BatchNorm }[] = [];
  private readonly toImage: Conv2d[] = [];

  constructor(config: ProgressiveConfig = {}) {
    super(config);
    const c = this.cfg;
    const seeds = new SeedStream(c.seed);
    this.fc = this.child('fc', new Linear({ inFeatures: c.zDim, outFeatures: 16 * this.width(4), bias: false, seed: seeds.take() }));
    this.fcNorm = this.child('fc_bn', new BatchNorm({ channels: this.width(4) }));
    for (let side = 8; side <= c.resolution; side *= 2) {
      const conv = this.child(`up${side}`, new Conv2d({ inChannels: this.width(side / 2), outChannels: this.width(side), kernel: 3, bias: false, seed: seeds.take() }));
      this.blocks.push({ conv, norm: this.child(`up${side}_bn`, new BatchNorm({ channels: this.width(side) })) });
    }
    for (let s = 0; s < this.stages; s++) {
      const side = this.sideOf(s);
      this.toImage.push(this.child(`to_image${side}`, new Conv2d({ inChannels: this.width(side), outChannels: c.channels, kernel: 1, seed: seeds.take() })));
    }
  }

  protected activeModules(): Module[] {
    const { stage, alpha } = this.growth;
    const last = Math.log2(this.cfg.startResolution / 8) + stage;
    const blocks = this.blocks.slice(0, last + 1).flatMap((b) => [b.conv, b.norm]);
    return [this.fc, this.fcNorm, ...blocks, this.toImage[stage], ...(stage > 0 && alpha < 1 ? [this.toImage[stage - 1]] : [])];
  }

  apply(z: tf.Tensor2D): tf.Tensor4D {
    const c = this.cfg;
    const { stage, alpha } = this.growth;
    const firstBlock = Math.log2(c.startResolution / 8);
    let h = tf.relu(this.fcNorm.apply(this.fc.apply(z).reshape([z.shape[0], 4, 4, this.width(4)]) as tf.Tensor4D)) as tf.Tensor4D;
    let previous: tf.Tensor4D | null = null;
    for (let b = 0; b <= firstBlock + stage; b++) {
      if (b === firstBlock + stage) previous = h; // the previous stage's side, before the newest block
      const { conv, norm } = this.blocks[b];
      h = tf.relu(norm.apply(conv.apply(up(h)))) as tf.Tensor4D;
    }
    let image = tf.tanh(this.toImage[stage].apply(h)) as tf.Tensor4D;
    if (stage > 0 && alpha < 1) image = tf.add(tf.mul(1 - alpha, up(tf.tanh(this.toImage[stage - 1].apply(previous!)) as tf.Tensor4D)), tf.mul(alpha, image)) as tf.Tensor4D;
    for (let side = this.sideOf(stage); side < c.resolution; side *= 2) image = up(image);
    return image;
  }
}

/**
 * Progressive discriminator, the generator's mirror: the image is average-pooled to the stage's side, a 1×1
 * "from image" conv and [3×3 conv, leaky ReLU 0.2, 2× average pooling] per halving down to 4×4, then a 3×3 conv
 * and a linear score. During the fade-in the new side's path is mixed with the previous side's, fed the pooled
 * image: (1 − α)·fromImage_prev(pool(x)) + α·block(fromImage(x)). Karras et al. also fade the real images
 * between the two sides during that phase, so that they look like G's half-upsampled ones: `fadeInReal` does it
 * to a real batch (D cannot: it does not know which of its inputs are real).
 */
export class ProgressiveDiscriminator extends Growing {
  private readonly fromImage: Conv2d[] = [];
  private readonly blocks: Conv2d[] = [];
  private readonly mid: Conv2d;
  private readonly fc: Linear;

  constructor(config: ProgressiveConfig = {}) {
    super(config);
    const c = this.cfg;
    const seeds = new SeedStream(c.seed + 1000);
    const sn = c.spectralNorm;
    for (let s = 0; s < this.stages; s++) {
      const side = this.sideOf(s);
      this.fromImage.push(this.child(`from_image${side}`, new Conv2d({ inChannels: c.channels, outChannels: this.width(side), kernel: 1, spectralNorm: sn, seed: seeds.take() })));
    }
    // blocks[k] takes side 8·2^k down to half of it.
    for (let side = 8; side <= c.resolution; side *= 2) {
      this.blocks.push(this.child(`down${side}`, new Conv2d({ inChannels: this.width(side), outChannels: this.width(side / 2), kernel: 3, spectralNorm: sn, seed: seeds.take() })));
    }
    this.mid = this.child('mid', new Conv2d({ inChannels: this.width(4), outChannels: this.width(4), kernel: 3, spectralNorm: sn, seed: seeds.take() }));
    this.fc = this.child('fc', new Linear({ inFeatures: 16 * this.width(4), outFeatures: 1, spectralNorm: sn, seed: seeds.take() }));
  }

  protected activeModules(): Module[] {
    const { stage, alpha } = this.growth;
    const side = this.sideOf(stage);
    const blocks = this.blocks.filter((_, k) => 8 * 2 ** k <= side);
    return [this.fromImage[stage], ...(stage > 0 && alpha < 1 ? [this.fromImage[stage - 1]] : []), ...blocks, this.mid, this.fc];
  }

  /** Scores [n]. */
  apply(x: tf.Tensor4D): tf.Tensor1D {
    const c = this.cfg;
    if (x.shape[1] !== c.resolution || x.shape[2] !== c.resolution) throw new Error(`progressive discriminator: images must be ${c.resolution}×${c.resolution} (the final side, whatever the stage), got ${x.shape[1]}×${x.shape[2]}`);
    const { stage, alpha } = this.growth;
    let image = x;
    for (let side = c.resolution; side > this.sideOf(stage); side /= 2) image = down(image);
    const lrelu = (t: tf.Tensor4D) => tf.leakyRelu(t, 0.2) as tf.Tensor4D;
    const block = (side: number, t: tf.Tensor4D) => down(lrelu(this.blocks[Math.log2(side / 8)].apply(t)));
    const side = this.sideOf(stage);
    let h = block(side, lrelu(this.fromImage[stage].apply(image)));
    if (stage > 0 && alpha < 1) h = tf.add(tf.mul(1 - alpha, lrelu(this.fromImage[stage - 1].apply(down(image)))), tf.mul(alpha, h)) as tf.Tensor4D;
    for (let s = side / 2; s > 4; s /= 2) h = block(s, h);
    const features = lrelu(this.mid.apply(h)).reshape([x.shape[0], -1]) as tf.Tensor2D;
    return this.fc.apply(features).reshape([-1]) as tf.Tensor1D;
  }
}

/**
 * A real batch as the growing G draws it during a fade-in: (1 − α)·upsample(pool(x)) + α·x at the stage's side,
 * returned at the final side (Karras et al.'s fade of the real images). Outside a fade-in, x itself.
 */
export function fadeInReal(x: tf.Tensor4D, g: { growth: GrowthState; stages: number }): tf.Tensor4D {
  const { stage, alpha } = g.growth;
  if (stage === 0 || alpha >= 1) return x;
  return tf.tidy(() => {
    const side = x.shape[1];
    const steps = g.stages - 1 - stage; // halvings from the final side to the stage's
    let at = x;
    for (let i = 0; i < steps; i++) at = down(at);
    let blended = tf.add(tf.mul(1 - alpha, up(down(at))), tf.mul(alpha, at)) as tf.Tensor4D;
    while (blended.shape[1] < side) blended = up(blended);
    return blended;
  });
}

/** Configures `growthSchedule`: how long each stage fades in and then trains at full strength. */
export interface GrowthScheduleOptions {
  stages: number;
  /** Steps of each stage after the first over which α rises linearly from 0 to 1. */
  fadeSteps: number;
  /** Steps at α = 1 after the fade-in (and the first stage's whole length). */
  stableSteps: number;
}

/**
 * The growth state at a training step: stage 0 for `stableSteps`, then each later stage for `fadeSteps` of fade-in
 * and `stableSteps` at full strength; after the last, the last stage at α = 1. Set it on both players before every
 * step (a Trainer callback or a loop), so a resumed run is where the step says.
 */
export function growthSchedule(o: GrowthScheduleOptions): (step: number) => GrowthState {
  if (!Number.isInteger(o.stages) || o.stages < 1) throw new Error(`growthSchedule: stages must be a whole number ≥ 1 (the model's \`stages\`), got ${o.stages}`);
  for (const k of ['fadeSteps', 'stableSteps'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0) throw new Error(`growthSchedule: ${k} must be a whole number ≥ 0, got ${o[k]}`);
  }
  if (o.stableSteps === 0 && o.fadeSteps === 0 && o.stages > 1) throw new Error('growthSchedule: fadeSteps and stableSteps are both 0, so no stage would last a step');
  return (step) => {
    if (step < o.stableSteps) return { stage: 0, alpha: 1 };
    const per = o.fadeSteps + o.stableSteps;
    const k = Math.floor((step - o.stableSteps) / per);
    if (k + 1 >= o.stages) return { stage: o.stages - 1, alpha: 1 };
    const into = step - o.stableSteps - k * per;
    return { stage: k + 1, alpha: o.fadeSteps > 0 ? Math.min(1, into / o.fadeSteps) : 1 };
  };
}
