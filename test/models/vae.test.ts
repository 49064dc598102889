import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tf, Vae, VaeTrainer, elbo, gaussianKl } from '../../lib';
import { on, seeded } from '../helpers';

test('the VAE KL term is the closed form of KL(N(μ, σ²) ‖ N(0, I))', async () => {
  await on('cpu', () => undefined);
  const mu = tf.tensor2d([[0, 0], [1, 2]]);
  const logVar = tf.tensor2d([[0, 0], [Math.log(4), 0]]);
  const kl = gaussianKl(mu, logVar).dataSync();
  // Row 2: ½[(1 + 4 − 1 − log 4) + (4 + 1 − 1 − 0)].
  assert.ok(Math.abs(kl[0]) < 1e-7 && Math.abs(kl[1] - 0.5 * (8 - Math.log(4))) < 1e-5, `${Array.from(kl)}`);
  // Against a Monte Carlo estimate of E_q[log q(z) − log p(z)] for row 2.
  const n = 200_000;
  const eps = tf.randomNormal([n, 2], 0, 1, 'float32', 3);
  const mc = tf.tidy(() => {
    const sigma = tf.tensor1d([2, 1]);
    const z = tf.add(tf.tensor1d([1, 2]), tf.mul(sigma, eps));
    const logQ = tf.sum(tf.sub(tf.mul(-0.5, tf.square(eps)), tf.log(sigma)), 1);
    const logP = tf.sum(tf.mul(-0.5, tf.square(z)), 1);
    return tf.mean(tf.sub(logQ, logP)).dataSync()[0];
  });
  assert.ok(Math.abs(mc - kl[1]) < 0.03, `Monte Carlo ${mc} vs closed form ${kl[1]}`);
  tf.dispose([mu, logVar, eps]);
});

test("the ELBO's decoder σ is the best one for the batch, and the reparameterised z carries gradients to μ and σ", async () => {
  await on('cpu', () => undefined);
  const x = tf.tensor4d(seeded(2 * 8 * 8, 1), [2, 8, 8, 1]);
  const xHat = tf.tensor4d(seeded(2 * 8 * 8, 2), [2, 8, 8, 1]);
  const zero = tf.zeros([2, 3]) as tf.Tensor2D;
  const t = elbo(x, xHat, zero, zero);
  const mse = t.variance.dataSync()[0];
  const nll = (s2: number) => tf.tidy(() => tf.mean(tf.sum(tf.add(tf.div(tf.square(tf.sub(x, xHat)), 2 * s2), 0.5 * Math.log(2 * Math.PI * s2)), [1, 2, 3])).dataSync()[0]);
  const rec = t.reconstruction.dataSync()[0];
  assert.ok(Math.abs(rec - nll(mse)) < 1e-3 * Math.abs(rec), `${rec} vs ${nll(mse)}`);
  assert.ok(nll(0.5 * mse) > rec && nll(2 * mse) > rec, 'any other σ fits worse');
  assert.equal(t.kl.dataSync()[0], 0);
  const withKl = elbo(x, xHat, tf.ones([2, 3]) as tf.Tensor2D, zero);
  const [l, r, k] = [withKl.loss, withKl.reconstruction, withKl.kl].map((u) => u.dataSync()[0]);
  assert.ok(k > 0 && Math.abs(l - (r + k)) < 1e-4 * Math.abs(l), `−ELBO ${l} = reconstruction ${r} + KL ${k}`);
  tf.dispose([withKl.loss, withKl.reconstruction, withKl.kl, withKl.variance]);
  const mu = tf.tensor2d([[0.5, -1]]);
  const logVar = tf.tensor2d([[0.2, -0.4]]);
  const [dMu, dLogVar] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(Vae.sample(m as tf.Tensor2D, l as tf.Tensor2D, 9)))([mu, logVar]);
  const eps = tf.tidy(() => tf.div(tf.sub(Vae.sample(mu, logVar, 9), mu), tf.exp(tf.mul(0.5, logVar))));
  assert.deepEqual(Array.from(dMu.dataSync()), [1, 1]);
  const expected = tf.tidy(() => tf.mul(tf.mul(0.5, tf.exp(tf.mul(0.5, logVar))), eps));
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(dLogVar, expected))).dataSync()[0]);
  assert.ok(err < 1e-6 && tf.tidy(() => tf.max(tf.abs(eps)).dataSync()[0]) > 0, `∂z/∂logVar off by ${err}`);
  tf.dispose([x, xHat, zero, mu, logVar, dMu, dLogVar, eps, expected, t.loss, t.reconstruction, t.kl, t.variance]);
});

test('VaeTrainer lowers −ELBO on a small image set without leaking tensors, and a VAE decodes like a generator', async () => {
  await on('cpu', () => undefined);
  const data = tf.tidy(() => tf.tanh(tf.mul(3, tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5)))) as tf.Tensor4D;
  const vae = new Vae({ zDim: 4, ch: 4, resolution: 8, channels: 1, seed: 2 });
  const trainer = new VaeTrainer({ vae, batch: () => tf.clone(data), seed: 1 });
  const first = trainer.trainStep();
  trainer.trainStep();
  const tensors = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 60; i++) last = trainer.trainStep();
  assert.equal(tf.memory().numTensors, tensors, 'a step frees what it allocates');
  for (const s of [first, last]) assert.ok(Math.abs(s.loss - (s.reconstruction + s.kl)) < 1e-3 * Math.abs(s.loss), 'the loss is reconstruction + KL');
  assert.ok(last.loss < first.loss && last.variance < first.variance, `−ELBO ${first.loss} → ${last.loss}, σ² ${first.variance} → ${last.variance}`);
  assert.ok(last.kl > 0);
  assert.throws(() => new Vae({ resolution: 12 }), /VAE resolution must be a power of two ≥ 8, got 12/);
  vae.eval();
  const images = vae.apply(tf.zeros([3, 4]) as tf.Tensor2D);
  assert.deepEqual(images.shape, [3, 8, 8, 1]);
  tf.dispose([images, data]);
  vae.dispose();
  trainer.optimizer.dispose();
});
