import * as tf from '@tensorflow/tfjs';
import { Module, SeedStream } from './module';
import { SpectralNorm, type SpectralNormConfig } from './spectralNorm';
import { gaussian, rng } from '../../datasets/random';
import { seededNormal } from './seededNormal';
import { batchNormTraining, normalizeWith } from './batchNormTraining';

/**
 * How weights start: DCGAN's N(0, 0.02) is the default; `he` and `xavier` scale by fan-in/fan-out; `orthogonal`
 * (BigGAN's choice) makes the [fan-in, out] matrix's columns (or rows, if fewer) orthonormal.
 */
export type WeightInit = { kind: 'normal'; std: number } | { kind: 'xavier' } | { kind: 'he' } | { kind: 'orthogonal'; gain?: number };

/** A weight tensor of `shape` drawn by `init`, given the layer's fan-in and fan-out, reproducibly from `seed`. */
export function initWeight(shape: number[], fanIn: number, fanOut: number, init: WeightInit, seed: number): tf.Tensor {
  if (init.kind === 'orthogonal') return orthogonal(shape, init.gain ?? 1, seed);
  const std =
    init.kind === 'normal' ? init.std : init.kind === 'xavier' ? Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
  return seededNormal(shape, { std, seed });
}

/**
 * A Haar-random matrix with orthonormal columns (or rows, if fewer): Gram–Schmidt on a Gaussian matrix in float64
 * (R's diagonal is then positive, which makes the result uniformly distributed; Saxe et al.). TF.js's
 * `linalg.qr` takes 9 s for a 576×64 matrix; this takes milliseconds (O(rows·cols²)).
 */
function orthogonal(shape: number[], gain: number, seed: number): tf.Tensor {
  const cols = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / cols;
  const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
  const g = gaussian(rng(seed));
  const q = Float64Array.from({ length: m * n }, g); // n vectors of length m, each contiguous
  for (let j = 0; j < n; j++) {
    const vj = q.subarray(j * m, (j + 1) * m);
    for (let i = 0; i < j; i++) {
      const qi = q.subarray(i * m, (i + 1) * m);
      let r = 0;
      for (let k = 0; k < m; k++) r += qi[k] * vj[k];
      for (let k = 0; k < m; k++) vj[k] -= r * qi[k];
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += vj[k] * vj[k];
    norm = Math.sqrt(norm);
    for (let k = 0; k < m; k++) vj[k] /= norm;
  }
  // Vector j is column j of the [rows, cols] matrix when tall, row j when wide.
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) out[rows >= cols ? k * cols + j : j * cols + k] = gain * q[j * m + k];
  }
  return tf.tensor(out, shape);
}

/** The layer option that injects spectral normalisation into any weight-bearing layer. */
export type SpectralNormOption = boolean | SpectralNormConfig | undefined;

function makeSpectralNorm(option: SpectralNormOption, out: number, seed: number): SpectralNorm | null {
  if (!option) return null;
  return new SpectralNorm(out, { seed, ...(typeof option === 'object' ? option : {}) });
}

/** Configures `Linear`: its sizes, bias, weight initialisation, spectral norm and seed. */
export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  init?: WeightInit;
  spectralNorm?: SpectralNormOption;
  seed?: number;
}

/** y = x W + b, with W stored [in, out] as TF.js's matMul wants it. */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly sn: SpectralNorm | null;
  constructor(cfg: LinearConfig) {
    super();
    const seeds = new SeedStream(cfg.seed ?? 1);
    const init = cfg.init ?? { kind: 'normal', std: 0.02 };
    this.weight = this.param('weight', initWeight([cfg.inFeatures, cfg.outFeatures], cfg.inFeatures, cfg.outFeatures, init, seeds.take()));
    this.bias = cfg.bias === false ? null : this.param('bias', tf.zeros([cfg.outFeatures]));
    const sn = makeSpectralNorm(cfg.spectralNorm, cfg.outFeatures, seeds.take());
    this.sn = sn ? this.child('sn', sn) : null;
  }
  /** The weight as used: spectrally normalised when the layer has spectral norm. */
  effectiveWeight(): tf.Tensor {
    return this.sn ? this.sn.normalize(this.weight) : this.weight;
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y: tf.Tensor2D = tf.matMul(x, this.effectiveWeight() as tf.Tensor2D);
    return this.bias ? (tf.add(y, this.bias) as tf.Tensor2D) : y;
  }
}

/** Configures `Conv2d` and `ConvTranspose2d`: channels, kernel, stride, padding, bias, init and spectral norm. */
export interface ConvConfig {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  pad?: 'same' | 'valid';
  bias?: boolean;
  init?: WeightInit;
  spectralNorm?: SpectralNormOption;
  seed?: number;
}

/**
 * Weight and optional bias of a k×k convolution. The two layouts differ only in which channel count comes
 * third: [k, k, in, out] for a convolution, [k, k, out, in] for its transpose (TF.js's conv2dTranspose filter).
 */
abstract class ConvLayer extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly sn: SpectralNorm | null;
  constructor(
    readonly cfg: ConvConfig,
    transposed: boolean,
  ) {
    super();
    const { kernel: k, inChannels: ci, outChannels: co } = cfg;
    const shape = transposed ? [k, k, co, ci] : [k, k, ci, co];
    const seeds = new SeedStream(cfg.seed ?? 1);
    this.weight = this.param('weight', initWeight(shape, k * k * ci, k * k * co, cfg.init ?? { kind: 'normal', std: 0.02 }, seeds.take()));
    this.bias = cfg.bias === false ? null : this.param('bias', tf.zeros([co]));
    // σ of the [fan-in, out] matrix; for the transposed layout the last axis is the input, as in PyTorch.
    const sn = makeSpectralNorm(cfg.spectralNorm, shape[3], seeds.take());
    this.sn = sn ? this.child('sn', sn) : null;
  }

  /** The weight as used: spectrally normalised when the layer has spectral norm. */
  effectiveWeight(): tf.Tensor4D {
    return (this.sn ? this.sn.normalize(this.weight) : this.weight) as tf.Tensor4D;
  }

  protected withBias(y: tf.Tensor4D): tf.Tensor4D {
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/** 2-D convolution, NHWC, filter [k, k, in, out]. */
export class Conv2d extends ConvLayer {
  constructor(cfg: ConvConfig) {
    super(cfg, false);
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.withBias(tf.conv2d(x, this.effectiveWeight(), this.cfg.stride ?? 1, this.cfg.pad ?? 'same'));
  }
}

/** Transposed convolution (the gradient of a strided conv), upsampling by `stride` (default 2). */
export class ConvTranspose2d extends ConvLayer {
  constructor(cfg: ConvConfig) {
    super(cfg, true);
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const s = this.cfg.stride ?? 2;
    const [n, h, w] = x.shape;
    const pad = this.cfg.pad ?? 'same';
    const k = this.cfg.kernel;
    const co = this.cfg.outChannels;
    const out: [number, number, number, number] = pad === 'same' ? [n, h * s, w * s, co] : [n, (h - 1) * s + k, (w - 1) * s + k, co];
    return this.withBias(tf.conv2dTranspose(x, this.effectiveWeight(), out, s, pad));
  }
}

/** Configures `BatchNorm`: its channels, the running estimates' momentum, ε and whether it learns an affine map. */
export interface BatchNormConfig {
  channels: number;
  momentum?: number;
  epsilon?: number;
  /** Learn a per-channel gain and bias (default true; conditional batch norm supplies its own). */
  affine?: boolean;
}

/**
 * Batch norm over all axes but the last. Training uses the batch's statistics (gradients flow through them)
 * and moves the running estimates, kept as buffers, toward them; evaluation uses the running estimates.
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable | undefined;
  readonly beta: tf.Variable | undefined;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  /** When set, the running statistics' update weight instead of cfg.momentum (`standingStatistics` uses 1/k). */
  momentumOverride: number | null = null;
  constructor(readonly cfg: BatchNormConfig) {
    super();
    if (cfg.affine !== false) {
      this.gamma = this.param('weight', tf.ones([cfg.channels]));
      this.beta = this.param('bias', tf.zeros([cfg.channels]));
    }
    this.runningMean = this.buffer('running_mean', tf.zeros([cfg.channels]));
    this.runningVar = this.buffer('running_var', tf.ones([cfg.channels]));
  }
  apply<T extends tf.Tensor>(x: T): T {
    const eps = this.cfg.epsilon ?? 1e-5;
    if (!this.training) {
      return normalizeWith(x, { mean: this.runningMean, variance: this.runningVar, gamma: this.gamma, beta: this.beta, epsilon: eps });
    }
    const { y, mean, variance } = batchNormTraining(x, { gamma: this.gamma, beta: this.beta, epsilon: eps });
    const m = this.momentumOverride ?? this.cfg.momentum ?? 0.1;
    const count = x.size / x.shape[x.shape.length - 1];
    // Running variance is the unbiased estimate, as in PyTorch, so checkpoints carry the same numbers.
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * count) / Math.max(count - 1, 1))));
    });
    return y;
  }
}
