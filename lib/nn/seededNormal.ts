import * as tf from '@tensorflow/tfjs';

/** Configures `seededNormal`: the distribution's mean and standard deviation, and the seed of its stream. */
export interface SeededNormalOptions {
  mean?: number;
  std?: number;
  /**
   * A finite number; the same seed gives the same values (0 and 0.5 give the same ones: see `seededNormal`).
   * Omitted: a fresh, unrepeatable draw.
   */
  seed?: number;
}

/**
 * Normal draws of `shape` (float32) from a seeded stream: `tf.randomNormal`, except that a seed of 0 is honoured.
 * TF.js takes a zero seed for none and draws from `Math.random`, so a run seeded 0 — its first latent batch, its
 * first batch of standing statistics — was not reproducible. Zero maps to 0.5, which no integer seed is; every
 * other seed gives TF.js's own stream, so the values of runs seeded otherwise are unchanged.
 */
export function seededNormal(shape: number[], o: SeededNormalOptions = {}): tf.Tensor {
  if (o.seed !== undefined && !Number.isFinite(o.seed)) throw new Error(`seededNormal: seed must be a finite number, got ${o.seed}`);
  const seed = o.seed === 0 ? 0.5 : o.seed;
  return tf.randomNormal(shape, o.mean ?? 0, o.std ?? 1, 'float32', seed);
}
