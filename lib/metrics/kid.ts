import { rng } from '../../datasets/random';

/** Configures `kernelInceptionDistance`: how many random subsets, of what size, drawn with which seed. */
export interface KidOptions {
  /** Random subsets to average over (default 100, as Bińkowski et al.). */
  subsets?: number;
  /** Samples per set in each subset (default 1000, or the smaller set's size if less). */
  subsetSize?: number;
  seed?: number;
}

/** Mean and standard deviation of a metric over subsets. */
export interface MeanStd {
  mean: number;
  std: number;
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
  const k = (x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let t = 0; t < dim; t++) s += x[i * dim + t] * y[j * dim + t];
    return (s / dim + 1) ** 3;
  };
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const [ir, jf] = [pick(nr), pick(nf)];
    let kxx = 0;
    let kyy = 0;
    let kxy = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        kxx += 2 * k(real, ir[a], real, ir[b]);
        kyy += 2 * k(fake, jf[a], fake, jf[b]);
      }
      for (let b = 0; b < m; b++) kxy += k(real, ir[a], fake, jf[b]);
    }
    values.push(kxx / (m * (m - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  return meanStd(values);
}

/** The mean and population standard deviation (divisor n) of a list of values. */
export function meanStd(values: number[]): MeanStd {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std };
}
