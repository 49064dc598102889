import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackend, initBackend, tf } from '../../lib';
import { setNativeKernels } from '../../lib/kernels';
import { loadNativeAddon } from '../../lib/kernels/native/load';
import { useNativeProducts } from '../../lib/kernels/native/matmul';
import { maxAbs, maxAbsDiff, on, seeded } from '../helpers';
import { cases, convResults, type ConvCase } from './convCases';

/**
 * The native oneDNN convolutions (forward, input gradient, filter gradient) against the cpu backend's reference
 * kernels on every shape the wasm kernels are tested on, plus dilations and explicit paddings. CI builds the addon
 * (`.ci/run`), so there a missing addon fails; elsewhere these tests say what to install.
 */
const addon = loadNativeAddon();
const skip = 'error' in addon && process.env.CI !== 'true' ? `native addon unavailable: ${addon.error}` : false;

function nativeAddon() {
  if ('error' in addon) throw new Error(`the native kernels must be built in CI: ${addon.error}`);
  return addon;
}

/**
 * Runs `body` with the addon's calls counted (`calls()`: convolutions so far, `products()`: batched matrix
 * products), so a test can tell which path computed; restores the addon and the native switch after.
 */
async function countingAddonCalls(body: (calls: () => number, products: () => number) => void | Promise<void>): Promise<void> {
  const native = nativeAddon();
  let calls = 0;
  let products = 0;
  const original = native.conv;
  native.conv = (...args) => {
    calls++;
    return original.apply(native, args);
  };
  // BatchMatMul holds the addon's matmul bound at registration: count it through a wrapper installed the same way.
  const originalMatmul = native.matmul!;
  native.matmul = (...args) => {
    products++;
    return originalMatmul.apply(native, args);
  };
  useNativeProducts(native);
  try {
    await body(() => calls, () => products);
  } finally {
    native.conv = original;
    native.matmul = originalMatmul;
    useNativeProducts(native);
    setNativeKernels(true);
  }
}

const extra: ConvCase[] = [
  { n: 2, h: 11, w: 10, ci: 3, co: 4, k: 3, stride: 1, pad: 'same', dilation: 2 },
  { n: 1, h: 12, w: 9, ci: 5, co: 2, k: 2, stride: 1, pad: 'valid', dilation: 3 },
  { n: 2, h: 9, w: 9, ci: 4, co: 6, k: 4, stride: 2, pad: 'valid', explicitPad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { n: 2, h: 10, w: 7, ci: 3, co: 3, k: 3, stride: 2, pad: 'valid', explicitPad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  // The BigGAN-32 shapes: 64 channels, a single-channel image in and out.
  { n: 4, h: 32, w: 32, ci: 64, co: 1, k: 3, stride: 1, pad: 'same' },
  { n: 4, h: 16, w: 16, ci: 1, co: 64, k: 1, stride: 1, pad: 'same' },
];

test('native conv kernels match cpu: forward, input and filter gradients, strides, paddings, dilations, odd sizes', { skip }, async () => {
  nativeAddon();
  setNativeKernels(true);
  let worst = 0;
  for (const [i, c] of [...cases, ...extra].entries()) {
    const ref = await on('cpu', () => convResults(c, 300 + i));
    const got = await on('wasm', () => convResults(c, 300 + i));
    for (const key of ['forward', 'gradFilter', 'gradInput'] as const) {
      const r = ref[key];
      const g = got[key];
      if (r == null || g == null) continue;
      const scale = Math.max(1, maxAbs(r));
      const err = maxAbsDiff(g, r);
      worst = Math.max(worst, err / scale);
      assert.ok(err <= 1e-4 * scale, `${key} mismatch ${err} for ${JSON.stringify(c)}`);
    }
  }
  console.log(`# ${cases.length + extra.length} conv shapes, worst relative max-abs error ${worst.toExponential(2)}`);
});

test('the wasm backend reports the native kernels, and turning them off runs the wasm ones', { skip }, async () => {
  const info = await initBackend({ backend: 'wasm' });
  const report = describeBackend(info);
  assert.match(report, /kernels native: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, GanAdamUpdate, MaxPool, MaxPoolGrad, GanBatchNormTrain, GanBatchNormTrainGrad, BatchMatMul, oneDNN \d+\.\d+/);
  // The switch really changes the path: count the addon's calls with it on and off.
  await countingAddonCalls((calls) => {
    const conv = () => tf.tidy(() => tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same').dataSync());
    setNativeKernels(false);
    const viaWasm = conv();
    assert.equal(calls(), 0);
    setNativeKernels(true);
    const viaNative = conv();
    assert.equal(calls(), 1);
    assert.ok(maxAbsDiff(viaWasm, viaNative) < 1e-5);
  });
});

test('native kernels free what they make and refuse offsets outside the heap', { skip }, async () => {
  const native = nativeAddon();
  await on('wasm', () => undefined);
  const x = tf.tensor4d(seeded(2 * 8 * 8 * 4, 3), [2, 8, 8, 4]);
  const w = tf.tensor4d(seeded(3 * 3 * 4 * 5, 4), [3, 3, 4, 5]);
  const step = () =>
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum())([x, w]);
      tf.conv2dTranspose(x, tf.ones([3, 3, 6, 4]) as tf.Tensor4D, [2, 16, 16, 6], 2, 'same');
    });
  step();
  const before = { tensors: tf.memory().numTensors, ids: tf.engine().backend.numDataIds() };
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, before.tensors);
  assert.equal(tf.engine().backend.numDataIds(), before.ids);
  tf.dispose([x, w]);
  const heap = new Float32Array(16);
  const params = Int32Array.from([1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 4, 15]);
  assert.throws(() => native.conv(0, heap, params), /outside the wasm heap/);
  assert.throws(() => native.conv(0, heap, new Int32Array(3)), /15 geometry fields/);
  const empty = Int32Array.from([1, 2, 2, 1, 2, 2, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 4, 8]);
  assert.throws(() => native.conv(0, heap, empty), /geometry field 6 is 0/);
});

test('dense products run as one native product each where the addon runs (1×1 convolutions with an older addon), and equal cpu in every transpose', { skip }, async () => {
  // [m, k]·[k, n] in all four transpose combinations, and a batched one (self-attention's shape).
  const shapes = [
    { a: [7, 5], b: [5, 3], transposeA: false, transposeB: false },
    { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
    { a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
    { a: [5, 7], b: [3, 5], transposeA: true, transposeB: true },
    { a: [3, 6, 4], b: [3, 4, 5], transposeA: false, transposeB: false },
  ];
  const products = () =>
    shapes.map((s, i) =>
      tf.tidy(() => {
        const size = (d: number[]) => d.reduce((p, q) => p * q, 1);
        const a = tf.tensor(seeded(size(s.a), 10 + i), s.a);
        const b = tf.tensor(seeded(size(s.b), 20 + i), s.b);
        return Float32Array.from(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, s.transposeA, s.transposeB).dataSync());
      }),
    );
  const want = await on('cpu', products);
  await initBackend({ backend: 'wasm' });
  await countingAddonCalls((calls, batched) => {
    const got = products();
    assert.equal(batched(), shapes.length, 'every product, transposed or batched, as one native product');
    assert.equal(calls(), 0);
    got.forEach((g, i) => assert.ok(maxAbsDiff(g, want[i]) < 1e-5 * Math.max(1, maxAbs(want[i])), `${JSON.stringify(shapes[i])}: |Δ| ${maxAbsDiff(g, want[i])}`));
    // An addon built before its matmul: each single product is one 1×1 convolution.
    const native = nativeAddon();
    useNativeProducts({ ...native, matmul: undefined });
    const before = batched();
    const older = products();
    assert.equal(batched(), before);
    assert.equal(calls(), shapes.length - 1 + 3, 'each single product as one convolution, the batch of 3 as three');
    older.forEach((g, i) => assert.ok(maxAbsDiff(g, want[i]) < 1e-5 * Math.max(1, maxAbs(want[i])), `older addon, ${JSON.stringify(shapes[i])}`));
    useNativeProducts(native);
    setNativeKernels(false);
    const counted = calls() + batched();
    const stock = products();
    assert.equal(calls() + batched() - counted, 0, 'switched off, the products run on XNNPACK');
    stock.forEach((g, i) => assert.ok(maxAbsDiff(g, want[i]) < 1e-5 * Math.max(1, maxAbs(want[i]))));
  });
});

test("batched products (attention's) run as one native call each, equal cpu in every transpose and broadcast, and free what they make", { skip }, async () => {
  const size = (d: number[]) => d.reduce((p, q) => p * q, 1);
  // θφᵀ and βg of a 16×16 block (pooled keys), a 4-D batch, B shared by every A, and A shared by every B.
  const shapes = [
    { a: [4, 256, 8], b: [4, 64, 8], transposeA: false, transposeB: true },
    { a: [4, 256, 64], b: [4, 64, 32], transposeA: false, transposeB: false },
    { a: [4, 256, 64], b: [4, 256, 32], transposeA: true, transposeB: false },
    { a: [4, 64, 256], b: [4, 32, 64], transposeA: true, transposeB: true },
    { a: [2, 3, 6, 5], b: [2, 3, 5, 4], transposeA: false, transposeB: false },
    { a: [5, 6, 7], b: [7, 3], transposeA: false, transposeB: false },
    { a: [6, 7], b: [5, 7, 3], transposeA: false, transposeB: false },
  ];
  const inputs = (s: (typeof shapes)[number], i: number) =>
    [tf.tensor(seeded(size(s.a), 30 + i), s.a), tf.tensor(seeded(size(s.b), 40 + i), s.b)];
  const products = () => shapes.map((s, i) => tf.tidy(() => {
    const [a, b] = inputs(s, i);
    return Float32Array.from(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, s.transposeA, s.transposeB).dataSync());
  }));
  // The gradients of attention's first product go through BatchMatMul with the other transposes.
  const gradients = () => tf.tidy(() => {
    const [a, b] = inputs(shapes[0], 0);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, true)));
    return tf.grads(f)([a, b]).map((g) => Float32Array.from(g.dataSync()));
  });
  const want = await on('cpu', () => ({ p: products(), g: gradients() }));
  await initBackend({ backend: 'wasm' });
  await countingAddonCalls((_, batched) => {
    const got = products();
    // All but the last (A shared by every B, which the native product does not take) in one call each.
    assert.equal(batched(), shapes.length - 1);
    got.forEach((g, i) => assert.ok(maxAbsDiff(g, want.p[i]) < 1e-5 * Math.max(1, maxAbs(want.p[i])), `${JSON.stringify(shapes[i])}: |Δ| ${maxAbsDiff(g, want.p[i])}`));
    gradients().forEach((g, i) => assert.ok(maxAbsDiff(g, want.g[i]) < 1e-5 * Math.max(1, maxAbs(want.g[i])), `gradient ${i}: |Δ| ${maxAbsDiff(g, want.g[i])}`));
    products();
    const before = { tensors: tf.memory().numTensors, ids: tf.engine().backend.numDataIds() };
    products();
    gradients();
    assert.equal(tf.memory().numTensors, before.tensors);
    assert.equal(tf.engine().backend.numDataIds(), before.ids);
  });
  const native = nativeAddon();
  const heap = new Float32Array(16);
  assert.throws(() => native.matmul!(heap, Int32Array.from([2, 2, 2, 2, 2, 0, 0, 0, 0, 9])), /outside the wasm heap/);
  assert.throws(() => native.matmul!(heap, Int32Array.from([2, 3, 1, 1, 1, 0, 0, 0, 0, 0])), /B's batch must equal A's or be 1/);
  assert.throws(() => native.matmul!(heap, new Int32Array(3)), /7 fields and 3 offsets/);
});

