import * as tf from '@tensorflow/tfjs';
import { truncatedLatents } from './truncation';

/**
 * A class-conditional sample sheet: `perClass` samples for each of `classes`, row by row, from truncated latents.
 * Returns images [classes.length · perClass, h, w, c] (draw them with `imageGridPng(…, { cols: perClass })`).
 */
export function sampleSheet(
  g: { apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor; cfg: { zDim: number } },
  o: { classes?: number[]; perClass?: number; truncation?: number; seed?: number } = {},
): tf.Tensor4D {
  const classes = o.classes ?? [0];
  const per = o.perClass ?? 8;
  return tf.tidy(() => {
    const z = truncatedLatents(classes.length * per, g.cfg.zDim, { threshold: o.truncation, seed: o.seed });
    const y = tf.tensor1d(classes.flatMap((c) => new Array<number>(per).fill(c)), 'int32');
    return g.apply(z, y) as tf.Tensor4D;
  });
}
