import * as tf from '@tensorflow/tfjs';
import { Adam } from '../train/adam';
import { truncatedLatents } from './truncation';

/** A trained generator as inversion sees it: latents (and class ids, for a conditional one) to images. */
export interface InvertibleGenerator {
  cfg: { zDim: number; classes?: number };
  apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor;
  /** A Module's mode: inversion refuses a generator in training mode. */
  readonly isTraining?: boolean;
}

/** Configures `invertGenerator`. */
export interface InversionOptions {
  /** Images to reconstruct, [n, h, w, c] in [-1, 1] (G's own range). */
  target: tf.Tensor4D;
  /**
   * 1 where a pixel is known, 0 where it is not ([n, h, w, c] or broadcastable): only known pixels count, so the
   * generator fills in the rest (inpainting). Default: every pixel known.
   */
  mask?: tf.Tensor;
  /**
   * For a conditional G, the class of each target; when absent every class is tried and the best kept, which
   * makes inversion a classifier of sorts.
   */
  y?: tf.Tensor1D;
  /** Adam steps on z (default 300). */
  steps?: number;
  /** Adam's step size on z (default 0.05). */
  lr?: number;
  /**
   * Starting latents per target (default 4: the loss is not convex); every class tried starts from the same ones.
   * The candidate with the lowest error on the known pixels wins (the prior term only steers the descent).
   */
  restarts?: number;
  /**
   * Weight of the prior term mean(z²)/2 (the Gaussian's negative log-density per dimension, default 0.01): it keeps
   * z where G was trained, so the fit is an image G would draw rather than one it reaches only far out.
   */
  priorWeight?: number;
  /** Seed of the starting latents. */
  seed?: number;
}

/** What `invertGenerator` found for each target. */
export interface Inversion {
  /** The best latent per target, [n, zDim]. */
  z: tf.Tensor2D;
  /** The class per target (given or found); absent for an unconditional G. */
  y?: tf.Tensor1D;
  /** G(z, y) for those latents, [n, h, w, c]: the reconstruction, whole (also where the mask hid the target). */
  images: tf.Tensor4D;
  /** Mean squared error per target over its known pixels. */
  error: Float32Array;
  /** The mean over all candidates of that error, every tenth step (the optimisation's curve). */
  curve: number[];
}

/**
 * GAN inversion (Zhu et al., 2016; Creswell & Bharath, 2018): find the latent whose image is closest to a given
 * one by gradient descent on z through the frozen generator, from several starts, and for a conditional G over the
 * classes too. With a mask it is inpainting (Yeh et al., 2017): only the known pixels are matched, and G's prior
 * supplies the rest. G must be in evaluation mode, so that each candidate's image depends on its own z alone.
 * Every candidate runs in one batch: n · restarts · (classes tried) images per step.
 */
export function invertGenerator(g: InvertibleGenerator, o: InversionOptions): Inversion {
  const [n, h, w, c] = o.target.shape;
  const classes = g.cfg.classes ?? 0;
  if (g.isTraining) throw new Error('invertGenerator: the generator is in training mode (batch statistics would couple the candidates and its running statistics would move): call g.eval() first');
  if (o.y && o.y.shape[0] !== n) throw new Error(`invertGenerator: ${o.y.shape[0]} class ids for ${n} targets`);
  if (o.y && classes === 0) throw new Error('invertGenerator: class ids were given but the generator is unconditional');
  const mask4 = o.mask && o.mask.rank === 4 && (o.mask.shape[0] === n || o.mask.shape[0] === 1);
  if (o.mask && (!mask4 || [1, 2].some((a) => o.mask!.shape[a] !== o.target.shape[a]))) {
    throw new Error(`invertGenerator: the mask must be [${n} or 1, ${h}, ${w}, ${c} or 1] like the targets, got [${o.mask.shape}]`);
  }
  const restarts = o.restarts ?? 4;
  const tried = classes > 0 && !o.y ? classes : 1;
  const per = restarts * tried;
  const total = n * per;
  // Candidate k of target i sits at row i·per + k: start k mod restarts, class ⌊k / restarts⌋ (or the target's).
  const labels = classes > 0 ? Int32Array.from({ length: total }, (_, r) => Math.floor((r % per) / restarts)) : null;
  if (labels && o.y) {
    const given = o.y.dataSync();
    for (let r = 0; r < total; r++) labels[r] = given[Math.floor(r / per)];
  }
  const y = labels ? tf.tensor1d(labels, 'int32') : undefined;
  const repeat = (t: tf.Tensor, times: number) => tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, times, ...t.shape.slice(1).map(() => 1)]), [t.shape[0] * times, ...t.shape.slice(1)]));
  const target = repeat(o.target, per);
  const mask = o.mask ? (o.mask.shape[0] === n && n > 1 ? repeat(o.mask, per) : tf.clone(o.mask)) : tf.onesLike(target);
  const known = tf.tidy(() => tf.maximum(tf.sum(tf.mul(tf.onesLike(target), mask), [1, 2, 3]), 1));
  // The same `restarts` starts for every class of a target, so that classes are compared from equal footing.
  const starts = tf.tidy(() => {
    const drawn = truncatedLatents(n * restarts, g.cfg.zDim, { seed: o.seed ?? 0 }).reshape([n, 1, restarts, g.cfg.zDim]);
    return tf.tile(drawn, [1, tried, 1, 1]).reshape([total, g.cfg.zDim]) as tf.Tensor2D;
  });
  // tf.variable copies its initial value: the starting tensor is freed here.
  const z = tf.variable(starts, true);
  starts.dispose();
  const opt = new Adam({ lr: o.lr ?? 0.05, beta1: 0.9, beta2: 0.999 });
  const prior = o.priorWeight ?? 0.01;
  const perCandidate = () => tf.div(tf.sum(tf.mul(tf.square(tf.sub(g.apply(z, y), target)), mask), [1, 2, 3]), known);
  const curve: number[] = [];
  try {
    for (let s = 0; s < (o.steps ?? 300); s++) {
      tf.tidy(() => {
        const loss = opt.minimize(() => {
          const err = perCandidate();
          if (s % 10 === 0) curve.push(tf.mean(err).dataSync()[0]);
          return tf.add(tf.sum(err), tf.mul(prior / 2, tf.sum(tf.mean(tf.square(z), 1)))) as tf.Scalar;
        }, [z]);
        if (!Number.isFinite(loss.dataSync()[0])) throw new Error(`invertGenerator: the loss became ${loss.dataSync()[0]} at step ${s}; lower lr`);
      });
    }
    const err = tf.tidy(() => perCandidate().dataSync() as Float32Array);
    const best = Array.from({ length: n }, (_, i) => {
      let k = i * per;
      for (let r = i * per; r < (i + 1) * per; r++) if (err[r] < err[k]) k = r;
      return k;
    });
    const rows = tf.tensor1d(best, 'int32');
    const bestZ = tf.gather(z, rows) as tf.Tensor2D;
    const bestY = labels ? tf.tensor1d(best.map((k) => labels[k]), 'int32') : undefined;
    rows.dispose();
    return { z: bestZ, y: bestY, images: tf.tidy(() => g.apply(bestZ, bestY) as tf.Tensor4D), error: Float32Array.from(best, (k) => err[k]), curve };
  } finally {
    tf.dispose([z, target, mask, known, ...(y ? [y] : [])]);
    opt.dispose();
  }
}
