import * as tf from '@tensorflow/tfjs';

/**
 * PacGAN's packing (Lin et al., 2018): the discriminator judges m samples at once, concatenated along the
 * feature (or channel) axis, so it can see a lack of variety that no single sample shows. Consecutive samples
 * form a pack: [n, …, c] → [n/m, …, m·c]. The Trainer's real and fake halves each split into whole packs when
 * the batch is a multiple of m. m = 1 returns x.
 */
export function packSamples<T extends tf.Tensor>(x: T, m: number): T {
  if (m === 1) return x;
  const [n, ...rest] = x.shape;
  if (n % m !== 0) throw new Error(`PacGAN packing: a batch of ${n} samples does not split into packs of ${m}; use a batch size divisible by ${m}`);
  const last = rest.length + 1;
  // [n/m, m, …, c] with the pack axis moved next to the channels, then merged with them.
  const perm = [0, ...rest.slice(0, -1).map((_, i) => i + 2), 1, last];
  return tf.tidy(() => tf.transpose(x.reshape([n / m, m, ...rest]), perm).reshape([n / m, ...rest.slice(0, -1), m * rest[rest.length - 1]])) as T;
}

/** Checks a `pack` option: a whole number ≥ 1, and 1 for a conditional D (a pack would mix classes). */
export function checkPack(pack: number, classes: number, model: string): void {
  if (!Number.isInteger(pack) || pack < 1) throw new Error(`${model}: pack must be a whole number ≥ 1 (PacGAN uses 2 to 4), got ${pack}`);
  if (pack > 1 && classes > 0) throw new Error(`${model}: packing (pack ${pack}) needs an unconditional discriminator: a pack would mix classes`);
}
