import * as fs from 'node:fs';
import * as path from 'node:path';
import { Adam, initBackend, nonSaturatingLoss, tf, ToyMlpDiscriminator, ToyMlpGenerator, Trainer, type BackendName, type StepStats, type TrainerConfig } from '../lib';

/** Runs `fn` on a backend and returns its result as plain arrays (so it outlives the backend switch). */
export async function on<T>(backend: BackendName, fn: () => T): Promise<T> {
  await initBackend({ backend });
  return fn();
}

/** Values of a tensor as a Float32Array, disposing it. */
export function values(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(v);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Deterministic pseudo-random values in [-1, 1) (tests must not depend on a backend's RNG). */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/**
 * Compares tf.grad of a scalar function with central differences at x0 (float32: ε = 1e-2 keeps rounding error
 * small; the functions checked are smooth at the points used). Returns the worst absolute error.
 */
export function gradientError(f: (x: tf.Tensor) => tf.Scalar, x0: Float32Array, shape: number[], eps = 1e-2): number {
  return tf.tidy(() => {
    const analytic = tf.grad(f)(tf.tensor(x0, shape)).dataSync();
    let worst = 0;
    for (let i = 0; i < x0.length; i++) {
      const at = (d: number) => {
        const x = Float32Array.from(x0);
        x[i] += d;
        return f(tf.tensor(x, shape)).dataSync()[0];
      };
      worst = Math.max(worst, Math.abs((at(eps) - at(-eps)) / (2 * eps) - analytic[i]));
    }
    return worst;
  });
}

/** The TypeScript sources below `dir` (declaration files, build output and node_modules left out). */
export function tsSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'build' || e.name === 'node_modules' ? [] : tsSources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * Trains a small toy GAN (seeded players, non-saturating loss, Adam 1e-3) for `steps` steps with a regulariser
 * switched on by `extra`, for tests that compare the same run with the term off and on. Returns each step's
 * stats, G's first weight after them, and the tensors left behind by the last step.
 */
export function toyRegularisedSteps(extra: Partial<TrainerConfig>, steps = 1): { stats: StepStats[]; weights: Float32Array; leaked: number } {
  const g = new ToyMlpGenerator({ seed: 3 });
  const d = new ToyMlpDiscriminator({ seed: 3 });
  const trainer = new Trainer({
    g,
    d,
    zDim: 2,
    seed: 9,
    loss: nonSaturatingLoss,
    gOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
    dOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
    batch: (step) => ({ x: tf.tensor2d(seeded(64, 100 + step), [32, 2]) }),
    ...extra,
  });
  const stats: StepStats[] = [];
  let leaked = 0;
  for (let i = 0; i < steps; i++) {
    const live = tf.memory().numTensors;
    stats.push(trainer.trainStep());
    leaked = tf.memory().numTensors - live;
  }
  const weights = Float32Array.from(g.parameters()[0].dataSync());
  trainer.gOptimizer.dispose();
  trainer.dOptimizer.dispose();
  g.dispose();
  d.dispose();
  return { stats, weights, leaked };
}
