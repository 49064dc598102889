import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type BackendName } from '../../lib';
import { Adam } from '../../lib/train/adam';
import { maxAbsDiff, on, seeded } from '../helpers';

/** Five updates of a quadratic with both optimizers from the same start; returns the final parameters. */
function run(make: () => { minimize(f: () => tf.Scalar, vars: tf.Variable[]): unknown }): Float32Array {
  const w = tf.variable(tf.tensor2d(seeded(12, 60), [3, 4]));
  const target = tf.tensor2d(seeded(12, 61), [3, 4]);
  const opt = make();
  for (let i = 0; i < 5; i++) tf.dispose(opt.minimize(() => tf.sum(tf.square(tf.sub(w, target))).mul(tf.scalar(1.5)) as tf.Scalar, [w]) as tf.Tensor);
  const out = Float32Array.from(w.dataSync());
  tf.dispose([w, target]);
  return out;
}

async function compare(backend: BackendName): Promise<void> {
  await on(backend, () => undefined);
  const ours = run(() => new Adam({ lr: 0.05, beta1: 0.5, beta2: 0.999 }));
  const theirs = run(() => {
    const o = tf.train.adam(0.05, 0.5, 0.999, 1e-7);
    return { minimize: (f: () => tf.Scalar, vars: tf.Variable[]) => o.minimize(f, true, vars) };
  });
  const start = seeded(12, 60);
  assert.ok(maxAbsDiff(ours, start) > 0.1, 'the parameters moved');
  assert.ok(maxAbsDiff(ours, theirs) < 1e-5, `${backend}: Adam differs from tf.train.adam by ${maxAbsDiff(ours, theirs)}`);
}

test('Adam matches tf.train.adam on cpu (element-wise ops)', () => compare('cpu'));
test('Adam matches tf.train.adam on wasm (fused update kernel)', () => compare('wasm'));

test('Adam keeps one pair of moments per parameter, leaks nothing per step, and frees them', async () => {
  await on('wasm', () => undefined);
  const w = tf.variable(tf.ones([5]));
  const opt = new Adam();
  const step = () => tf.dispose(opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, [w]));
  step();
  const live = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  assert.equal(opt.step, 4);
  assert.equal(tf.memory().numTensors, live, 'no tensor left behind by a step');
  opt.dispose();
  assert.equal(tf.memory().numTensors, live - 2, 'the two moments are freed');
  w.dispose();
});
