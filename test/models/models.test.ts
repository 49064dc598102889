import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BigGanDiscriminator,
  BigGanGenerator,
  DcganDiscriminator,
  DcganGenerator,
  Ema,
  interpolate,
  Linear,
  sampleSheet,
  tf,
  ToyMlpDiscriminator,
  ToyMlpGenerator,
  truncatedLatents,
  type BigGanResolution,
} from '../../lib';
import { maxAbsDiff, on } from '../helpers';

test('BigGAN G and D at 32, 64 and 128: shapes, conditional and not, attention where asked, parameter names', async () => {
  await on('wasm', () => undefined);
  for (const resolution of [32, 64, 128] as BigGanResolution[]) {
    for (const classes of [0, 5]) {
      const cfg = { resolution, ch: 8, classes, sharedDim: 4, attention: [resolution / 2], init: 'normal' as const };
      const g = new BigGanGenerator(cfg);
      const d = new BigGanDiscriminator(cfg);
      const z = tf.randomNormal([2, g.cfg.zDim]) as tf.Tensor2D;
      const y = classes ? tf.tensor1d([0, 4], 'int32') : undefined;
      const x = g.apply(z, y);
      assert.deepEqual(x.shape, [2, resolution, resolution, 3], `G ${resolution}`);
      const range = [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]];
      assert.ok(range[0] >= -1 && range[1] <= 1, 'tanh output');
      assert.deepEqual(d.apply(x, y).shape, [2]);
      assert.equal(g.attentionBlocks().length, 1);
      const names = g.namedParameters().map(([n]) => n);
      assert.ok(names.includes('blocks.0.conv1.weight') && names.includes('linear.weight'));
      assert.equal(names.includes('shared.weight'), classes > 0);
      assert.equal(d.namedParameters().some(([n]) => n === 'embed.weight'), classes > 0);
      if (classes) assert.throws(() => g.apply(z), /conditional \(5 classes\): pass class ids y/);
      // Orthogonal regularisation: every filter and matrix but the shared class embedding (BigGAN-PyTorch's blacklist).
      const ortho = new Set(g.orthoWeights());
      for (const [n, v] of g.namedParameters()) assert.equal(ortho.has(v), v.rank >= 2 && n !== 'shared.weight', n);
      tf.dispose([z, x, ...(y ? [y] : [])]);
      g.dispose();
      d.dispose();
    }
  }
  assert.throws(() => new BigGanGenerator({ resolution: 32, zDim: 30 }), /zDim 30 must split into 4 equal chunks/);
});

test('DCGAN and toy MLP shapes; DCGAN rejects a resolution it cannot build', async () => {
  await on('wasm', () => undefined);
  const g = new DcganGenerator({ resolution: 16, ch: 4, channels: 1 });
  const d = new DcganDiscriminator({ resolution: 16, ch: 4, channels: 1 });
  const x = g.apply(tf.randomNormal([3, 128]) as tf.Tensor2D);
  assert.deepEqual(x.shape, [3, 16, 16, 1]);
  assert.deepEqual(d.apply(x).shape, [3]);
  assert.throws(() => new DcganGenerator({ resolution: 24 }), /power of two ≥ 8, got 24/);
  const tg = new ToyMlpGenerator();
  const td = new ToyMlpDiscriminator();
  assert.deepEqual(td.apply(tg.apply(tf.randomNormal([5, 2]) as tf.Tensor2D)).shape, [5]);
  [g, d, tg, td].forEach((m) => m.dispose());
});

test('EMA: copies before its start step, then θ_ema ← d·θ_ema + (1 − d)·θ', async () => {
  await on('cpu', () => undefined);
  const src = new Linear({ inFeatures: 1, outFeatures: 1, bias: false });
  const dst = new Linear({ inFeatures: 1, outFeatures: 1, bias: false });
  src.weight.assign(tf.tensor2d([[1]]));
  const ema = new Ema(src, dst, { decay: 0.5, startStep: 2 });
  assert.equal(dst.weight.dataSync()[0], 1);
  src.weight.assign(tf.tensor2d([[3]]));
  ema.update(1);
  assert.equal(dst.weight.dataSync()[0], 3, 'before the start step: a copy');
  src.weight.assign(tf.tensor2d([[5]]));
  ema.update(2);
  assert.equal(dst.weight.dataSync()[0], 4, '0.5·3 + 0.5·5');
  ema.update(3);
  assert.equal(dst.weight.dataSync()[0], 4.5);
  assert.throws(() => new Ema(src, new Linear({ inFeatures: 2, outFeatures: 1 })), /no matching 'weight' \[1,1\]/);
  src.dispose();
  dst.dispose();
});

test('truncated latents stay within the threshold, are seeded, and interpolation hits both ends', async () => {
  await on('cpu', () => undefined);
  const z = truncatedLatents(500, 16, { threshold: 0.5, seed: 1 });
  const v = z.dataSync() as Float32Array;
  assert.ok(Math.max(...Array.from(v).map(Math.abs)) <= 0.5);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(std - 0.2855) < 0.01, `truncated N(0,1) at 0.5 has σ ≈ 0.286; got mean ${mean}, σ ${std}`);
  assert.deepEqual(Array.from(truncatedLatents(2, 3, { threshold: 1, seed: 4 }).dataSync()), Array.from(truncatedLatents(2, 3, { threshold: 1, seed: 4 }).dataSync()));
  assert.throws(() => truncatedLatents(1, 1, { threshold: 0 }), /threshold must be > 0/);
  // One seed, any threshold: the same latents, with only the entries beyond the threshold redrawn.
  const free = truncatedLatents(200, 16, { seed: 7 }).dataSync();
  const cut = truncatedLatents(200, 16, { threshold: 1, seed: 7 }).dataSync();
  let kept = 0;
  for (let i = 0; i < free.length; i++) {
    if (Math.abs(free[i]) <= 1) { assert.equal(cut[i], free[i], `entry ${i} is inside the threshold and must be kept`); kept++; }
    else assert.ok(Math.abs(cut[i]) <= 1 && cut[i] !== free[i]);
  }
  assert.ok(kept > 0.6 * free.length && kept < free.length, `about 68% of entries lie within ±1: ${kept} of ${free.length}`);
  const a = tf.tensor1d([1, 0]);
  const b = tf.tensor1d([0, 1]);
  for (const mode of ['lerp', 'slerp'] as const) {
    const path = interpolate(a, b, 5, mode).arraySync();
    assert.deepEqual(path[0].map((x) => Math.round(x * 1e6) / 1e6), [1, 0]);
    assert.deepEqual(path[4].map((x) => Math.round(x * 1e6) / 1e6), [0, 1]);
    if (mode === 'slerp') assert.ok(Math.abs(Math.hypot(...path[2]) - 1) < 1e-5, 'slerp keeps the norm');
  }
  const g = new BigGanGenerator({ resolution: 32, ch: 2, classes: 3, sharedDim: 4, init: 'normal' });
  const sheet = sampleSheet(g, { classes: [0, 2], perClass: 3, truncation: 0.5 });
  assert.deepEqual(sheet.shape, [6, 32, 32, 3]);
  tf.dispose([z, a, b, sheet]);
  g.dispose();
});

test('state dicts round-trip by name with shape checks; summaries count parameters; class embeddings interpolate', async () => {
  await on('wasm', () => undefined);
  const cfg = { resolution: 32, ch: 8, classes: 3, sharedDim: 4, init: 'normal' } as const;
  const a = new BigGanGenerator(cfg);
  const b = new BigGanGenerator({ ...cfg, seed: 9 });
  b.loadStateDict(a.stateDict());
  const z = tf.randomNormal([2, a.cfg.zDim], 0, 1, 'float32', 3) as tf.Tensor2D;
  const y = tf.tensor1d([0, 2], 'int32');
  a.eval();
  b.eval();
  assert.equal(tf.sub(a.apply(z, y), b.apply(z, y)).abs().max().dataSync()[0], 0, 'same weights, same images');
  assert.ok(a.stateDict().has('blocks.0.conv1.sn.u0') && a.stateDict().has('output_layer.0.running_mean'));
  const wrong = new BigGanGenerator({ ...cfg, ch: 16 });
  assert.throws(() => wrong.loadStateDict(a.stateDict()), /'linear\.weight' is \[.*\], the model wants \[/);
  const partial = new Map([...a.stateDict()].slice(1));
  assert.throws(() => b.loadStateDict(partial), /has no 'shared\.weight'/);
  assert.match(a.summary(), /^BigGanGenerator: [\d,]+ parameters\n {2}shared +[\d,]+/);
  const [e0, e2] = tf.split(a.classEmbedding(y), 2);
  const mid = tf.add(tf.mul(e0, 0.5), tf.mul(e2, 0.5)) as tf.Tensor2D;
  const ends = a.applyEmbedded(tf.concat([z.slice([0, 0], [1, -1]), z.slice([0, 0], [1, -1])]) as tf.Tensor2D, tf.concat([e0, e2]) as tf.Tensor2D);
  const direct = a.apply(tf.concat([z.slice([0, 0], [1, -1]), z.slice([0, 0], [1, -1])]) as tf.Tensor2D, y);
  assert.equal(tf.sub(ends, direct).abs().max().dataSync()[0], 0, 'embedding endpoints reproduce the classes');
  assert.deepEqual(a.applyEmbedded(z.slice([0, 0], [1, -1]) as tf.Tensor2D, mid).shape, [1, 32, 32, 3]);
  [a, b, wrong].forEach((m) => m.dispose());
});

test("BigGAN initialises its class embeddings and conditional gains as BigGAN-PyTorch does: orthogonal, unit-norm class rows", async () => {
  await on('cpu', () => undefined);
  const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 10, zDim: 128, seed: 2 });
  const shared = g.stateDict().get('shared.weight')!;
  // With N(0, 1) rows (norm √128 ≈ 11) the class half of each block's [class, z chunk] condition drowned the z
  // chunk (norm ≈ √32): the generator learned to ignore z within a class (recall 0.003 after 2,000 steps).
  const gram = tf.tidy(() => tf.matMul(shared, shared, false, true).arraySync() as number[][]);
  gram.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-5, `row ${i}·row ${j} = ${v}`)));
  const gain = g.stateDict().get('blocks.0.bn1.gain.weight');
  assert.ok(gain, 'a conditional gain map exists under that name');
  const cols = tf.tidy(() => tf.matMul(gain!, gain!, true, false).arraySync() as number[][]);
  cols.forEach((row, i) => assert.ok(Math.abs(row[i] - 1) < 1e-5, `gain column ${i} has norm² ${row[i]}`));
  g.dispose();
});

test("BigGAN's Table 1 baseline: without a shared embedding or hierarchical z, one-hot classes condition every batch norm and z enters once", async () => {
  await on('cpu', () => undefined);
  const cfg = { resolution: 32, ch: 4, channels: 1, classes: 10, zDim: 32, seed: 4 } as const;
  const base = new BigGanGenerator({ ...cfg, sharedEmbedding: false, hierarchicalZ: false });
  const names = [...base.stateDict().keys()];
  assert.ok(!names.some((n) => n.startsWith('shared.')), 'no shared embedding');
  assert.deepEqual(base.stateDict().get('linear.weight')!.shape, [32, 16 * 4 * 4], 'all of z to the input layer');
  assert.deepEqual(base.stateDict().get('blocks.0.bn1.gain.weight')!.shape, [10, 16], 'gains from the one-hot class');
  const full = new BigGanGenerator(cfg);
  assert.deepEqual(full.stateDict().get('linear.weight')!.shape, [8, 16 * 4 * 4], 'hierarchical: a quarter of z');
  assert.deepEqual(full.stateDict().get('blocks.0.bn1.gain.weight')!.shape, [128 + 8, 16], 'shared embedding + z chunk');
  base.eval();
  const z = tf.randomNormal([2, 32], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.tensor1d([3, 3], 'int32');
  const direct = base.apply(z, y);
  // The class vector of a G without a shared embedding is one-hot: morphing between classes still works.
  const viaOneHot = base.applyEmbedded(z, base.classEmbedding(y));
  assert.ok(maxAbsDiff(direct.dataSync(), viaOneHot.dataSync()) < 1e-6);
  assert.throws(() => new BigGanGenerator({ ...cfg, classes: 0, hierarchicalZ: false }), /unconditional BigGAN needs hierarchicalZ/);
  tf.dispose([z, y, direct, viaOneHot]);
  base.dispose();
  full.dispose();
});

test('without a shared embedding the class vector is a true one-hot on every CPU backend, so the class reaches G', async () => {
  // tfjs-backend-wasm 4.22's oneHot with a float32 dtype returns int32 bit patterns (1 reads as 1.4e-45): G then
  // ignored its class on wasm, and its one-hot gain maps never trained (the ablation's baseline, class accuracy 10%).
  for (const backend of ['cpu', 'wasm'] as const) {
    await on(backend, () => undefined);
    const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 10, zDim: 32, seed: 4, sharedEmbedding: false, hierarchicalZ: false });
    const y = tf.tensor1d([3, 7], 'int32');
    const emb = g.classEmbedding(y);
    assert.deepEqual(emb.arraySync(), [0, 1].map((i) => Array.from({ length: 10 }, (_, k) => (k === [3, 7][i] ? 1 : 0))), `${backend}: one-hot rows`);
    const z = tf.randomNormal([1, 32], 0, 1, 'float32', 1) as tf.Tensor2D;
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(g.apply(z, tf.tensor1d([3], 'int32')))) as tf.Scalar, [g.stateDict().get('blocks.0.bn1.gain.weight') as tf.Variable]);
    const gradNorm = tf.norm(Object.values(grads)[0]).dataSync()[0];
    assert.ok(gradNorm > 0, `${backend}: the one-hot gain map gets a gradient (${gradNorm})`);
    tf.dispose([y, emb, z, ...Object.values(grads)]);
    g.dispose();
  }
});
