import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tf, initBackend } from '../../lib';
import { matmul, symmetricEigen, sqrtPsd } from '../../lib/metrics/linalg';
import { featureStats, frechetDistance, type FeatureStats } from '../../lib/metrics/fid';
import { kernelInceptionDistance } from '../../lib/metrics/kid';
import { inceptionScore } from '../../lib/metrics/inceptionScore';
import { precisionRecall } from '../../lib/metrics/precisionRecall';
import { stackedMnistModes } from '../../lib/metrics/stackedMnist';
import { generateImages } from '../../lib/sample/generate';
import { gaussian, rng } from '../../datasets/random';

function randomSymmetric(n: number, seed: number): Float64Array {
  const u = rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = u() * 2 - 1;
  return a;
}

/** n samples of a d-dim Gaussian with mean `shift` in every coordinate and per-coordinate scales. */
function gaussianSamples(n: number, d: number, seed: number, shift = 0, scale: (j: number) => number = () => 1): Float32Array {
  const g = gaussian(rng(seed));
  return Float32Array.from({ length: n * d }, (_, i) => shift + scale(i % d) * g());
}

const stats = (mean: number[], cov: number[]): FeatureStats => ({ mean: Float64Array.from(mean), cov: Float64Array.from(cov), dim: mean.length, n: 1 });

test('symmetricEigen reconstructs A = VΛVᵀ with orthonormal V, including repeated and zero eigenvalues', () => {
  for (const [n, seed] of [[1, 1], [2, 2], [7, 3], [40, 4]]) {
    const a = randomSymmetric(n, seed);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1], 'ascending');
    const vl = Float64Array.from(vectors, (x, k) => x * values[k % n]);
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[j * n + i] = vectors[i * n + j];
    const back = matmul(vl, vt, n, n, n);
    const eye = matmul(vt, vectors, n, n, n);
    for (let k = 0; k < n * n; k++) {
      assert.ok(Math.abs(back[k] - a[k]) < 1e-10, `n=${n}: reconstruction error ${back[k] - a[k]}`);
      assert.ok(Math.abs(eye[k] - (k % (n + 1) === 0 ? 1 : 0)) < 1e-10, `n=${n}: VᵀV not identity`);
    }
  }
  // Rank-1 (a singular covariance, as with fewer samples than dimensions) and a multiple of the identity.
  const r1 = Float64Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) + 1) * ((k % 4) + 1));
  assert.deepEqual(Array.from(symmetricEigen(r1, 4).values, (v) => Math.round(v * 1e8) / 1e8 + 0), [0, 0, 0, 30]);
  assert.deepEqual(Array.from(symmetricEigen(Float64Array.from([3, 0, 0, 3]), 2).values), [3, 3]);
});

test('sqrtPsd squares back to the matrix', () => {
  const n = 12;
  const b = randomSymmetric(n, 9);
  const psd = matmul(b, b, n, n, n);
  const r = sqrtPsd(psd, n);
  const sq = matmul(r, r, n, n, n);
  for (let k = 0; k < n * n; k++) assert.ok(Math.abs(sq[k] - psd[k]) < 1e-9);
});

test('Fréchet distance matches closed forms: diagonal covariances, and 2×2 non-commuting ones', () => {
  // Diagonal: d² = ‖Δμ‖² + Σ (√a − √b)².
  const diag = frechetDistance(stats([0, 1, 2], [4, 0, 0, 0, 1, 0, 0, 0, 9]), stats([1, 1, 0], [1, 0, 0, 0, 1, 0, 0, 0, 4]));
  assert.ok(Math.abs(diag - (1 + 0 + 4 + 1 + 0 + 1)) < 1e-12, `diagonal case: ${diag}`);
  // For 2×2 PSD M: Tr √M = √(Tr M + 2√det M), with M = Σ₁Σ₂ (similar to Σ₁^½Σ₂Σ₁^½).
  const s1 = [2, 0.7, 0.7, 1];
  const s2 = [1, -0.4, -0.4, 3];
  const m = matmul(Float64Array.from(s1), Float64Array.from(s2), 2, 2, 2);
  const trRoot = Math.sqrt(m[0] + m[3] + 2 * Math.sqrt(m[0] * m[3] - m[1] * m[2]));
  const expected = 0.5 ** 2 + 3 + 4 - 2 * trRoot;
  const got = frechetDistance(stats([0.5, 0], s1), stats([0, 0], s2));
  assert.ok(Math.abs(got - expected) < 1e-12, `2×2: ${got} vs ${expected}`);
});

test('FID of a set with itself is 0; of shifted Gaussian samples it approaches the closed form', () => {
  const d = 16;
  const x = gaussianSamples(4000, d, 1);
  assert.ok(frechetDistance(featureStats(x, d), featureStats(x, d)) < 1e-8);
  // N(0, I) vs N(0.5·1, diag(s²)): d² = 16·0.25 + Σ (1 − s)².
  const scale = (j: number) => 1 + j / 16;
  const y = gaussianSamples(4000, d, 2, 0.5, scale);
  let expected = d * 0.25;
  for (let j = 0; j < d; j++) expected += (1 - scale(j)) ** 2;
  const fid = frechetDistance(featureStats(x, d), featureStats(y, d));
  assert.ok(Math.abs(fid - expected) / expected < 0.05, `FID ${fid} vs closed form ${expected}`);
  // Fewer samples than dimensions: singular covariances still give a finite, non-negative value.
  const few = frechetDistance(featureStats(gaussianSamples(10, 64, 3), 64), featureStats(gaussianSamples(10, 64, 4), 64));
  assert.ok(Number.isFinite(few) && few > 0);
  assert.throws(() => featureStats(Float32Array.from([1, NaN, 2, 3]), 2), /NaN/);
});

test('KID is ≈ 0 for two samples of one distribution and clearly positive for shifted ones', () => {
  const d = 8;
  const same = kernelInceptionDistance(gaussianSamples(600, d, 1), gaussianSamples(600, d, 2), d, { subsets: 20, subsetSize: 300 });
  const shifted = kernelInceptionDistance(gaussianSamples(600, d, 1), gaussianSamples(600, d, 3, 0.5), d, { subsets: 20, subsetSize: 300 });
  assert.ok(Math.abs(same.mean) < 3 * same.std + 0.01, `same distribution: ${same.mean} ± ${same.std}`);
  assert.ok(shifted.mean > 10 * Math.max(same.std, Math.abs(same.mean)), `shifted: ${shifted.mean} vs same ${same.mean} ± ${same.std}`);
  assert.ok(shifted.std > 0);
  // One subset holding every sample is the MMD² of the whole sets: against the formula in float64, term by term.
  const [x, y] = [gaussianSamples(50, d, 5), gaussianSamples(40, d, 6, 0.3)];
  const k = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += a[i * d + t] * b[j * d + t];
    return (dot / d + 1) ** 3;
  };
  const m = 40;
  let [xx, yy, xy] = [0, 0, 0];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  }
  const exact = xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m);
  const whole = kernelInceptionDistance(x.subarray(0, m * d), y, d, { subsets: 1, subsetSize: m });
  assert.ok(Math.abs(whole.mean - exact) < 1e-5 * Math.abs(exact), `${whole.mean} vs ${exact}`);
});

test('Inception Score: k for confident, balanced predictions; 1 for a single class or uniform predictions', () => {
  const k = 10;
  const n = 1000;
  const oneHot = (c: (i: number) => number) => Float32Array.from({ length: n * k }, (_, t) => (t % k === c(Math.floor(t / k)) ? 1 : 0));
  assert.ok(Math.abs(inceptionScore(oneHot((i) => i % k), k).mean - k) < 1e-9);
  assert.ok(Math.abs(inceptionScore(oneHot(() => 3), k).mean - 1) < 1e-9);
  assert.ok(Math.abs(inceptionScore(new Float32Array(n * k).fill(1 / k), k).mean - 1) < 1e-6);
});

test('precision/recall: matching sets score high; a collapsed generator keeps precision and loses recall', async () => {
  await initBackend({ backend: 'wasm' });
  const d = 2;
  const real = tf.tensor2d(gaussianSamples(1000, d, 1), [1000, d]);
  const same = tf.tensor2d(gaussianSamples(1000, d, 2), [1000, d]);
  // All fakes near one point of the real distribution: inside the real manifold, but covering little of it.
  const collapsed = tf.tensor2d(gaussianSamples(1000, d, 3, 0.3, () => 0.05), [1000, d]);
  const far = tf.tensor2d(gaussianSamples(1000, d, 4, 8), [1000, d]);
  const a = precisionRecall(real, same);
  const b = precisionRecall(real, collapsed);
  const c = precisionRecall(real, far);
  assert.ok(a.precision > 0.9 && a.recall > 0.9, JSON.stringify(a));
  assert.ok(b.precision > 0.95 && b.recall < 0.2, JSON.stringify(b));
  assert.ok(c.precision < 0.01 && c.recall < 0.01, JSON.stringify(c));
  tf.dispose([real, same, collapsed, far]);
});

test('Stacked-MNIST modes: count of distinct digit triples and KL from uniform over 1000', () => {
  const n = 1000;
  const all = [0, 1, 2].map((c) => Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10 ** (2 - c)) % 10)) as [Int32Array, Int32Array, Int32Array];
  const full = stackedMnistModes(all);
  assert.equal(full.modes, 1000);
  assert.ok(Math.abs(full.klFromUniform) < 1e-12);
  const collapsed = stackedMnistModes([new Int32Array(n), new Int32Array(n).fill(3), new Int32Array(n).fill(7)]);
  assert.equal(collapsed.modes, 1);
  assert.ok(Math.abs(collapsed.klFromUniform - Math.log(1000)) < 1e-12);
});

test('generateImages spreads labels evenly over the classes and batches to the asked-for count', async () => {
  await initBackend({ backend: 'wasm' });
  const seen: number[] = [];
  const g = { cfg: { zDim: 3 }, apply: (z: tf.Tensor2D, y?: tf.Tensor1D) => (seen.push(z.shape[0]), tf.tile(y!.toFloat().reshape([-1, 1, 1, 1]), [1, 2, 2, 1])) };
  const { images, labels } = generateImages(g, { n: 250, classes: 10, batchSize: 100 });
  assert.deepEqual(seen, [100, 100, 50]);
  assert.deepEqual(images.shape, [250, 2, 2, 1]);
  const counts = new Array(10).fill(0);
  labels!.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(25));
  // Each image was generated for its own label.
  const firstPixels = tf.tidy(() => images.slice([0, 0, 0, 0], [-1, 1, 1, 1]).reshape([-1]).dataSync());
  assert.deepEqual(Array.from(firstPixels), Array.from(labels!));
  images.dispose();
});
