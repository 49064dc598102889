import type { Discriminator, GeneratorLike } from '../models/registry';
import * as tf from '@tensorflow/tfjs';
import { hingeLoss, type GanLoss } from '../losses';
import type { Module } from '../nn/module';
import { gradientPenalty, r1Penalty } from '../regularizers/gradientPenalty';
import { modeSeekingLoss } from '../regularizers/modeSeeking';
import { nearestNeighbourEntropy } from '../regularizers/sampleEntropy';
import { orthogonalRegularization } from '../regularizers/orthogonal';
import { clipWeights } from '../regularizers/weightClipping';
import { rng } from '../../datasets/random';
import { Adam } from './adam';
import { loadCheckpoint, storedDtype, writeCheckpoint, type HostTensor } from './checkpoint';
import { Ema, type EmaConfig } from './ema';
import { runPlan, runPlanAsync, type ReadPlan } from './readPlan';
import { seededNormal } from '../nn/seededNormal';

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
  /** Defaults are SAGAN's two time-scale rates, which BigGAN-PyTorch's ImageNet scripts use: G 1e-4, D 4e-4, β = (0, 0.999). */
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
  /**
   * λ of MSGAN's mode-seeking term (Mao et al., 2019; 0: off, the paper uses 1): G's batch is drawn as pairs of
   * latents (with the same class for a conditional G), and G is penalised when a pair's samples are much closer
   * than their latents.
   */
  modeSeeking?: number;
  /**
   * λ of the entropy term (0: off): G's loss subtracts λ times the nearest-neighbour estimate of its batch's
   * entropy per dimension (`nearestNeighbourEntropy`), which pushes each sample away from its nearest neighbour.
   */
  entropy?: number;
  seed?: number;
}

/** What one training step reports: its losses, regulariser values and wall-clock milliseconds. */
export interface StepStats {
  step: number;
  /** D's loss in the last D update, including its gradient penalty (subtract `penalty` for the loss alone). */
  dLoss: number;
  /** G's loss, without its regulariser terms (`ortho`, `modeSeeking`, `entropy`). */
  gLoss: number;
  /** D's gradient penalty (WGAN-GP, R1) in the last D update. */
  penalty: number;
  /** G's orthogonal regularisation term. */
  ortho: number;
  /** G's mode-seeking term (λ times MSGAN's 1 / (distance ratio + ε)); 0 when off. */
  modeSeeking: number;
  /** G's entropy term (−λ times the mean log nearest-neighbour distance of its batch); 0 when off. */
  entropy: number;
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

/**
 * The phases of a step's random draws (`drawSeed`): D update k draws its fake inputs at phase k and its gradient
 * penalty's interpolation weights at PENALTY_PHASE + k; G's update draws at G_PHASE.
 */
const G_PHASE = 99;
const PENALTY_PHASE = 50;

/** A micro-batch's loss and the regulariser terms added to it. */
interface MicroLoss {
  loss: tf.Scalar;
  terms: tf.Scalar[];
}

/** λ times MSGAN's mode-seeking term between the two halves of a batch of samples and their latents. */
function modeSeekingTerm(fake: tf.Tensor, z: tf.Tensor, lambda: number): tf.Scalar {
  const half = Math.floor(fake.shape[0] / 2);
  if (half < 1) throw new Error('mode seeking needs a batch of at least 2 (pairs of samples)');
  const first = (t: tf.Tensor, from: number) => tf.slice(t, from, half);
  return tf.mul(lambda, modeSeekingLoss(first(fake, 0), first(fake, half), first(z, 0), first(z, half))) as tf.Scalar;
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
    // Refused here, before a run folder or checkpoint exists, since no step could ever succeed.
    if ((cfg.gradientPenalty || cfg.r1) && cfg.d.batchStatistics) {
      throw new Error("a gradient penalty needs each sample's score to depend on that sample alone, but this D has batch norm; turn off the D's batchNorm (WGAN-GP's critics have none) or drop the penalty");
    }
  }

  /**
   * The seed of one random draw of a step, from the run's seed and the draw's place: the step, its phase (a D
   * update's index, PENALTY_PHASE plus it for the penalty's interpolation weights, G_PHASE for G's update) and the
   * micro-batch. Distinct for every preset of the kit (dSteps ≤ 5 with accumulate ≤ 2, or dSteps 2 with
   * accumulate ≤ 4); with accumulate ≥ 32 neighbouring phases meet (biggan128: micro-batch 31 of D's first update
   * and micro-batch 0 of its second), and from 12 up G's phase meets a D phase three steps on. Kept as it is
   * because every published run drew its latents this way; a wider encoding would change them all.
   */
  private drawSeed(step: number, phase: number, micro: number): number {
    return ((this.cfg.seed ?? 0) * 1_000_003 + step * 1009 + phase * 31 + micro) >>> 0;
  }

  /**
   * Latents and fake labels for one micro-batch, seeded by its position in training. With 'pairs', sample i of the
   * second half has the class of sample i of the first half (the pairs of the mode-seeking term).
   */
  private fakeInputs(n: number, step: number, phase: number, micro: number, labels: 'independent' | 'pairs' = 'independent'): { z: tf.Tensor2D; y?: tf.Tensor1D } {
    const seed = this.drawSeed(step, phase, micro);
    const z = seededNormal([n, this.cfg.zDim], { seed }) as tf.Tensor2D;
    const classes = this.cfg.classes ?? 0;
    if (classes <= 0) return { z };
    const u = rng(seed ^ 0x9e3779b9);
    const y = Int32Array.from({ length: n }, () => Math.floor(u() * classes));
    const half = Math.floor(n / 2);
    if (labels === 'pairs') for (let i = 0; i < half; i++) y[half + i] = y[i];
    return { z, y: tf.tensor1d(y, 'int32') };
  }

  /**
   * Sums gradients over micro-batches. `micro` returns the loss and the regulariser terms added to it (the same
   * number of terms for every micro-batch); returns their means over the micro-batches and the summed gradients.
   */
  private accumulate(vars: tf.Variable[], micro: (k: number) => MicroLoss): { loss: tf.Scalar; terms: tf.Scalar[]; grads: tf.Tensor[] } {
    const k = this.cfg.accumulate ?? 1;
    let total: tf.Tensor[] | null = null;
    let loss = tf.scalar(0);
    let terms: tf.Scalar[] = [];
    try {
      for (let i = 0; i < k; i++) {
        const parts: tf.Scalar[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const r = micro(i);
          for (const t of r.terms) parts.push(tf.keep(tf.div(t, k) as tf.Scalar));
          return tf.div(r.terms.reduce((sum: tf.Scalar, t) => tf.add(sum, t) as tf.Scalar, r.loss), k) as tf.Scalar;
        }, vars);
        const g = vars.map((v) => grads[v.name]);
        const summed: tf.Tensor[] = total == null ? g : (total as tf.Tensor[]).map((t: tf.Tensor, j: number) => tf.add(t, g[j]));
        if (total != null) tf.dispose([...(total as tf.Tensor[]), ...g]);
        total = summed;
        const next = [tf.add(loss, value) as tf.Scalar, ...parts.map((p, j) => (terms[j] ? (tf.add(terms[j], p) as tf.Scalar) : tf.clone(p)))];
        tf.dispose([loss, ...terms, value, ...parts]);
        [loss, ...terms] = next;
      }
    } catch (e) {
      // A failed micro-batch (out of memory, a batch that does not split into packs or pairs) frees the sums.
      tf.dispose([loss, ...terms, ...((total as tf.Tensor[] | null) ?? [])]);
      throw e;
    }
    return { loss, terms, grads: total! };
  }

  /**
   * One optimizer update: accumulates the gradients, reads the loss, its regulariser terms and the squared
   * gradient norm back in one transfer (one wait for a GPU per update), refuses a non-finite update, applies the
   * rest. `known` are values already read this step, named in the divergence error.
   */
  private *update(vars: tf.Variable[], optimizer: Adam, micro: (k: number) => MicroLoss, known: Record<string, number>, name: string): ReadPlan<{ loss: number; terms: number[] }> {
    const r = this.accumulate(vars, micro);
    const summary = tf.tidy(() => tf.stack([r.loss, ...r.terms, r.grads.reduce((s: tf.Tensor, g) => tf.add(s, tf.sum(tf.square(g))), tf.scalar(0))]));
    tf.dispose([r.loss, ...r.terms]);
    let values: Float32Array | Int32Array;
    try {
      values = yield summary;
    } catch (e) {
      tf.dispose(r.grads);
      throw e;
    } finally {
      summary.dispose();
    }
    const [loss, ...rest] = Array.from(values);
    const norm = rest.pop()!;
    const stats = { ...known, [name]: loss };
    if (!Object.values(stats).every(Number.isFinite) || !Number.isFinite(norm)) {
      tf.dispose(r.grads);
      throw new NonFiniteLossError(this.step + 1, { ...stats, gradNormSquared: norm }, this.lastCheckpoint);
    }
    try {
      optimizer.apply(vars.map((v, i) => [v, r.grads[i]]));
    } finally {
      tf.dispose(r.grads);
    }
    return { loss, terms: rest };
  }

  /**
   * One training step with synchronous reads (cpu, wasm, tensorflow). On webgpu in Node use `trainStepAsync`:
   * a synchronous read there throws.
   */
  trainStep(): StepStats {
    try {
      return runPlan(this.stepPlan());
    } catch (e) {
      throw this.explain(e);
    }
  }

  /** One training step with asynchronous reads: works on every backend, and is the way to train on webgpu. */
  async trainStepAsync(): Promise<StepStats> {
    try {
      return await runPlanAsync(this.stepPlan());
    } catch (e) {
      throw this.explain(e);
    }
  }

  /**
   * Refuses a batch the step cannot use before any op is recorded: TF.js's gradient tape keeps the tensors a
   * forward pass saved for backprop until the backward pass, so an error half-way through the forward pass would
   * leak them.
   */
  private checkBatch(n: number): void {
    if (this.cfg.modeSeeking && n < 2) throw new Error(`mode seeking needs a batch of at least 2 (pairs of samples), got ${n}`);
    if (this.cfg.entropy && n < 2) throw new Error(`the entropy term needs a batch of at least 2 (each sample's nearest neighbour), got ${n}`);
    const pack = (this.cfg.d as { cfg?: { pack?: number } }).cfg?.pack ?? 1;
    if (n % pack !== 0) throw new Error(`the discriminator packs ${pack} samples (PacGAN) but a batch holds ${n}; use a batch size divisible by ${pack}`);
  }

  /** Turns out-of-memory errors into one that says what to change. */
  private explain(e: unknown): unknown {
    const message = String((e as Error).message);
    if (!/memory access out of bounds|out of memory|Cannot enlarge memory/i.test(message)) return e;
    const backend = tf.getBackend();
    const limit = backend === 'wasm' ? 'the wasm backend has at most 4 GB' : `the ${backend} device's memory is full`;
    return new Error(
      `step ${this.step + 1} ran out of memory on the '${backend}' backend (${message}); ${limit}. ` +
        'Split the batch into micro-batches with `accumulate` (same effective batch), or lower the batch size or `ch`.',
    );
  }

  private *stepPlan(): ReadPlan<StepStats> {
    const t0 = performance.now();
    const { g, d } = this.cfg;
    const step = this.step;
    // A growing model trains only the layers its current stage uses.
    const dVars = d.activeParameters?.() ?? d.parameters();
    const gVars = g.activeParameters?.() ?? g.parameters();
    let dLoss = 0;
    let penalty = 0;
    let batchSize = 0;
    for (let s = 0; s < (this.cfg.dSteps ?? 1); s++) {
      const dMicro = (micro: number) => {
        const real = this.cfg.batch(step, s, micro);
        batchSize = real.x.shape[0];
        this.checkBatch(batchSize);
        const { z, y } = this.fakeInputs(batchSize, step, s, micro);
        const fake = g.apply(z, y);
        const critic = (x: tf.Tensor) => d.apply(x, real.y);
        // One D pass over real and fake together, as BigGAN does: larger, faster products, and the same result
        // for a D without batch statistics. A D with them (DCGAN's batch norm) judges each batch on its own, so
        // that its fake batches look the same here as in G's step.
        const together = () => {
          const labels = real.y && y ? (tf.concat([real.y, y]) as tf.Tensor1D) : undefined;
          return tf.split(d.apply(tf.concat([real.x, fake]), labels), 2);
        };
        const [realScores, fakeScores] = d.batchStatistics ? [d.apply(real.x, real.y), d.apply(fake, y)] : together();
        const loss = this.loss.d(realScores, fakeScores);
        let penalty = tf.scalar(0);
        if (this.cfg.gradientPenalty) penalty = tf.add(penalty, gradientPenalty(critic, real.x, fake, { lambda: this.cfg.gradientPenalty, seed: this.drawSeed(step, PENALTY_PHASE + s, micro) })) as tf.Scalar;
        if (this.cfg.r1) penalty = tf.add(penalty, r1Penalty(critic, real.x, this.cfg.r1)) as tf.Scalar;
        return { loss, terms: [penalty] };
      };
      const r = yield* this.update(dVars, this.dOptimizer, dMicro, {}, 'dLoss');
      if (this.cfg.weightClip) clipWeights(dVars, this.cfg.weightClip);
      dLoss = r.loss;
      penalty = r.terms[0];
    }
    const orthoVars = this.cfg.orthoReg ? (g.orthoWeights?.() ?? gVars.filter((v) => v.rank >= 2)) : [];
    const gMicro = (micro: number) => {
      const { z, y } = this.fakeInputs(batchSize, step, G_PHASE, micro, this.cfg.modeSeeking ? 'pairs' : 'independent');
      const fake = g.apply(z, y);
      const loss = this.loss.g(d.apply(fake, y));
      const ortho = this.cfg.orthoReg ? orthogonalRegularization(orthoVars, this.cfg.orthoReg) : tf.scalar(0);
      const modeSeeking = this.cfg.modeSeeking ? modeSeekingTerm(fake, z, this.cfg.modeSeeking) : tf.scalar(0);
      // Entropy is maximised, so its term enters G's loss with a minus sign.
      const entropy = this.cfg.entropy ? (tf.mul(-this.cfg.entropy, nearestNeighbourEntropy(fake)) as tf.Scalar) : tf.scalar(0);
      return { loss, terms: [ortho, modeSeeking, entropy] };
    };
    const gr = yield* this.update(gVars, this.gOptimizer, gMicro, { dLoss }, 'gLoss');
    this.step++;
    this.ema?.update(this.step);
    const [ortho, modeSeeking, entropy] = gr.terms;
    return { step: this.step, dLoss, gLoss: gr.loss - ortho - modeSeeking - entropy, penalty, ortho, modeSeeking, entropy, ms: performance.now() - t0 };
  }

  /**
   * Trains until `o.until`, calling the callbacks after every step and writing checkpoints. When a step diverges
   * the error names the last good checkpoint, and the models in memory are left as they were before that step.
   * Reads synchronously; on webgpu in Node use `runAsync`.
   */
  run(o: RunOptions): StepStats[] {
    try {
      return runPlan(this.runPlan(o));
    } catch (e) {
      throw this.explain(e);
    }
  }

  /** `run` with asynchronous reads: works on every backend, and is the way to train on webgpu. */
  async runAsync(o: RunOptions): Promise<StepStats[]> {
    try {
      return await runPlanAsync(this.runPlan(o));
    } catch (e) {
      throw this.explain(e);
    }
  }

  private *runPlan(o: RunOptions): ReadPlan<StepStats[]> {
    const history: StepStats[] = [];
    const every = o.checkpointEvery ?? 1000;
    if (o.checkpointDir && this.lastCheckpoint == null) yield* this.savePlan(o.checkpointDir, {});
    while (this.step < o.until) {
      const stats = yield* this.stepPlan();
      history.push(stats);
      for (const cb of o.callbacks ?? []) cb(stats, this);
      if (o.checkpointDir && (this.step % every === 0 || this.step === o.until)) yield* this.savePlan(o.checkpointDir, {});
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

  /** Writes a checkpoint of everything a resumed run needs (`extraState` is stored beside it as JSON). */
  save(dir: string, extraState: Record<string, unknown> = {}): void {
    runPlan(this.savePlan(dir, extraState));
  }

  /** `save` with asynchronous reads (webgpu). */
  async saveAsync(dir: string, extraState: Record<string, unknown> = {}): Promise<void> {
    await runPlanAsync(this.savePlan(dir, extraState));
  }

  private *savePlan(dir: string, extraState: Record<string, unknown>): ReadPlan<void> {
    const host = new Map<string, HostTensor>();
    for (const [name, t] of this.stateTensors()) host.set(name, { shape: t.shape, dtype: storedDtype(name, t), data: yield t });
    // Variables that joined late (a growing model's layers) have had fewer Adam updates than the optimiser.
    const late = (m: Module, opt: Adam) =>
      Object.fromEntries(m.namedParameters().flatMap(([name, v]) => {
        const t = opt.updatesOf(v);
        return t != null && t !== opt.step ? [[name, t]] : [];
      }));
    writeCheckpoint(dir, this.step, host, { ...extraState, gAdamStep: this.gOptimizer.step, dAdamStep: this.dOptimizer.step, gAdamLate: late(this.cfg.g, this.gOptimizer), dAdamLate: late(this.cfg.d, this.dOptimizer) });
    this.lastCheckpoint = dir;
  }

  /** Restores a checkpoint written by `save` into this trainer's (identically configured) models. */
  load(dir: string): void {
    const { manifest, tensors } = loadCheckpoint(dir);
    try {
      const restore = (prefix: string, m: Module, opt?: Adam) => {
        const own = new Map([...tensors].filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, t]) => [k.slice(prefix.length + 1), t]));
        m.loadStateDict(own, { source: `checkpoint ${dir} (${prefix})` });
        const key = prefix.toLowerCase();
        const late = (manifest.state[`${key}AdamLate`] ?? {}) as Record<string, number>;
        // A variable updated at every step has had the optimiser's count (all but late joiners).
        const steps = Number(manifest.state[`${key}AdamStep`] ?? 0);
        for (const [name, v] of m.namedParameters()) {
          const [mm, vv] = [tensors.get(`${prefix}_opt.${name}.m`), tensors.get(`${prefix}_opt.${name}.v`)];
          if (opt && mm && vv) opt.setMoments(v, mm, vv, late[name] ?? steps);
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
