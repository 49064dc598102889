import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackend, initBackend, tf } from '../../lib';
import { setNativeKernels } from '../../lib/kernels';
import { loadNativeAddon } from '../../lib/kernels/native/load';
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
 * Runs `body` with the addon's calls counted (`calls()` so far), so a test can tell which path computed; restores
 * the addon and the native switch after.
 */
async function countingAddonCalls(body: (calls: () => number) => void | Promise<void>): Promise<void> {
  const native = nativeAddon();
  let calls = 0;
  const original = native.conv;
  native.conv = (...args) => {
    calls++;
    return original.apply(native, args);
  };
  try {
    await body(() => calls);
  } finally {
    native.conv = original;
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
  assert.match(report, /kernels native: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, oneDNN \d+\.\d+/);
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

test('dense products run as native 1×1 convolutions where the addon runs, and equal cpu in every transpose', { skip }, async () => {
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
  await countingAddonCalls((calls) => {
    const got = products();
    assert.ok(calls() >= shapes.length + 2, `every product went through the addon (${calls()} calls)`);
    got.forEach((g, i) => assert.ok(maxAbsDiff(g, want[i]) < 1e-5 * Math.max(1, maxAbs(want[i])), `${JSON.stringify(shapes[i])}: |Δ| ${maxAbsDiff(g, want[i])}`));
    setNativeKernels(false);
    const before = calls();
    const stock = products();
    assert.equal(calls() - before, 0, 'switched off, the products run on XNNPACK');
    stock.forEach((g, i) => assert.ok(maxAbsDiff(g, want[i]) < 1e-5 * Math.max(1, maxAbs(want[i]))));
  });
});
