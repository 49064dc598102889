import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigGanGenerator, standingStatistics, tf, ToyMlpGenerator } from '../../lib';
import { maxAbsDiff, on } from '../helpers';

test("standing statistics set each batch norm's running statistics to the average of its batch statistics", async () => {
  await on('cpu', () => undefined);
  const g = new ToyMlpGenerator({ zDim: 2, hidden: 4, depth: 1, batchNorm: true, seed: 2 });
  const bn = Object.fromEntries(g.namedBuffers());
  // The first (only) batch norm sees z·W (no bias before a batch norm); batch b's latents use seed 5 + b.
  const w = Object.fromEntries(g.namedParameters())['fc0.weight'];
  const means: tf.Tensor[] = [];
  const vars: tf.Tensor[] = [];
  for (let b = 0; b < 3; b++) {
    const h = tf.matMul(tf.randomNormal([8, 2], 0, 1, 'float32', 5 + b), w);
    const { mean, variance } = tf.moments(h, 0);
    means.push(mean);
    vars.push(tf.mul(variance, 8 / 7)); // the running variance is the unbiased estimate, as PyTorch's
  }
  const want = { mean: tf.stack(means).mean(0).dataSync(), var: tf.stack(vars).mean(0).dataSync() };
  standingStatistics(g, { batches: 3, batchSize: 8, seed: 5 });
  assert.ok(maxAbsDiff(bn['bn0.running_mean'].dataSync(), want.mean) < 1e-5, 'running mean = mean of the batch means');
  assert.ok(maxAbsDiff(bn['bn0.running_var'].dataSync(), want.var) < 1e-5, 'running variance = mean of the batch variances');
  assert.equal(g.isTraining, false, 'left in evaluation mode, where the statistics are used');
  assert.throws(() => standingStatistics(new ToyMlpGenerator({ seed: 1 })), /has no batch norm/);
  g.dispose();
});

test('standing statistics run a conditional BigGAN, reaching the batch norms inside its conditional ones', async () => {
  await on('wasm', () => undefined);
  const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 3, zDim: 32, sharedDim: 8, init: 'normal', seed: 1 });
  const before = new Map([...g.namedBuffers()].filter(([k]) => k.endsWith('running_mean')).map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
  const live = tf.memory().numTensors;
  standingStatistics(g, { batches: 2, batchSize: 4 });
  assert.equal(tf.memory().numTensors, live, 'nothing left behind');
  const moved = [...g.namedBuffers()].filter(([k, v]) => before.has(k) && maxAbsDiff(v.dataSync(), before.get(k)!) > 1e-6).map(([k]) => k);
  assert.equal(moved.length, before.size, `every running mean replaced (${moved.length} of ${before.size})`);
  g.dispose();
});
