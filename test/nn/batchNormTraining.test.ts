import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm, batchNormTraining, tf } from '../../lib';
import { setFusedBatchNorm } from '../../lib/kernels';
import { loadNativeAddon } from '../../lib/kernels/native/load';
import { maxAbs, maxAbsDiff, on, seeded } from '../helpers';

/**
 * Training-mode batch norm: the fused kernels on wasm (`GanBatchNormTrain` and its gradient) against TF.js's
 * `moments` and `batchNorm`, composed on wasm and on cpu: y, the batch statistics, and the gradients of a loss
 * with respect to x, γ and β. The fused kernels come with the native addon: CI builds it, so there a missing one
 * fails; elsewhere the comparisons run composed against composed, and the test that they run says what to install.
 */
const addon = loadNativeAddon();
const skip = 'error' in addon && process.env.CI !== 'true' ? `native addon unavailable: ${addon.error}` : false;
interface Case {
  shape: number[];
  affine: boolean;
}

const CASES: Case[] = [
  // PacGAN's generator: 400 samples of 400 units.
  { shape: [400, 400], affine: true },
  { shape: [6, 5, 5, 3], affine: true },
  // Conditional batch norm's inner norm has no affine.
  { shape: [4, 3, 3, 8], affine: false },
  { shape: [2, 1], affine: true },
  // One row: the variance is 0 and y is β.
  { shape: [1, 7], affine: true },
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const copy = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);

function run(c: Case, seed: number) {
  return tf.tidy(() => {
    const channels = c.shape[c.shape.length - 1];
    // An offset mean and unequal scales per channel, as activations have.
    const x = tf.tensor(seeded(size(c.shape), seed), c.shape).mul(tf.linspace(0.5, 3, channels)).add(1.5);
    const gamma = tf.tensor1d(seeded(channels, seed + 1)).add(1);
    const beta = tf.tensor1d(seeded(channels, seed + 2));
    const r = tf.tensor(seeded(size(c.shape), seed + 3), c.shape);
    const affine = c.affine ? { gamma, beta } : {};
    const out = batchNormTraining(x, affine);
    const loss = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(batchNormTraining(xs, c.affine ? { gamma: g, beta: b } : {}).y), r)) as tf.Scalar;
    // Without an affine, γ and β take no part and have no gradient to ask for.
    const [dx, dGamma, dBeta] = c.affine
      ? tf.grads(loss)([x, gamma, beta])
      : [tf.grad((xs: tf.Tensor) => loss(xs, gamma, beta))(x), tf.zerosLike(gamma), tf.zerosLike(beta)];
    return {
      y: copy(out.y), mean: copy(out.mean), variance: copy(out.variance),
      dx: copy(dx), dGamma: copy(dGamma), dBeta: copy(dBeta),
    };
  });
}

type Result = ReturnType<typeof run>;

/** Runs `body` with the fused kernels on or off, and puts the switch back whatever happens. */
function withFused<T>(on: boolean, body: () => T): T {
  const previous = setFusedBatchNorm(on);
  try {
    return body();
  } finally {
    setFusedBatchNorm(previous);
  }
}

function assertClose(got: Result, want: Result, what: string): void {
  for (const key of Object.keys(want) as (keyof Result)[]) {
    const scale = Math.max(1, maxAbs(want[key]));
    const tolerance = key.startsWith('d') ? 1e-4 : 1e-5;
    assert.ok(maxAbsDiff(got[key], want[key]) <= tolerance * scale, `${key} vs ${what}: ${maxAbsDiff(got[key], want[key])}`);
  }
}

test('fused batch norm on wasm matches TF.js’s composed ops on wasm and cpu, values and gradients', async () => {
  for (const [i, c] of CASES.entries()) {
    const cpu = await on('cpu', () => run(c, 10 * i + 1));
    await on('wasm', () => undefined);
    const composed = withFused(false, () => run(c, 10 * i + 1));
    const fused = run(c, 10 * i + 1);
    assertClose(fused, cpu, `cpu for ${JSON.stringify(c)}`);
    if (c.shape[0] > 1) {
      assertClose(fused, composed, `composed wasm for ${JSON.stringify(c)}`);
    } else {
      // One row: the fused kernel's variance is exactly 0, so y is β; wasm's composed ops leave a rounding residue
      // in the variance that 1/√ε magnifies (4e-5 in y here), so they are not the reference for this case.
      const beta = await on('cpu', () => copy(tf.tensor1d(seeded(c.shape[1], 10 * i + 3))));
      assert.deepEqual(Array.from(fused.y), Array.from(beta), 'one row: y is β');
    }
  }
});

test('the fused kernels are what run on wasm, and a training step through them leaks nothing', { skip }, async () => {
  await on('wasm', () => undefined);
  const bn = new BatchNorm({ channels: 16 });
  const x = tf.randomNormal([32, 16], 0, 1, 'float32', 5);
  const step = () => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(bn.apply(x))) as tf.Scalar).grads);
  tf.dispose(step());
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const profile = await tf.profile(() => tf.dispose(step()));
  const kernels = new Set(profile.kernels.map((k) => k.name));
  assert.ok(kernels.has('GanBatchNormTrain') && kernels.has('GanBatchNormTrainGrad'), `kernels run: ${[...kernels]}`);
  assert.ok(!kernels.has('FusedBatchNorm'), 'TF.js’s batchNorm is not used in training mode');
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.engine().backend.numDataIds(), dataIds);
  tf.dispose(x);
  bn.dispose();
});

test('BatchNorm’s running statistics are the same through the fused kernel', async () => {
  await on('wasm', () => undefined);
  const stats = (fusedOn: boolean) =>
    withFused(fusedOn, () => {
      const bn = new BatchNorm({ channels: 5, momentum: 0.3 });
      for (let i = 0; i < 3; i++) tf.tidy(() => bn.apply(tf.tensor(seeded(40, 50 + i), [2, 4, 5]).mul(2).add(i)));
      const out = { mean: copy(bn.runningMean), variance: copy(bn.runningVar) };
      bn.dispose();
      return out;
    });
  const composed = stats(false);
  const fused = stats(true);
  assert.ok(maxAbsDiff(fused.mean, composed.mean) <= 1e-6, 'running mean');
  assert.ok(maxAbsDiff(fused.variance, composed.variance) <= 1e-5, 'running variance (unbiased)');
  assert.ok(maxAbs(fused.mean) > 0.1, 'the statistics moved');
});

for (const affine of [true, false]) {
  test(`a second-order gradient through the ${affine ? '' : 'non-affine '}fused norm (a penalty on ∇z) matches cpu’s, and leaks nothing`, async () => {
    // A layer z·W before the norm, as in a discriminator under a gradient penalty: ‖∂f/∂z‖² depends on W through the
    // batch's μ and σ² as well as directly, so a composed gradient that held them constant would be caught here.
    const penalty = () =>
      tf.tidy(() => {
        const z = tf.tensor(seeded(18, 7), [6, 3]).mul(2);
        const w = tf.tensor(seeded(12, 8), [3, 4]).add(0.3);
        const gamma = tf.tensor1d(seeded(4, 9)).add(1);
        const beta = tf.tensor1d(seeded(4, 10));
        const r = tf.tensor(seeded(24, 11), [6, 4]);
        const f = (zs: tf.Tensor, ws: tf.Tensor, g: tf.Tensor) => {
          const y = batchNormTraining(tf.matMul(zs as tf.Tensor2D, ws as tf.Tensor2D), affine ? { gamma: g, beta } : {}).y;
          return tf.sum(tf.mul(tf.sin(y), r)) as tf.Scalar;
        };
        const gradNorm = (ws: tf.Tensor, g: tf.Tensor) => tf.sum(tf.square(tf.grad((zs: tf.Tensor) => f(zs, ws, g))(z))) as tf.Scalar;
        const grads = affine ? tf.grads(gradNorm)([w, gamma]) : [tf.grad((ws: tf.Tensor) => gradNorm(ws, gamma))(w)];
        return grads.map(copy);
      });
    const cpu = await on('cpu', penalty);
    await on('wasm', () => undefined);
    penalty();
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    const wasm = penalty();
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.equal(tf.engine().backend.numDataIds(), dataIds, 'no wasm buffer left behind');
    for (const [k, name] of ['∂/∂W', '∂/∂γ'].slice(0, cpu.length).entries()) {
      assert.ok(maxAbs(cpu[k]) > 1e-3, `the penalty depends on ${name.slice(3)}`);
      assert.ok(maxAbsDiff(wasm[k], cpu[k]) <= 1e-4 * Math.max(1, maxAbs(cpu[k])), `${name} of ‖∇z f‖²: ${maxAbsDiff(wasm[k], cpu[k])}`);
    }
  });
}

test('batchNormTraining names a γ given without β', () => {
  const x = tf.ones([2, 3]);
  assert.throws(() => batchNormTraining(x, { gamma: tf.ones([3]) }), /give gamma and beta together, or neither/);
  x.dispose();
});
