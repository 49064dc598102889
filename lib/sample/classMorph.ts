import * as tf from '@tensorflow/tfjs';
import { truncatedLatents } from './truncation';

/** A generator conditioned on one class vector: BigGAN's shared class embedding (or its one-hot classes). */
export interface EmbeddedGenerator {
  cfg: { zDim: number; classes?: number };
  classEmbedding(y: tf.Tensor1D): tf.Tensor2D;
  applyEmbedded(z: tf.Tensor2D, emb: tf.Tensor2D | null): tf.Tensor4D;
}

/** Configures `classMorph`: the two classes, the frames, and the fixed latent. */
export interface ClassMorphOptions {
  from: number;
  to: number;
  /** Frames, both ends included (default 8). */
  steps?: number;
  /** Latents of the rows, one morph per row (default: one, drawn with `seed`). */
  z?: tf.Tensor2D;
  /** Rows when `z` is not given (default 1). */
  rows?: number;
  seed?: number;
  /** Truncation threshold of the drawn latents (default none). */
  truncation?: number;
}

/** Whether a generator can morph between classes (it takes explicit class vectors: a BigGAN). */
export function canMorphClasses(g: object): g is EmbeddedGenerator {
  return typeof (g as Partial<EmbeddedGenerator>).classEmbedding === 'function' && typeof (g as Partial<EmbeddedGenerator>).applyEmbedded === 'function';
}

/**
 * Morphs between two classes at fixed latents: BigGAN conditions every block on one shared class embedding, so a
 * straight line between two classes' embeddings is a path through "classes" the generator was never shown, with
 * the latent — pose, thickness, texture — held still. Returns [rows · steps, h, w, c], row by row.
 */
export function classMorph(g: EmbeddedGenerator, o: ClassMorphOptions): tf.Tensor4D {
  const steps = o.steps ?? 8;
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`classMorph: steps must be a whole number ≥ 2, got ${steps}`);
  const classes = g.cfg.classes ?? Infinity;
  for (const k of [o.from, o.to]) {
    if (!Number.isInteger(k) || k < 0 || k >= classes) throw new Error(`classMorph: class ${k} is not one of the generator's classes 0 … ${classes - 1}`);
  }
  return tf.tidy(() => {
    const z = o.z ?? truncatedLatents(o.rows ?? 1, g.cfg.zDim, { threshold: o.truncation, seed: o.seed ?? 0 });
    const rows = z.shape[0];
    const [a, b] = tf.split(g.classEmbedding(tf.tensor1d([o.from, o.to], 'int32')), 2) as tf.Tensor2D[];
    // Frame t of every row: (1 − t)·e_from + t·e_to, t = 0 … 1.
    const t = tf.linspace(0, 1, steps).reshape([steps, 1]);
    const path = tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
    const emb = tf.tile(path, [rows, 1]) as tf.Tensor2D;
    const zs = tf.reshape(tf.tile(z, [1, steps]), [rows * steps, g.cfg.zDim]) as tf.Tensor2D;
    return g.applyEmbedded(zs, emb);
  });
}
