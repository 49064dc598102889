import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module';

/**
 * Magnitude pruning (Han et al., 2015): in every tensor of rank ≥ 2 — weight matrices, kernels and embedding tables
 * alike (`skip` names any to leave whole) — set the `sparsity` fraction of entries with the smallest |w| to zero;
 * biases and norms (rank 1) are left whole. Per tensor rather than
 * global, so no layer is emptied. Returns the fraction of all parameters that are now zero.
 */
export function magnitudePrune(m: Module, o: { sparsity: number; skip?: (name: string) => boolean }): number {
  if (!(o.sparsity >= 0 && o.sparsity < 1)) throw new Error(`sparsity must be in [0, 1), got ${o.sparsity}`);
  let zeros = 0;
  let total = 0;
  for (const [name, v] of m.namedParameters()) {
    total += v.size;
    if (v.rank < 2 || o.skip?.(name)) {
      zeros += countZeros(v);
      continue;
    }
    const values = v.dataSync() as Float32Array;
    const k = Math.floor(o.sparsity * values.length);
    if (k > 0) {
      const threshold = Float32Array.from(values, Math.abs).sort()[k - 1];
      let cut = 0;
      const pruned = Float32Array.from(values, (w) => (Math.abs(w) <= threshold && cut++ < k ? 0 : w));
      tf.tidy(() => v.assign(tf.tensor(pruned, v.shape)));
    }
    zeros += countZeros(v);
  }
  return zeros / total;
}

function countZeros(v: tf.Variable): number {
  let z = 0;
  for (const w of v.dataSync()) if (w === 0) z++;
  return z;
}
