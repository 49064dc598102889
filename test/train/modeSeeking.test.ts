import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modeSeekingLoss, tf, ToyMlpDiscriminator, ToyMlpGenerator, Trainer } from '../../lib';
import { gradientError, maxAbsDiff, on, seeded, toyRegularisedSteps } from '../helpers';

test("the mode-seeking term's gradient matches finite differences", async () => {
  await on('cpu', () => undefined);
  const [z1, z2] = [tf.tensor(seeded(6, 1), [3, 2]), tf.tensor(seeded(6, 2), [3, 2])];
  // The term has a kink wherever x = other: other is x shifted by ±0.5, far from every probe.
  const x0 = seeded(12, 4);
  const other = tf.tensor(x0.map((v, i) => v + (i % 2 ? 0.5 : -0.5)), [3, 4]);
  const err = gradientError((x) => modeSeekingLoss(x, other, z1, z2), x0, [3, 4], 1e-3);
  const value = modeSeekingLoss(tf.tensor(x0, [3, 4]), other, z1, z2).dataSync()[0];
  assert.ok(value > 0.1 && err < 2e-3 * value, `value ${value}, worst gradient error ${err}`);
  tf.dispose([z1, z2, other]);
});

test('the Trainer adds λ times the mode-seeking term to G and reports it apart from G loss', async () => {
  await on('wasm', () => undefined);
  const run = (lambda: number) => {
    const r = toyRegularisedSteps({ modeSeeking: lambda });
    return { s: r.stats[0], weights: r.weights };
  };
  const [off, one, two] = [run(0), run(1), run(2)];
  assert.equal(off.s.modeSeeking, 0);
  assert.ok(one.s.modeSeeking > 0.05, `the term is active: ${one.s.modeSeeking}`);
  assert.ok(Math.abs(two.s.modeSeeking - 2 * one.s.modeSeeking) < 1e-5 * two.s.modeSeeking, 'linear in λ');
  assert.ok(Math.abs(one.s.gLoss - off.s.gLoss) < 1e-6, 'G loss itself is unchanged (the same latents and D)');
  assert.equal(one.s.dLoss, off.s.dLoss, 'D is untouched by the term');
  assert.ok(maxAbsDiff(one.weights, off.weights) > 1e-6, "the term changes G's update");
});

test('a batch that cannot be paired is refused by name before anything runs', async () => {
  await on('wasm', () => undefined);
  const g = new ToyMlpGenerator({ seed: 3 });
  const d = new ToyMlpDiscriminator({ seed: 3 });
  const trainer = new Trainer({ g, d, zDim: 2, modeSeeking: 1, batch: () => ({ x: tf.tensor2d([[0.5, 0.5]]) }) });
  const live = tf.memory().numTensors;
  const before = Float32Array.from(d.parameters()[0].dataSync());
  assert.throws(() => trainer.trainStep(), /mode seeking needs a batch of at least 2 \(pairs of samples\), got 1/);
  assert.equal(tf.memory().numTensors - live, 0, 'no tensor left behind by the refused step');
  assert.equal(maxAbsDiff(d.parameters()[0].dataSync(), before), 0, 'refused before D was updated');
  assert.equal(trainer.step, 0);
  g.dispose();
  d.dispose();
});
