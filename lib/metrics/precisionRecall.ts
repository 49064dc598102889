import * as tf from '@tensorflow/tfjs';

/** What `precisionRecall` returns: both fractions and the k of the k-NN manifolds they were measured with. */
export interface PrecisionRecall {
  /** Fraction of fake samples inside the real manifold: quality. */
  precision: number;
  /** Fraction of real samples inside the fake manifold: diversity. */
  recall: number;
  k: number;
}

/** Squared distances between the rows of a (n×d) and b (m×d), in row blocks so n·m never sits in memory at once. */
function blockwise(a: tf.Tensor2D, b: tf.Tensor2D, visit: (rowStart: number, d2: Float32Array, rows: number) => void, block = 512): void {
  const n = a.shape[0];
  const bNorms = tf.tidy(() => tf.sum(tf.square(b), 1));
  try {
    for (let s = 0; s < n; s += block) {
      const rows = Math.min(block, n - s);
      const d2 = tf.tidy(() => {
        const ab = a.slice([s, 0], [rows, -1]);
        const aNorms = tf.sum(tf.square(ab), 1, true);
        return tf.relu(tf.add(tf.sub(aNorms, tf.mul(2, tf.matMul(ab, b, false, true))), bNorms));
      });
      visit(s, d2.dataSync() as Float32Array, rows);
      d2.dispose();
    }
  } finally {
    bNorms.dispose();
  }
}

/** Each row's squared distance to its k-th nearest other row (the radius of its ball in the k-NN manifold). */
export function kthRadii(x: tf.Tensor2D, k: number): Float32Array {
  const n = x.shape[0];
  if (k >= n) throw new Error(`precision/recall: k = ${k} needs more than ${k} samples per set, got ${n}`);
  const radii = new Float32Array(n);
  blockwise(x, x, (start, d2, rows) => {
    // The row itself is at distance 0, so the k-th neighbour is the (k+1)-th smallest value: kept by insertion
    // into a sorted list of k+1 (O(n·k) per row instead of a sort).
    const best = new Float32Array(k + 1);
    for (let r = 0; r < rows; r++) {
      best.fill(Infinity);
      const base = r * n;
      for (let j = 0; j < n; j++) {
        const v = d2[base + j];
        if (v >= best[k]) continue;
        let i = k;
        while (i > 0 && best[i - 1] > v) {
          best[i] = best[i - 1];
          i--;
        }
        best[i] = v;
      }
      radii[start + r] = best[k];
    }
  });
  return radii;
}

/** Fraction of `query` rows inside at least one ball (centre a row of `ref`, squared radius `radii`). */
function coverage(query: tf.Tensor2D, ref: tf.Tensor2D, radii: Float32Array): number {
  let inside = 0;
  const m = ref.shape[0];
  blockwise(query, ref, (_, d2, rows) => {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < m; j++) {
        if (d2[r * m + j] <= radii[j]) {
          inside++;
          break;
        }
      }
    }
  });
  return inside / query.shape[0];
}

/**
 * Improved precision and recall (Kynkäänniemi et al., 2019): each set's manifold is the union of balls around its
 * samples reaching their k-th nearest neighbour (k = 3 in the paper); precision is the fraction of fakes inside the
 * real manifold, recall the fraction of reals inside the fake manifold. Features are [n, d] tensors.
 */
export function precisionRecall(real: tf.Tensor2D, fake: tf.Tensor2D, o: { k?: number; realRadii?: Float32Array } = {}): PrecisionRecall {
  const k = o.k ?? 3;
  if (real.shape[1] !== fake.shape[1]) throw new Error(`precision/recall: feature sizes differ (${real.shape[1]} vs ${fake.shape[1]})`);
  // The real set's radii depend on it alone: callers scoring many generators pass them once (see prepareReference).
  const realRadii = o.realRadii ?? kthRadii(real, k);
  const fakeRadii = kthRadii(fake, k);
  return { precision: coverage(fake, real, realRadii), recall: coverage(real, fake, fakeRadii), k };
}
