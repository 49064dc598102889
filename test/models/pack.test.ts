import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigGanDiscriminator, DcganDiscriminator, discriminatorFor, generatorFor, packSamples, playerArch, tf, ToyMlpDiscriminator, ToyMlpGenerator, Trainer } from '../../lib';
import { maxAbsDiff, on, seeded } from '../helpers';

test('packSamples puts m consecutive samples side by side along the last axis', async () => {
  await on('cpu', () => undefined);
  const points = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [4, 2]);
  assert.deepEqual(packSamples(points, 2).arraySync(), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.equal(packSamples(points, 1), points, 'pack 1 is the input itself');
  // Images [4, 1, 2, 1]: each pixel of a pack holds the two samples' values as two channels.
  const images = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [4, 1, 2, 1]);
  assert.deepEqual(packSamples(images, 2).arraySync(), [[[[1, 3], [2, 4]]], [[[5, 7], [6, 8]]]]);
  assert.throws(() => packSamples(points, 3), /a batch of 4 samples does not split into packs of 3; use a batch size divisible by 3/);
});

test('every discriminator of the kit takes pack: m and scores each pack from all of its samples', async () => {
  await on('cpu', () => undefined);
  const cases = [
    { d: new ToyMlpDiscriminator({ pack: 4, seed: 1 }), x: [8, 2] },
    { d: new DcganDiscriminator({ resolution: 8, ch: 4, channels: 1, pack: 2, seed: 1 }), x: [4, 8, 8, 1] },
    { d: new BigGanDiscriminator({ resolution: 32, ch: 4, channels: 1, pack: 2, seed: 1 }), x: [4, 32, 32, 1] },
  ];
  for (const { d, x } of cases) {
    d.eval(); // spectral norm's power iteration would otherwise move σ between the two calls
    const m = d.cfg.pack;
    const n = x[0];
    const size = x.reduce((a, b) => a * b, 1);
    const base = seeded(size, 2);
    const scores = (v: Float32Array) => Array.from((d.apply as (t: tf.Tensor) => tf.Tensor)(tf.tensor(v, x)).dataSync());
    const before = scores(base);
    assert.equal(before.length, n / m, `${d.constructor.name}: one score per pack`);
    // Changing the last sample of the first pack moves that pack's score and no other.
    const changed = Float32Array.from(base);
    const per = size / n;
    for (let i = (m - 1) * per; i < m * per; i++) changed[i] += 0.5;
    const after = scores(changed);
    assert.ok(Math.abs(after[0] - before[0]) > 1e-6, `${d.constructor.name}: the pack's score depends on its last sample`);
    for (let k = 1; k < after.length; k++) assert.equal(after[k], before[k], `${d.constructor.name}: other packs unchanged`);
    d.dispose();
  }
  assert.throws(() => new DcganDiscriminator({ classes: 10, pack: 2 }), /packing \(pack 2\) needs an unconditional discriminator/);
  assert.throws(() => new ToyMlpDiscriminator({ pack: 0 }), /pack must be a whole number ≥ 1/);
});

test("a run's arch gives each player its own options under g and d (PacGAN's toy players)", async () => {
  await on('cpu', () => undefined);
  const arch = { zDim: 2, init: { kind: 'normal', std: 0.02 }, g: { hidden: 400, depth: 4, batchNorm: true }, d: { hidden: 200, depth: 3, maxout: 5, pack: 4 } };
  assert.deepEqual(playerArch(arch, 'd'), { zDim: 2, init: { kind: 'normal', std: 0.02 }, hidden: 200, depth: 3, maxout: 5, pack: 4 });
  const g = generatorFor('toy', arch, { forTraining: true });
  const d = discriminatorFor('toy', arch);
  const shapes = (m: { namedParameters(): Iterable<[string, tf.Variable]> }) => Object.fromEntries([...m.namedParameters()].map(([k, v]) => [k, v.shape]));
  // G: 2 → 400 (no bias: batch norm follows) ×4 → 2. D: 8 (4 packed points) → 200·5 pieces, 200 → 1000 twice, → 1.
  assert.deepEqual(shapes(g)['fc0.weight'], [2, 400]);
  assert.equal(shapes(g)['fc0.bias'], undefined);
  assert.deepEqual(shapes(g)['bn3.weight'], [400]);
  assert.deepEqual(shapes(d)['fc0.weight'], [8, 1000]);
  assert.deepEqual(shapes(d)['fc2.weight'], [200, 1000]);
  assert.deepEqual(shapes(d)['out.weight'], [200, 1]);
  const w = Float32Array.from([...d.namedParameters()].find(([k]) => k === 'fc1.weight')![1].dataSync());
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(std - 0.02) < 0.002, `weights N(0, 0.02²): std ${std}`);
  assert.throws(() => playerArch({ g: 3 }, 'g'), /arch\.g must be an object of generator options/);
  g.dispose();
  d.dispose();
});

test("maxout units are the maximum of their pieces, in value and gradient (PacGAN's discriminator)", async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await on(backend, () => undefined);
    const d = new ToyMlpDiscriminator({ hidden: 3, depth: 1, maxout: 5, seed: 4 });
    const p = Object.fromEntries(d.namedParameters());
    // The definition: unit j = max over pieces k of column j·pieces + k of the linear layer.
    const reference = (x: tf.Tensor) => {
      const h = tf.max(tf.add(tf.matMul(x as tf.Tensor2D, p['fc0.weight']), p['fc0.bias']).reshape([-1, 3, 5]), 2);
      return tf.add(tf.matMul(h as tf.Tensor2D, p['out.weight']), p['out.bias']).reshape([-1]);
    };
    const x = tf.tensor2d(seeded(12, 7), [6, 2]);
    const [got, want] = [d.apply(x), reference(x)];
    assert.ok(maxAbsDiff(got.dataSync(), want.dataSync()) < 1e-6, `${backend}: values`);
    const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x).dataSync();
    assert.ok(maxAbsDiff(grad((t) => d.apply(t)), grad(reference)) < 1e-6, `${backend}: gradients`);
    tf.dispose([x, got, want]);
    d.dispose();
  }
});

test('the Trainer refuses a batch that does not split into packs, before anything runs', async () => {
  await on('wasm', () => undefined);
  const g = new ToyMlpGenerator({ seed: 1 });
  const d = new ToyMlpDiscriminator({ pack: 4, seed: 1 });
  const trainer = new Trainer({ g, d, zDim: 2, batch: () => ({ x: tf.tensor2d(seeded(12, 1), [6, 2]) }) });
  const live = tf.memory().numTensors;
  assert.throws(() => trainer.trainStep(), /the discriminator packs 4 samples \(PacGAN\) but a batch holds 6; use a batch size divisible by 4/);
  assert.equal(tf.memory().numTensors, live);
  g.dispose();
  d.dispose();
});
