import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../models/registry';
import { Adam } from '../train/adam';
import { rng } from '../../datasets/random';
import { seededNormal } from '../nn/seededNormal';

/** Configures `distillGenerator`: the student's training steps, batch, learning rate, classes and seed. */
export interface DistillOptions {
  steps?: number;
  batchSize?: number;
  lr?: number;
  classes?: number;
  seed?: number;
  onStep?: (step: number, loss: number) => void;
}

/**
 * Knowledge distillation of a generator (Aguinaldo et al., 2019; Chang & Lu, 2020): a smaller student learns to
 * reproduce the teacher's image for the same latent and class, min E_z ‖G_s(z, y) − G_t(z, y)‖₁ — no discriminator
 * needed, since the teacher already defines the mapping. Returns the last loss.
 */
export function distillGenerator(teacher: Generator, student: Generator, o: DistillOptions = {}): number {
  const steps = o.steps ?? 1000;
  const n = o.batchSize ?? 64;
  const classes = o.classes ?? 0;
  const opt = new Adam({ lr: o.lr ?? 1e-3, beta1: 0.5, beta2: 0.999 });
  const vars = student.parameters();
  const u = rng(o.seed ?? 0);
  teacher.eval();
  student.train();
  let last = NaN;
  for (let s = 0; s < steps; s++) {
    const seed = Math.floor(u() * 2 ** 31);
    const loss = opt.minimize(() => {
      const z = seededNormal([n, teacher.cfg.zDim], { seed }) as tf.Tensor2D;
      const y = classes > 0 ? tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i + s) % classes), 'int32') : undefined;
      const target = tf.tidy(() => teacher.apply(z, y));
      return tf.mean(tf.abs(tf.sub(student.apply(z, y), target))) as tf.Scalar;
    }, vars);
    last = loss.dataSync()[0];
    loss.dispose();
    o.onStep?.(s + 1, last);
  }
  opt.dispose();
  student.eval();
  return last;
}
