import * as tf from '@tensorflow/tfjs';
import { DatasetError } from './errors';
import type { LabelledImages } from './labelled';
import { rng } from './random';

/**
 * Stacked MNIST (Metz et al.; the PacGAN mode-collapse benchmark): three digits drawn at random become the R, G
 * and B channels of one image, so there are 10³ = 1000 modes; the label is 100·d_R + 10·d_G + d_B.
 */
export function stackedMnist(digits: LabelledImages, n: number, seed = 0): LabelledImages {
  const [count, , , c] = digits.images.shape;
  if (c !== 1) throw new DatasetError(`stackedMnist needs single-channel digits, got ${c} channels`);
  if (count === 0) throw new DatasetError('stackedMnist needs at least one digit image');
  const u = rng(seed);
  const picks = Array.from({ length: 3 }, () => Int32Array.from({ length: n }, () => Math.floor(u() * count)));
  const images = tf.tidy(() => tf.concat(picks.map((p) => tf.gather(digits.images, p)), 3)) as tf.Tensor4D;
  const labels = Int32Array.from({ length: n }, (_, i) => 100 * digits.labels[picks[0][i]] + 10 * digits.labels[picks[1][i]] + digits.labels[picks[2][i]]);
  return { images, labels, classNames: Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0')) };
}
