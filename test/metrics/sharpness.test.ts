import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tf, laplacianEnergy } from '../../lib';
import { on } from '../helpers';

test('laplacianEnergy: 64 on a ±1 checkerboard, 0 on a ramp, lower after blurring, the same in any batch size', async () => {
  await on('cpu', () => undefined);
  // A checkerboard pixel x has four neighbours −x: the Laplacian is −8x, its square 64 everywhere.
  const board = tf.tidy(() => {
    const v = Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => {
      const p = Math.floor(i / 3) % 64;
      return (Math.floor(p / 8) + (p % 8)) % 2 ? 1 : -1;
    });
    return tf.tensor4d(v, [2, 8, 8, 3]);
  });
  assert.ok(Math.abs(laplacianEnergy(board) - 64) < 1e-9);
  // A linear ramp has no second derivative.
  const ramp = tf.tidy(() => tf.tile(tf.linspace(-1, 1, 8).reshape([1, 1, 8, 1]), [3, 8, 1, 1]) as tf.Tensor4D);
  assert.ok(laplacianEnergy(ramp) < 1e-10, `${laplacianEnergy(ramp)}`);
  const noise = tf.tidy(() => tf.tanh(tf.randomNormal([5, 16, 16, 1], 0, 1, 'float32', 3))) as tf.Tensor4D;
  const blurred = tf.tidy(() => tf.avgPool(noise, 3, 1, 'same')) as tf.Tensor4D;
  const [sharp, blur] = [laplacianEnergy(noise), laplacianEnergy(blurred)];
  assert.ok(blur < sharp / 3, `blur lowers it: ${sharp} → ${blur}`);
  assert.ok(Math.abs(laplacianEnergy(noise, { batchSize: 2 }) - sharp) < 1e-6 * sharp, 'batches average to the whole');
  tf.dispose([board, ramp, noise, blurred]);
});
