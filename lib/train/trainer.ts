import type { Discriminator, GeneratorLike } from '../models/registry';
import * as tf from '@tensorflow/tfjs';
import { hingeLoss, type GanLoss } from '../losses';
import type { Module } from '../nn/module';
import { gradientPenalty, r1Penalty } from '../regularizers/gradientPenalty';
import { orthogonalRegularization } from '../regularizers/orthogonal';
import { clipWeights } from '../regularizers/weightClipping';
import { rng } from '../../datasets/random';
import { Adam } from './adam';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { Ema, type EmaConfig } from './ema';

export type { GeneratorLike } from '../models/registry';
/** What training needs of a discriminator (every discriminator of the kit). */
export type DiscriminatorLike = Discriminator;

/** A real batch for (step, D step, micro-batch): a function of its position, so a resumed run sees the same data. */
export type BatchSource = (step: number, dStep: number, micro: number) => { x: tf.Tensor; y?: tf.Tensor1D };

/** Configures `Trainer`: the models, the data, the objective, the optimizers and the regularisers. */
export interface TrainerConfig {
  g: GeneratorLike;
  d: DiscriminatorLike;
  /** A second generator of the same config that holds the EMA of g's weights. */
  gEma?: GeneratorLike;
  ema?: EmaConfig;
  zDim: number;
  /** Classes for conditional models (fake labels are drawn uniformly); 0 or absent for unconditional ones. */
  classes?: number;
  batch: BatchSource;
  /** The objective (default hinge, as BigGAN). */
  loss?: GanLoss;
  /** Defaults are BigGAN's two time-scale rates: G 1e-4, D 4e-4, β = (0, 0.999). */
  gOptimizer?: Adam;
  dOptimizer?: Adam;
  /** D updates per G update (n_dis; BigGAN uses 2 at 128×128, WGAN-GP 5). */
  dSteps?: number;
  /** Micro-batches whose gradients add up to one update (a larger effective batch in the same memory). */
  accumulate?: number;
  /** λ of the WGAN-GP penalty (0: off). */
  gradientPenalty?: number;
  /** γ of the R1 penalty on real data (0: off). */
  r1?: number;
  /** WGAN's clipping bound: D's weights are clipped to [−c, c] after every D update (0: off). */
  weightClip?: number;
  /** β of BigGAN's orthogonal regularisation on G's weights (0: off; BigGAN uses 1e-4). */
  orthoReg?: number;
  seed?: number;
}

/** What one training step reports: its losses, regulariser values and wall-clock milliseconds. */
export interface StepStats {
  step: number;
  dLoss: number;
  gLoss: number;
  /** Regulariser values of the last D update and of the G update. */
  penalty: number;
  ortho: number;
  ms: number;
}

/** Called after every step of `Trainer.run` (live plots, progress bars, metrics, early stopping by throwing). */
export type StepCallback = (stats: StepStats, trainer: Trainer) => void;

/** Configures `Trainer.run`: the step to stop at, where and how often to checkpoint, and the step callbacks. */
export interface RunOptions {
  /** Train until `trainer.step` reaches this. */
  until: number;
  /** Folder for checkpoints; the last good one is always there. */
  checkpointDir?: string;
  /** Steps between checkpoints (default 1000); one is also written at the end. */
  checkpointEvery?: number;
  callbacks?: StepCallback[];
}

/** Thrown when a step's loss or gradient is NaN or infinite; no update is applied, and it names the last checkpoint. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly stats: Record<string, number>,
    readonly lastCheckpoint: string | null,
  ) {
    super(
      `training diverged at step ${step}: ${Object.entries(stats).map(([k, v]) => `${k} = ${v}`).join(', ')}. ` +
        `No update was applied with it. ${lastCheckpoint ? `The last good checkpoint is ${lastCheckpoint}. ` : ''}` +
        'Lower the learning rates, check the data for NaN/Inf, or add a gradient penalty or spectral norm.',
    );
    this.name = 'NonFiniteLossError';
  }
}

/**
 * The GAN training loop's step: `dSteps` discriminator updates (each over `accumulate` micro-batches), then one
 * generator update, then the EMA. Every tensor a step creates is freed; losses come back as numbers; updates
 * with a non-finite loss or gradient are refused with a `NonFiniteLossError`. State (G, D, EMA, optimizer
 * moments, buffers, step) saves to and resumes from a checkpoint, and latents and fake labels are a function
 * of the step, so a resumed run continues exactly as an uninterrupted one.
 */
export class Trainer {
  step = 0;
  readonly gOptimizer: Adam;
  readonly dOptimizer: Adam;
  readonly ema: Ema | null;
  lastCheckpoint: string | null = null;
  private readonly loss: GanLoss;

  constructor(readonly cfg: TrainerConfig) {
    this.loss = cfg.loss ?? hingeLoss;
    this.gOptimizer = cfg.gOptimizer ?? new Adam({ lr: 1e-4, beta1: 0, beta2: 0.999, epsilon: 1e-6 });
    this.dOptimizer = cfg.dOptimizer ?? new Adam({ lr: 4e-4, beta1: 0, beta2: 0.999, epsilon: 1e-6 });
    this.ema = cfg.gEma ? new Ema(cfg.g, cfg.gEma, cfg.ema) : null;
  }

  /** Latents and fake labels for one micro-batch, seeded by its position in training. */
  private fakeInputs(n: number, step: number, phase: number, micro: number): { z: tf.Tensor2D; y?: tf.Tensor1D } {
    const seed = ((this.cfg.seed ?? 0) * 1_000_003 + step * 1009 + phase * 31 + micro) >>> 0;
    const z = tf.randomNormal([n, this.cfg.zDim], 0, 1, 'float32', seed) as tf.Tensor2D;
    const classes = this.cfg.classes ?? 0;
    if (classes <= 0) return { z };
    const u = rng(seed ^ 0x9e3779b9);
    return { z, y: tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(u() * classes)), 'int32') };
  }

  /** Sums gradients over micro-batches; returns the mean loss (and penalty) and the summed gradients. */
  private accumulate(vars: tf.Variable[], micro: (k: number) => { loss: tf.Scalar; extra: tf.Scalar }): { loss: number; extra: number; grads: tf.Tensor[] } {
    const k = this.cfg.accumulate ?? 1;
    let total: tf.Tensor[] | null = null;
    let loss = 0;
    let extra = 0;
    for (let i = 0; i < k; i++) {
      const parts: { extra?: tf.Scalar } = {};
      const { value, grads } = tf.variableGrads(() => {
        const r = micro(i);
        parts.extra = tf.keep(tf.clone(r.extra));
        return tf.div(tf.add(r.loss, r.extra), k) as tf.Scalar;
      }, vars);
      loss += value.dataSync()[0];
      extra += parts.extra!.dataSync()[0] / k;
      const g = vars.map((v) => grads[v.name]);
      const summed: tf.Tensor[] = total == null ? g : (total as tf.Tensor[]).map((t: tf.Tensor, j: number) => tf.add(t, g[j]));
      if (total != null) tf.dispose([...(total as tf.Tensor[]), ...g]);
      total = summed;
      tf.dispose([value, parts.extra!]);
    }
    return { loss, extra, grads: total! };
  }

  /** Refuses an update whose loss or gradient is not finite. */
  private guard(stats: Record<string, number>, grads: tf.Tensor[]): void {
    const norm = tf.tidy(() => grads.reduce((s: tf.Tensor, g) => tf.add(s, tf.sum(tf.square(g))), tf.scalar(0)).dataSync()[0]);
    if (Object.values(stats).every(Number.isFinite) && Number.isFinite(norm)) return;
    tf.dispose(grads);
    throw new NonFiniteLossError(this.step + 1, { ...stats, gradNormSquared: norm }, this.lastCheckpoint);
  }

  trainStep(): StepStats {
    try {
      return this.unguardedStep();
    } catch (e) {
      const message = String((e as Error).message);
      if (/memory access out of bounds|out of memory|Cannot enlarge memory/i.test(message)) {
        throw new Error(
          `step ${this.step + 1} ran out of memory on the '${tf.getBackend()}' backend (${message}); the wasm backend has at most 4 GB. ` +
            'Split the batch into micro-batches with `accumulate` (same effective batch), or lower the batch size or `ch`.',
        );
      }
      throw e;
    }
  }

  private unguardedStep(): StepStats {
    const t0 = performance.now();
    const { g, d } = this.cfg;
    const step = this.step;
    const dVars = d.parameters();
    const gVars = g.parameters();
    let dLoss = 0;
    let penalty = 0;
    let batchSize = 0;
    for (let s = 0; s < (this.cfg.dSteps ?? 1); s++) {
      const r = this.accumulate(dVars, (micro) => {
        const real = this.cfg.batch(step, s, micro);
        batchSize = real.x.shape[0];
        const { z, y } = this.fakeInputs(batchSize, step, s, micro);
        const fake = g.apply(z, y);
        const critic = (x: tf.Tensor) => d.apply(x, real.y);
        // One D pass over real and fake together, as BigGAN does: larger, faster products, and the same result
        // for a D without batch statistics (none of this library's discriminators has them).
        const labels = real.y && y ? (tf.concat([real.y, y]) as tf.Tensor1D) : undefined;
        const [realScores, fakeScores] = tf.split(d.apply(tf.concat([real.x, fake]), labels), 2);
        const loss = this.loss.d(realScores, fakeScores);
        let extra = tf.scalar(0);
        if (this.cfg.gradientPenalty) extra = tf.add(extra, gradientPenalty(critic, real.x, fake, { lambda: this.cfg.gradientPenalty, seed: step * 7 + s })) as tf.Scalar;
        if (this.cfg.r1) extra = tf.add(extra, r1Penalty(critic, real.x, this.cfg.r1)) as tf.Scalar;
        return { loss, extra };
      });
      this.guard({ dLoss: r.loss }, r.grads);
      this.dOptimizer.apply(dVars.map((v, i) => [v, r.grads[i]]));
      tf.dispose(r.grads);
      if (this.cfg.weightClip) clipWeights(dVars, this.cfg.weightClip);
      dLoss = r.loss;
      penalty = r.extra;
    }
    const orthoVars = this.cfg.orthoReg ? (g.orthoWeights?.() ?? gVars.filter((v) => v.rank >= 2)) : [];
    const gr = this.accumulate(gVars, (micro) => {
      const { z, y } = this.fakeInputs(batchSize, step, 99, micro);
      const loss = this.loss.g(d.apply(g.apply(z, y), y));
      const ortho = this.cfg.orthoReg ? orthogonalRegularization(orthoVars, this.cfg.orthoReg) : tf.scalar(0);
      return { loss, extra: ortho };
    });
    this.guard({ dLoss, gLoss: gr.loss }, gr.grads);
    this.gOptimizer.apply(gVars.map((v, i) => [v, gr.grads[i]]));
    tf.dispose(gr.grads);
    this.step++;
    this.ema?.update(this.step);
    return { step: this.step, dLoss, gLoss: gr.loss - gr.extra, penalty, ortho: gr.extra, ms: performance.now() - t0 };
  }

  /**
   * Trains until `o.until`, calling the callbacks after every step and writing checkpoints. When a step diverges
   * the error names the last good checkpoint, and the models in memory are left as they were before that step.
   */
  run(o: RunOptions): StepStats[] {
    const history: StepStats[] = [];
    const every = o.checkpointEvery ?? 1000;
    if (o.checkpointDir && this.lastCheckpoint == null) this.save(o.checkpointDir);
    while (this.step < o.until) {
      const stats = this.trainStep();
      history.push(stats);
      for (const cb of o.callbacks ?? []) cb(stats, this);
      if (o.checkpointDir && (this.step % every === 0 || this.step === o.until)) this.save(o.checkpointDir);
    }
    return history;
  }

  /** Everything a resumed run needs, by name. */
  private stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    const add = (prefix: string, m: Module, opt?: Adam) => {
      for (const [name, v] of m.stateDict()) out.set(`${prefix}.${name}`, v);
      for (const [name, v] of m.namedParameters()) {
        const mom = opt?.momentsOf(v);
        if (mom) {
          out.set(`${prefix}_opt.${name}.m`, mom.m);
          out.set(`${prefix}_opt.${name}.v`, mom.v);
        }
      }
    };
    add('G', this.cfg.g, this.gOptimizer);
    add('D', this.cfg.d, this.dOptimizer);
    if (this.cfg.gEma) add('G_ema', this.cfg.gEma);
    return out;
  }

  save(dir: string, extraState: Record<string, unknown> = {}): void {
    saveCheckpoint(dir, this.step, this.stateTensors(), { ...extraState, gAdamStep: this.gOptimizer.step, dAdamStep: this.dOptimizer.step });
    this.lastCheckpoint = dir;
  }

  /** Restores a checkpoint written by `save` into this trainer's (identically configured) models. */
  load(dir: string): void {
    const { manifest, tensors } = loadCheckpoint(dir);
    try {
      const restore = (prefix: string, m: Module, opt?: Adam) => {
        const own = new Map([...tensors].filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, t]) => [k.slice(prefix.length + 1), t]));
        m.loadStateDict(own, { source: `checkpoint ${dir} (${prefix})` });
        for (const [name, v] of m.namedParameters()) {
          const [mm, vv] = [tensors.get(`${prefix}_opt.${name}.m`), tensors.get(`${prefix}_opt.${name}.v`)];
          if (opt && mm && vv) opt.setMoments(v, mm, vv);
        }
      };
      restore('G', this.cfg.g, this.gOptimizer);
      restore('D', this.cfg.d, this.dOptimizer);
      if (this.cfg.gEma) restore('G_ema', this.cfg.gEma);
      this.step = manifest.step;
      this.gOptimizer.step = Number(manifest.state.gAdamStep ?? 0);
      this.dOptimizer.step = Number(manifest.state.dAdamStep ?? 0);
      this.lastCheckpoint = dir;
    } finally {
      tf.dispose([...tensors.values()]);
    }
  }
}
