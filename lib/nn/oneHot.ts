import * as tf from '@tensorflow/tfjs';

/**
 * Class ids [n] as float32 one-hot rows [n, classes], the fixed class vectors of the kit's conditional models.
 * Made as int32 and cast: oneHot's own float32 output is broken on the wasm backend (tfjs-backend-wasm 4.22 writes
 * the int32 bit patterns, so every 1 reads as 1.4e-45 and the class is silently ignored).
 */
export function oneHotFloat(y: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(y, classes), 'float32')) as tf.Tensor2D;
}
