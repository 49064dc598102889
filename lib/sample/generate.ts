import * as tf from '@tensorflow/tfjs';
import { rng } from '../../datasets/random';
import { truncatedLatents } from './truncation';

/** Configures `generateImages`: how many samples, of which classes, with what truncation, batch size and seed. */
export interface GenerateOptions {
  n: number;
  /** Classes of a conditional generator; labels are spread evenly over them (0: unconditional). */
  classes?: number;
  /** Generate only this class. */
  onlyClass?: number;
  /** Truncation threshold of the latents (default none). */
  truncation?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * n samples from a generator in batches (the images are one tensor the caller disposes; labels are the classes
 * asked for). Labels cycle through the classes in a shuffled order, so every class gets n/classes samples.
 */
export function generateImages(
  g: { apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor; cfg: { zDim: number } },
  o: GenerateOptions,
): { images: tf.Tensor4D; labels?: Int32Array } {
  const classes = o.classes ?? 0;
  const seed = o.seed ?? 0;
  let labels: Int32Array | undefined;
  if (o.onlyClass !== undefined) labels = new Int32Array(o.n).fill(o.onlyClass);
  else if (classes > 0) {
    labels = Int32Array.from({ length: o.n }, (_, i) => i % classes);
    const u = rng(seed ^ 0x51ed);
    for (let i = o.n - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
  }
  const batch = o.batchSize ?? 100;
  const parts: tf.Tensor[] = [];
  for (let s = 0; s < o.n; s += batch) {
    const rows = Math.min(batch, o.n - s);
    parts.push(
      tf.tidy(() => {
        const z = truncatedLatents(rows, g.cfg.zDim, { threshold: o.truncation, seed: seed * 100003 + s });
        const y = labels ? tf.tensor1d(labels.subarray(s, s + rows), 'int32') : undefined;
        return g.apply(z, y);
      }),
    );
  }
  const images = (parts.length === 1 ? parts[0] : tf.concat(parts)) as tf.Tensor4D;
  if (parts.length > 1) tf.dispose(parts);
  return { images, labels };
}
