import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../lib';
import { setNativeKernels } from '../../lib/kernels';
import { loadNativeAddon, type NativeAddon } from '../../lib/kernels/native/load';
import { ADAM_UPDATE } from '../../lib/kernels/wasm/adamUpdate';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../lib/kernels/wasm/batchNormTrain';
import { on, seeded } from '../helpers';

/**
 * The addon's compiled loops (Adam's update, max pooling's gradient, maxout's forward pass, batch norm's training
 * pass and its gradient) must give the same bits as the JS kernels they replace, which are the reference for what
 * they compute. CI builds the addon, so there a missing one fails; elsewhere these tests say what to install.
 */
const addon = loadNativeAddon();
const skip = 'error' in addon && process.env.CI !== 'true' ? `native addon unavailable: ${addon.error}` : false;

type LoopName = 'adam' | 'maxPoolGrad' | 'maxout' | 'batchNormTrain' | 'batchNormTrainGrad';

/** Runs `body` natively and then on the JS kernels, counting the addon's calls of `name` in each. */
async function bothWays<T>(name: LoopName, body: () => T): Promise<{ native: T; js: T; nativeCalls: number; jsCalls: number }> {
  if ('error' in addon) throw new Error(`the native kernels must be built in CI: ${addon.error}`);
  await on('wasm', () => undefined);
  const native = addon as NativeAddon;
  const original = native[name]!;
  let calls = 0;
  (native as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    calls++;
    return (original as (...a: unknown[]) => void).apply(native, args);
  };
  try {
    const nativeResult = body();
    const nativeCalls = calls;
    setNativeKernels(false);
    const js = body();
    return { native: nativeResult, js, nativeCalls, jsCalls: calls - nativeCalls };
  } finally {
    (native as unknown as Record<string, unknown>)[name] = original;
    setNativeKernels(true);
  }
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function assertSameBits(got: Float32Array[], want: Float32Array[], what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.deepEqual(bits(g), bits(want[i]), `${what}: output ${i} differs`));
}

test('native Adam update gives the JS kernel’s bits, over sizes and steps', { skip }, async () => {
  for (const [size, step] of [[1, 1], [7, 2], [1000, 10], [160_003, 2500]]) {
    const run = () =>
      tf.tidy(() => {
        const param = tf.tensor1d(seeded(size, 1));
        const grad = tf.tensor1d(seeded(size, 2)).mul(3);
        const m = tf.tensor1d(seeded(size, 3)).mul(0.1);
        const v = tf.tensor1d(seeded(size, 4)).square().mul(0.01);
        const attrs = { lr: 1e-4, beta1: 0.8, beta2: 0.999, epsilon: 1e-8, step };
        const outs = tf.engine().runKernel(ADAM_UPDATE, { param, grad, m, v }, attrs) as unknown as tf.Tensor[];
        return outs.map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
      });
    const r = await bothWays('adam', run);
    assert.equal(r.nativeCalls, 1, 'the native loop computed the update');
    assert.equal(r.jsCalls, 0, 'the JS kernel computed the comparison');
    assertSameBits(r.native, r.js, `Adam, ${size} values, step ${step}`);
  }
});

test('native batch norm (training pass and gradient) gives the JS kernels’ bits', { skip }, async () => {
  // PacGAN's generator layer, a DCGAN feature map, an odd width (the vector loops' tails), one channel, one row
  // (variance 0).
  for (const [i, shape] of [[400, 400], [8, 4, 4, 16], [50, 13], [37, 1], [1, 5]].entries()) {
    const channels = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    const inputs = () => ({
      x: tf.tensor(seeded(n, 60 + i), shape).mul(3).add(0.7),
      gamma: tf.tensor1d(seeded(channels, 61 + i)).add(1),
      beta: tf.tensor1d(seeded(channels, 62 + i)),
    });
    const forward = () =>
      tf.tidy(() => {
        const outs = tf.engine().runKernel(BATCH_NORM_TRAIN, inputs(), { epsilon: 1e-5 }) as unknown as tf.Tensor[];
        return outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      });
    const f = await bothWays('batchNormTrain', forward);
    assert.equal(f.nativeCalls, 1, `${shape}: forward computed natively`);
    assert.equal(f.jsCalls, 0, `${shape}: the JS kernel computed the comparison`);
    assertSameBits(f.native, f.js, `batch norm forward [${shape}]`);
    const backward = () =>
      tf.tidy(() => {
        const { x, gamma, beta } = inputs();
        const [, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon: 1e-5 }) as unknown as tf.Tensor[];
        const dy = tf.tensor(seeded(n, 63 + i), shape);
        const outs = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, mean, variance, gamma }, { epsilon: 1e-5 }) as unknown as tf.Tensor[];
        return outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      });
    const b = await bothWays('batchNormTrainGrad', backward);
    assert.equal(b.nativeCalls, 1, `${shape}: gradient computed natively`);
    assert.equal(b.jsCalls, 0, `${shape}: the JS kernel computed the comparison`);
    assertSameBits(b.native, b.js, `batch norm gradient [${shape}]`);
  }
});

interface PoolCase {
  shape: [number, number, number, number];
  filter: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
  /** Small integers, so windows hold ties and the first maximum decides. */
  ties?: boolean;
}

const poolCases: PoolCase[] = [
  // PacGAN's maxout: 5 pieces of each unit, one channel.
  { shape: [6, 10, 5, 1], filter: [1, 5], strides: [1, 5], pad: 'valid' },
  { shape: [6, 10, 5, 1], filter: [1, 5], strides: [1, 5], pad: 'valid', ties: true },
  // Four windows side by side in a row: the contiguous path's offsets past the first window.
  { shape: [4, 3, 20, 1], filter: [1, 5], strides: [1, 5], pad: 'valid', ties: true },
  { shape: [2, 7, 9, 3], filter: [2, 2], strides: [2, 2], pad: 'same' },
  // Overlapping windows: an element that is the maximum of several gets their gradients summed.
  { shape: [2, 6, 5, 2], filter: [3, 3], strides: [1, 1], pad: 'same', ties: true },
  { shape: [1, 9, 8, 4], filter: [3, 2], strides: [2, 3], pad: 'same' },
  // Many channels.
  { shape: [2, 4, 4, 16], filter: [2, 2], strides: [2, 2], pad: 'valid' },
];

function poolInput(c: PoolCase, seed: number): tf.Tensor4D {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const raw = seeded(n, seed);
  // Signed values: the stock wasm kernel's bug was windows whose maximum is negative.
  const x = c.ties ? raw.map((v) => Math.round(v * 3)) : raw.map((v) => v - 0.25);
  return tf.tensor4d(x, c.shape);
}

test('native max pooling gradient gives the JS kernel’s bits, ties and overlaps included', { skip }, async () => {
  for (const [i, c] of poolCases.entries()) {
    const gradient = () =>
      tf.tidy(() => {
        const x = poolInput(c, 10 + i);
        const pooled = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.filter, c.strides, c.pad);
        const weights = tf.tensor(seeded(pooled(x).size, 20 + i), pooled(x).shape);
        const f = (t: tf.Tensor) => pooled(t).mul(weights).sum();
        return Float32Array.from(tf.grad(f)(x).dataSync() as Float32Array);
      });
    const grad = await bothWays('maxPoolGrad', gradient);
    assert.equal(grad.nativeCalls, 1, `${JSON.stringify(c)}: gradient computed natively`);
    assertSameBits([grad.native], [grad.js], `maxPoolGrad ${JSON.stringify(c)}`);
  }
});

/** Whether a case is maxout's geometry: one channel, 1 × k windows side by side covering each row. */
const isMaxout = (c: PoolCase) =>
  c.shape[3] === 1 && c.filter[0] === 1 && c.strides[0] === 1 && c.strides[1] === c.filter[1] && c.shape[2] % c.filter[1] === 0 && c.pad === 'valid';

test('maxout’s forward pass runs natively, with XNNPACK’s values; other poolings stay with XNNPACK', { skip }, async () => {
  for (const [i, c] of poolCases.entries()) {
    // (`+ 0`: which of two tied zeros ±0 XNNPACK keeps is its own affair; a value is all a forward pass gives.)
    const forward = () =>
      tf.tidy(() => {
        const x = poolInput(c, 30 + i).add(0) as tf.Tensor4D;
        return Float32Array.from(tf.maxPool(x, c.filter, c.strides, c.pad).dataSync() as Float32Array).map((v) => v + 0);
      });
    const r = await bothWays('maxout', forward);
    assert.equal(r.nativeCalls, isMaxout(c) ? 1 : 0, `${JSON.stringify(c)}: native only for maxout's geometry`);
    assertSameBits([r.native], [r.js], `maxPool ${JSON.stringify(c)}`);
  }
});

test('the native loops refuse a tensor outside the heap by name, sizes that wrap included; a pooling gradient leaves nothing allocated', { skip }, async () => {
  if ('error' in addon) throw new Error(`the native kernels must be built in CI: ${addon.error}`);
  await on('wasm', () => undefined);
  const heap = new Float32Array(64);
  const params = new Int32Array([16, 0, 16, 32, 48, 60, 0, 0]);
  assert.throws(() => addon.adam!(heap, params, new Float64Array([1e-4, 0.8, 0.999, 1e-8, 1, 1])), /adam: a tensor lies outside the wasm heap/);
  assert.throws(() => addon.adam!(heap, new Int32Array(3), new Float64Array(6)), /adam: params must be an Int32Array/);
  const pool = new Int32Array([1, 4, 4, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 16, 50]);
  assert.throws(() => addon.maxPoolGrad!(heap, pool), /maxPoolGrad: a tensor lies outside the wasm heap/);
  // Sizes whose product wraps 64 bits to 0: a bounds check on the wrapped product would pass it.
  const wraps = new Int32Array([65536, 65536, 65536, 65536, 65536, 65536, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.throws(() => addon.maxPoolGrad!(heap, wraps), /maxPoolGrad: a tensor lies outside the wasm heap/);
  assert.throws(() => addon.maxout!(heap, new Int32Array([13, 5, 0, 0])), /maxout: a tensor lies outside the wasm heap/);
  assert.throws(() => addon.maxout!(heap, new Int32Array([0, 5, 0, 0])), /maxout: count and pieces must be ≥ 1/);
  const eps = new Float64Array([1e-5]);
  // 4 rows × 4 channels: y (16 values) at offset 56 runs past the 64-value heap.
  assert.throws(() => addon.batchNormTrain!(heap, new Int32Array([4, 4, 0, 16, 20, 56, 24, 28]), eps), /batchNormTrain: a tensor lies outside the wasm heap/);
  assert.throws(() => addon.batchNormTrain!(heap, new Int32Array([0, 4, 0, 16, 20, 24, 40, 44]), eps), /batchNormTrain: rows and channels must be ≥ 1/);
  assert.throws(() => addon.batchNormTrainGrad!(heap, new Int32Array([65536, 65536, 0, 0, 0, 0, 0, 0, 0, 0]), eps), /batchNormTrainGrad: a tensor lies outside the wasm heap/);
  assert.throws(() => addon.batchNormTrain!(heap, new Int32Array([1, 4, 0, 4, 8, 12, 16, 20]), new Float64Array(2)), /batchNormTrain: hyper must be a Float64Array holding epsilon/);
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const x = tf.randomNormal([3, 10, 5, 1]);
  const g = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, [1, 5], [1, 5], 'valid').sum())(x);
  tf.dispose([x, g]);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.engine().backend.numDataIds(), dataIds);
});
