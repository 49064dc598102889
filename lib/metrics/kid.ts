import * as tf from '@tensorflow/tfjs';
import { rng } from '../../datasets/random';
import { meanStd, type MeanStd } from './spread';

/** Configures `kernelInceptionDistance`: how many random subsets, of what size, drawn with which seed. */
export interface KidOptions {
  /** Random subsets to average over (default 100, as Bińkowski et al.). */
  subsets?: number;
  /** Samples per set in each subset (default 1000, or the smaller set's size if less). */
  subsetSize?: number;
  seed?: number;
}

/**
 * Kernel Inception Distance (Bińkowski et al., 2018): the unbiased estimate of the squared MMD between the
 * feature sets under the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³,
 *
 *   MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(m(m−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/m² Σ_{i,j} k(xᵢ,yⱼ),
 *
 * averaged over random subsets of size m. Unlike FID it has an unbiased estimator, so small sample sizes do not
 * inflate it (it can be slightly negative when the sets match).
 */
export function kernelInceptionDistance(real: ArrayLike<number>, fake: ArrayLike<number>, dim: number, o: KidOptions = {}): MeanStd {
  const nr = real.length / dim;
  const nf = fake.length / dim;
  const m = Math.min(o.subsetSize ?? 1000, nr, nf);
  if (m < 2) throw new Error(`KID needs at least 2 samples per set, got ${nr} real and ${nf} fake`);
  const subsets = o.subsets ?? 100;
  const u = rng(o.seed ?? 0);
  const pick = (n: number) => {
    // Partial Fisher–Yates: m distinct indices.
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(u() * (n - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.subarray(0, m);
  };
  // The m×m Gram matrices come from the backend's matrix product (float32, as the features are); the kernel and
  // the sums, where the three large terms nearly cancel, are taken in float64 here. A hundred subsets of 1,000
  // take seconds this way, not the minute a scalar triple loop took.
  const [realT, fakeT] = [tf.tensor2d(Float32Array.from(real), [nr, dim]), tf.tensor2d(Float32Array.from(fake), [nf, dim])];
  const kernelSum = (gram: ArrayLike<number>, skipDiagonal: boolean) => {
    // v·v·v, not v ** 3: V8 keeps the product on its fast path and the power off it (20× here).
    const cube = (g: number) => {
      const v = g / dim + 1;
      return v * v * v;
    };
    let sum = 0;
    for (let i = 0; i < gram.length; i++) sum += cube(gram[i]);
    if (skipDiagonal) for (let i = 0; i < m; i++) sum -= cube(gram[i * m + i]);
    return sum;
  };
  const values: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      const [ir, jf] = [pick(nr), pick(nf)];
      // The tensors leave the tidy, not their values: tidy walks whatever it returns, element by element.
      const grams = tf.tidy(() => {
        const x = tf.gather(realT, tf.tensor1d(ir, 'int32'));
        const y = tf.gather(fakeT, tf.tensor1d(jf, 'int32'));
        return [tf.matMul(x, x, false, true), tf.matMul(y, y, false, true), tf.matMul(x, y, false, true)];
      });
      const [xx, yy, xy] = grams.map((t) => t.dataSync());
      tf.dispose(grams);
      values.push(kernelSum(xx, true) / (m * (m - 1)) + kernelSum(yy, true) / (m * (m - 1)) - (2 * kernelSum(xy, false)) / (m * m));
    }
  } finally {
    tf.dispose([realT, fakeT]);
  }
  return meanStd(values);
}
