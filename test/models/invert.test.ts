import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigGanGenerator, invertGenerator, tf, truncatedLatents } from '../../lib';
import { on } from '../helpers';

test("inversion finds latents that redraw G's own images, far closer than where it starts", async () => {
  await on('wasm', () => undefined);
  // Orthogonal initialisation: an untrained DCGAN's N(0, 0.02) weights draw nearly the same image for every z.
  const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, zDim: 8, sharedDim: 8, seed: 2 });
  g.eval();
  const zTrue = truncatedLatents(3, 8, { seed: 9 });
  const target = g.apply(zTrue);
  const before = invertGenerator(g, { target, steps: 0, restarts: 1, seed: 4 });
  const after = invertGenerator(g, { target, steps: 200, restarts: 2, seed: 4 });
  const start = Math.max(...before.error);
  assert.ok(Math.max(...after.error) < 0.05 * start, `errors ${Array.from(after.error)} from ${Array.from(before.error)}`);
  assert.ok(after.curve[after.curve.length - 1] < after.curve[0], 'the curve falls');
  assert.deepEqual(after.images.shape, target.shape);
  const count = tf.memory().numTensors;
  const again = invertGenerator(g, { target, steps: 3, restarts: 2, seed: 4 });
  tf.dispose([again.z, again.images]);
  assert.equal(tf.memory().numTensors, count, 'an inversion leaves behind only what it returns');
  tf.dispose([zTrue, target, before.z, before.images, after.z, after.images]);
  g.dispose();
});

test('inpainting matches only the known pixels, and without a class inversion finds the one that drew the image', async () => {
  await on('wasm', () => undefined);
  const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 3, zDim: 32, sharedDim: 8, seed: 3 });
  g.eval();
  const z = truncatedLatents(2, 32, { seed: 5 });
  const y = tf.tensor1d([2, 0], 'int32');
  const target = g.apply(z, y) as tf.Tensor4D;
  // Known: the left half. The right half of the target is then replaced by noise, which must not matter.
  const mask = tf.tidy(() => tf.concat([tf.ones([1, 32, 16, 1]), tf.zeros([1, 32, 16, 1])], 2));
  const spoiled = tf.tidy(() => tf.add(tf.mul(target, mask), tf.mul(tf.sub(1, mask), tf.randomUniform([2, 32, 32, 1], -1, 1, 'float32', 1)))) as tf.Tensor4D;
  const start = invertGenerator(g, { target: spoiled, mask, y, steps: 0, restarts: 1, seed: 6 });
  const fit = invertGenerator(g, { target: spoiled, mask, y, steps: 100, restarts: 2, seed: 6 });
  const clean = invertGenerator(g, { target, mask, y, steps: 100, restarts: 2, seed: 6 });
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(fit.images, clean.images))).dataSync()[0]);
  assert.ok(gap < 1e-6, `the hidden pixels moved the fit by ${gap}`);
  fit.error.forEach((e, i) => assert.ok(e < start.error[i], `known-pixel errors ${Array.from(fit.error)} from ${Array.from(start.error)}`));
  // G fills the hidden half with what it would draw there: much nearer the truth than the noise it replaced.
  const hidden = tf.tidy(() => tf.mean(tf.square(tf.mul(tf.sub(fit.images, target), tf.sub(1, mask)))).dataSync()[0]);
  const noise = tf.tidy(() => tf.mean(tf.square(tf.mul(tf.sub(spoiled, target), tf.sub(1, mask)))).dataSync()[0]);
  assert.ok(hidden < 0.5 * noise, `hidden half: ${hidden} against ${noise} for the noise it replaced`);
  // No class given: every class is tried from the same starts, and the one that drew the image fits best. In
  // this G the class outweighs z (embedding 32 wide, z chunks 2): in the one above, two classes at the same z
  // differ by less than a random start's residual, and no search could tell them apart.
  const h = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 3, zDim: 8, sharedDim: 32, seed: 3 });
  h.eval();
  const hz = truncatedLatents(3, 8, { seed: 5 });
  const hy = tf.tensor1d([2, 0, 1], 'int32');
  const drawn = h.apply(hz, hy) as tf.Tensor4D;
  const search = invertGenerator(h, { target: drawn, restarts: 2, steps: 150, seed: 6 });
  assert.deepEqual(Array.from(search.y!.dataSync()), [2, 0, 1], `the classes that drew the targets (errors ${Array.from(search.error)})`);
  tf.dispose([hz, hy, drawn]);
  h.dispose();
  assert.throws(() => invertGenerator(g, { target, y: tf.tensor1d([1], 'int32') }), /1 class ids for 2 targets/);
  assert.throws(() => invertGenerator(g, { target, mask: tf.ones([32, 32, 1]) }), /the mask must be \[2 or 1, 32, 32, 1 or 1\]/);
  g.train();
  assert.throws(() => invertGenerator(g, { target }), /training mode .* call g\.eval\(\) first/);
  tf.dispose([z, y, target, mask, spoiled, ...[fit, clean, start, search].flatMap((r) => [r.z, r.y!, r.images])]);
  g.dispose();
});
