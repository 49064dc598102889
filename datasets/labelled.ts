import * as tf from '@tensorflow/tfjs';

/** Images in [-1, 1] (NHWC) with integer labels and their class names: what every image loader returns. */
export interface LabelledImages {
  images: tf.Tensor4D;
  labels: Int32Array;
  classNames: string[];
}

/** Bytes 0..255 in NHWC order → float tensor in [-1, 1]. */
export function bytesToImages(bytes: Uint8Array, shape: [number, number, number, number]): tf.Tensor4D {
  return tf.tidy(() => tf.tensor4d(bytes, shape, 'int32').toFloat().div(127.5).sub(1)) as tf.Tensor4D;
}

/** Counts per class, for printing and for catching a layout that put everything in one class. */
export function classHistogram(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}
