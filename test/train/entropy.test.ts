import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestNeighbourEntropy, seededNormal, tf, ToyMlpDiscriminator, ToyMlpGenerator, Trainer } from '../../lib';
import { gradientError, maxAbsDiff, on, toyRegularisedSteps } from '../helpers';

const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test("the nearest-neighbour entropy is the mean log distance to each sample's nearest other sample", async () => {
  await on('cpu', () => undefined);
  // On a line: nearest distances 1, 1, 2 and 4.
  const line = tf.tensor2d([[0], [1], [3], [7]]);
  assert.ok(Math.abs(value(nearestNeighbourEntropy(line)) - (3 * Math.log(2)) / 4) < 1e-6);
  // Images are flattened: two 2×2 images 0.5 apart in every pixel are 1 apart, and each is the other's neighbour.
  const images = tf.stack([tf.zeros([2, 2, 1]), tf.fill([2, 2, 1], 0.5)]);
  assert.ok(Math.abs(value(nearestNeighbourEntropy(images))) < 1e-6);
  assert.throws(() => nearestNeighbourEntropy(tf.tensor2d([[1, 2]])), /needs at least 2 samples, got 1/);
  tf.dispose([line, images]);
});

test("with Kozachenko and Leonenko's constants it estimates a Gaussian's entropy, and shifts by log s under scaling", async () => {
  await on('cpu', () => undefined);
  const n = 1000;
  const z = seededNormal([n, 2], { seed: 5 });
  const meanLog = value(nearestNeighbourEntropy(z));
  // Ĥ = d · mean log ρ + ψ(N) − ψ(1) + log V_d; in 2-D V_d = π, and ψ(N) ≈ log N − 1/(2N).
  const eulerGamma = 0.5772156649;
  const estimate = 2 * meanLog + Math.log(n) - 1 / (2 * n) + eulerGamma + Math.log(Math.PI);
  const exact = Math.log(2 * Math.PI * Math.E);
  assert.ok(Math.abs(estimate - exact) < 0.1, `estimate ${estimate} against N(0, I₂)'s ${exact}`);
  const scaled = tf.mul(z, 3);
  assert.ok(Math.abs(value(nearestNeighbourEntropy(scaled)) - meanLog - Math.log(3)) < 1e-4);
  tf.dispose([z, scaled]);
});

test('its gradient matches finite differences, stays finite where samples coincide, and pushes the closest apart', async () => {
  await on('cpu', () => undefined);
  // Five points whose nearest neighbours are all distinct (no ties, where the minimum has a kink).
  const x0 = Float32Array.from([0, 0, 0.3, 0.1, 1.2, -0.4, 2.5, 1.1, -1.4, 2.2]);
  const err = gradientError((x) => nearestNeighbourEntropy(x), x0, [5, 2], 1e-3);
  assert.ok(err < 2e-3, `worst gradient error ${err}`);
  const same = tf.tensor2d([[1, 1], [1, 1], [0, 0]]);
  const grads = tf.grad((x: tf.Tensor) => nearestNeighbourEntropy(x))(same);
  assert.ok(Number.isFinite(value(nearestNeighbourEntropy(same))) && grads.dataSync().every(Number.isFinite));
  // One ascent step on the entropy moves the closest pair (points 0 and 1) apart.
  const x = tf.tensor2d(x0, [5, 2]);
  const step = tf.grad((t: tf.Tensor) => nearestNeighbourEntropy(t))(x);
  const moved = tf.add(x, tf.mul(1e-3, step)).dataSync();
  const gap = (p: ArrayLike<number>) => Math.hypot(p[2] - p[0], p[3] - p[1]);
  assert.ok(gap(moved) > gap(x0) + 1e-5, `closest pair ${gap(x0)} → ${gap(moved)}`);
  tf.dispose([same, grads, x, step]);
});

test("the Trainer subtracts λ times the entropy from G's loss, reports the term apart, and frees every tensor", async () => {
  await on('wasm', () => undefined);
  const [off, one, two] = [0, 1, 2].map((lambda) => toyRegularisedSteps({ entropy: lambda }, 2));
  // On the first step G is the same under every λ: the term is linear in it, and G's own loss and D are as without.
  const [off1, one1, two1] = [off, one, two].map((r) => r.stats[0]);
  assert.equal(off1.entropy, 0);
  assert.ok(Math.abs(one1.entropy) > 0.05, `the term is active: ${one1.entropy}`);
  assert.ok(Math.abs(two1.entropy - 2 * one1.entropy) < 1e-5 * Math.abs(two1.entropy), 'linear in λ');
  assert.ok(Math.abs(two.stats[1].entropy) > Math.abs(one.stats[1].entropy), 'a larger λ, a larger term (second step too)');
  assert.ok(Math.abs(one1.gLoss - off1.gLoss) < 1e-6, 'G loss itself is unchanged (the same latents and D)');
  assert.equal(one1.dLoss, off1.dLoss, 'D is untouched by the term');
  // On the second step the term's effect on G shows.
  assert.notEqual(one.stats[1].dLoss, off.stats[1].dLoss, "after one step G (and so D's fake batch) differs with the term");
  assert.ok(maxAbsDiff(one.weights, off.weights) > 1e-6, "the term changes G's update");
  assert.equal(one.leaked, 0, 'a step with the entropy term leaves no tensor behind');
});

test('a batch without a nearest neighbour is refused by name', async () => {
  await on('wasm', () => undefined);
  const g = new ToyMlpGenerator({ seed: 3 });
  const d = new ToyMlpDiscriminator({ seed: 3 });
  const lone = new Trainer({ g, d, zDim: 2, entropy: 1, batch: () => ({ x: tf.tensor2d([[0.5, 0.5]]) }) });
  assert.throws(() => lone.trainStep(), /the entropy term needs a batch of at least 2/);
  g.dispose();
  d.dispose();
});
