import { matmul, meanAndCovariance, symmetricEigen, sqrtPsd } from './linalg';

/** The Gaussian a metric fits to a set of features: mean, covariance and how many samples made them. */
export interface FeatureStats {
  mean: Float64Array;
  cov: Float64Array;
  dim: number;
  n: number;
}

/** Fits the mean and covariance of n×d features (row-major), in float64. */
export function featureStats(features: ArrayLike<number>, dim: number): FeatureStats {
  const n = features.length / dim;
  if (!Number.isInteger(n)) throw new Error(`featureStats: ${features.length} values do not split into rows of ${dim}`);
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) throw new Error(`featureStats: feature value ${i} is ${features[i]}; the generator or the feature extractor produced NaN/Inf`);
  }
  const { mean, cov } = meanAndCovariance(features, n, dim);
  return { mean, cov, dim, n };
}

/**
 * Fréchet distance between two Gaussians (the FID of Heusel et al., 2017, when the statistics are Inception
 * features):
 *
 *   d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁^½ Σ₂ Σ₁^½)^½
 *
 * The last term equals Tr (Σ₁Σ₂)^½ but is computed from symmetric PSD matrices only (an eigen-decomposition of
 * Σ₁ for its square root, then the eigenvalues of Σ₁^½Σ₂Σ₁^½), so it stays real and stable when the covariances
 * are singular, as they are whenever there are fewer samples than feature dimensions.
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: feature sizes differ (${a.dim} vs ${b.dim}); use one feature extractor for both sets`);
  const d = a.dim;
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (a.mean[i] - b.mean[i]) ** 2;
    traces += a.cov[i * d + i] + b.cov[i * d + i];
  }
  const root = sqrtPsd(a.cov, d);
  const m = matmul(matmul(root, b.cov, d, d, d), root, d, d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = (m[i * d + j] + m[j * d + i]) / 2;
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  }
  const { values } = symmetricEigen(m, d);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(v, 0));
  // Rounding can leave a tiny negative value for identical sets; a distance is ≥ 0.
  return Math.max(meanTerm + traces - 2 * traceRoot, 0);
}
