import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, nearestNeighbourEntropy, nonSaturatingLoss, seededNormal, tf, ToyMlpDiscriminator, ToyMlpGenerator, Trainer } from '../../lib';
import { gradientError, maxAbsDiff, on, seeded } from '../helpers';

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
  const run = (lambda: number) => {
    const g = new ToyMlpGenerator({ seed: 3 });
    const d = new ToyMlpDiscriminator({ seed: 3 });
    const trainer = new Trainer({
      g,
      d,
      zDim: 2,
      seed: 9,
      loss: nonSaturatingLoss,
      entropy: lambda,
      gOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
      dOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
      batch: (step) => ({ x: tf.tensor2d(seeded(64, 100 + step), [32, 2]) }),
    });
    trainer.trainStep();
    const live = tf.memory().numTensors;
    const s = trainer.trainStep();
    const leaked = tf.memory().numTensors - live;
    const weights = Float32Array.from(g.parameters()[0].dataSync());
    trainer.gOptimizer.dispose();
    trainer.dOptimizer.dispose();
    g.dispose();
    d.dispose();
    return { s, weights, leaked };
  };
  const [off, one, two] = [run(0), run(1), run(2)];
  assert.equal(off.s.entropy, 0);
  assert.ok(Math.abs(one.s.entropy) > 0.05, `the term is active: ${one.s.entropy}`);
  // The second step's G has moved differently under each λ, so linearity is checked on the first step's G.
  assert.equal(one.leaked, 0, 'a step with the entropy term leaves no tensor behind');
  assert.equal(one.s.dLoss === off.s.dLoss, false, "after one step G (and so D's fake batch) differs with the term");
  assert.ok(maxAbsDiff(one.weights, off.weights) > 1e-6, "the term changes G's update");
  assert.ok(Math.abs(two.s.entropy) > Math.abs(one.s.entropy), 'a larger λ, a larger term');
});

test("on the first step the term is linear in λ and leaves G's own loss and D untouched", async () => {
  await on('wasm', () => undefined);
  const first = (lambda: number) => {
    const g = new ToyMlpGenerator({ seed: 4 });
    const d = new ToyMlpDiscriminator({ seed: 4 });
    const trainer = new Trainer({ g, d, zDim: 2, seed: 2, loss: nonSaturatingLoss, entropy: lambda, batch: (step) => ({ x: tf.tensor2d(seeded(64, 7 + step), [32, 2]) }) });
    const s = trainer.trainStep();
    trainer.gOptimizer.dispose();
    trainer.dOptimizer.dispose();
    g.dispose();
    d.dispose();
    return s;
  };
  const [off, one, two] = [first(0), first(1), first(2)];
  assert.ok(Math.abs(two.entropy - 2 * one.entropy) < 1e-5 * Math.abs(two.entropy), 'linear in λ');
  assert.ok(Math.abs(one.gLoss - off.gLoss) < 1e-6, 'G loss itself is unchanged (the same latents and D)');
  assert.equal(one.dLoss, off.dLoss, 'D is untouched by the term');
  const g = new ToyMlpGenerator({ seed: 3 });
  const d = new ToyMlpDiscriminator({ seed: 3 });
  const lone = new Trainer({ g, d, zDim: 2, entropy: 1, batch: () => ({ x: tf.tensor2d([[0.5, 0.5]]) }) });
  assert.throws(() => lone.trainStep(), /the entropy term needs a batch of at least 2/);
  g.dispose();
  d.dispose();
});
