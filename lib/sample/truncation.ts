import * as tf from '@tensorflow/tfjs';
import { gaussian, rng } from '../../datasets/random';

/**
 * The truncation trick (BigGAN): latents from N(0, I) with every entry beyond ±threshold redrawn until it falls
 * inside. Smaller thresholds trade variety for fidelity. Deterministic for a seed.
 *
 * Redraws come from a second stream, so that one seed gives the *same* latents at every threshold except for the
 * entries that threshold cuts: a sheet of thresholds then shows each latent pulled in, not new latents per row.
 */
export function truncatedLatents(n: number, dim: number, o: { threshold?: number; seed?: number } = {}): tf.Tensor2D {
  const t = o.threshold ?? Infinity;
  if (!(t > 0)) throw new Error(`truncation threshold must be > 0, got ${t}`);
  const seed = o.seed ?? 0;
  const first = gaussian(rng(seed));
  const redraw = gaussian(rng(seed ^ 0x5bd1e995));
  const z = new Float32Array(n * dim);
  for (let i = 0; i < z.length; i++) {
    let v = first();
    while (Math.abs(v) > t) v = redraw();
    z[i] = v;
  }
  return tf.tensor2d(z, [n, dim]);
}

/** Points between two latents: straight lines (lerp) or great circles (slerp, which keeps the norm typical). */
export function interpolate(z1: tf.Tensor1D, z2: tf.Tensor1D, steps: number, mode: 'lerp' | 'slerp' = 'slerp'): tf.Tensor2D {
  return tf.tidy(() => {
    const ts = Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : i / (steps - 1)));
    if (mode === 'lerp') return tf.stack(ts.map((t) => tf.add(tf.mul(z1, 1 - t), tf.mul(z2, t)))) as tf.Tensor2D;
    const cos = tf.div(tf.sum(tf.mul(z1, z2)), tf.mul(tf.norm(z1), tf.norm(z2))).dataSync()[0];
    const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
    if (omega < 1e-6) return tf.stack(ts.map(() => z1)) as tf.Tensor2D;
    return tf.stack(ts.map((t) => tf.add(tf.mul(z1, Math.sin((1 - t) * omega) / Math.sin(omega)), tf.mul(z2, Math.sin(t * omega) / Math.sin(omega))))) as tf.Tensor2D;
  });
}
