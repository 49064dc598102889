import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../lib';
import { setNativeKernels } from '../../lib/kernels';
import { maxAbs, maxAbsDiff, on, seeded, values } from '../helpers';
import { cases, convResults } from './convCases';

/**
 * The wasm Conv2DBackpropFilter (missing in TF.js) and Conv2DBackpropInput (replaced by phase convolutions)
 * against the cpu backend's reference kernels, over strides, paddings, kernel sizes and odd shapes. The native
 * oneDNN kernels, which replace these where built, are switched off here so the wasm ones are what runs (they are
 * the fallback everywhere the addon is not); `nativeConv.test.ts` checks the native ones on the same shapes.
 */
setNativeKernels(false);
test('wasm conv2d backprop kernels match cpu across strides 1-3, same/valid, kernels 1-5, odd sizes', async () => {
  let worst = 0;
  for (const [i, c] of cases.entries()) {
    // Undilated cases: both gradients are computed.
    const ref = await on('cpu', () => convResults(c, 100 + i)) as { gradFilter: Float32Array; gradInput: Float32Array };
    const got = await on('wasm', () => convResults(c, 100 + i)) as { gradFilter: Float32Array; gradInput: Float32Array };
    const scale = Math.max(1, maxAbs(ref.gradFilter), maxAbs(ref.gradInput));
    const errFilter = maxAbsDiff(got.gradFilter, ref.gradFilter);
    const errInput = maxAbsDiff(got.gradInput, ref.gradInput);
    worst = Math.max(worst, errFilter / scale, errInput / scale);
    assert.ok(errFilter <= 1e-4 * scale, `dW mismatch ${errFilter} for ${JSON.stringify(c)}`);
    assert.ok(errInput <= 1e-4 * scale, `dx mismatch ${errInput} for ${JSON.stringify(c)}`);
  }
  console.log(`# ${cases.length} conv shapes, worst relative max-abs error ${worst.toExponential(2)}`);
});

test('gradients of conv2d through tf.grads agree between wasm and cpu', async () => {
  const f = () => {
    const x = tf.tensor4d(seeded(2 * 9 * 9 * 3, 7), [2, 9, 9, 3]);
    const w = tf.tensor4d(seeded(4 * 4 * 3 * 6, 8), [4, 4, 3, 6]);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())([x, w]);
    tf.dispose([x, w]);
    return { gx: values(gx), gw: values(gw) };
  };
  const ref = await on('cpu', f);
  const got = await on('wasm', f);
  assert.ok(maxAbsDiff(got.gx, ref.gx) <= 1e-4 * Math.max(1, maxAbs(ref.gx)));
  assert.ok(maxAbsDiff(got.gw, ref.gw) <= 1e-4 * Math.max(1, maxAbs(ref.gw)));
});

test('composite wasm kernels leave no tensors or backend buffers behind', async () => {
  await on('wasm', () => undefined);
  const x = tf.tensor4d(seeded(2 * 8 * 8 * 4, 3), [2, 8, 8, 4]);
  const w = tf.tensor4d(seeded(3 * 3 * 4 * 5, 4), [3, 3, 4, 5]);
  const dataIds = () => tf.engine().backend.numDataIds();
  const step = () => {
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum())([x, w]);
      tf.conv2dTranspose(x, tf.ones([3, 3, 6, 4]) as tf.Tensor4D, [2, 16, 16, 6], 2, 'same');
      tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true);
    });
  };
  step();
  const before = { tensors: tf.memory().numTensors, ids: dataIds() };
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, before.tensors);
  assert.equal(dataIds(), before.ids);
  tf.dispose([x, w]);
});

test('the gradient this library registers for Conv2DBackpropFilter matches finite differences', async () => {
  await on('cpu', () => undefined);
  const xs = seeded(2 * 7 * 7 * 3, 70);
  const dys = seeded(2 * 4 * 4 * 5, 71);
  const r = tf.tensor4d(seeded(3 * 3 * 3 * 5, 72), [3, 3, 3, 5]);
  // f(x, dy) = Σ R ⊙ dW(x, dy) is bilinear, so central differences are exact up to rounding.
  const f = (x: tf.Tensor, dy: tf.Tensor) =>
    tf.sum(
      tf.mul(
        r,
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
          filterShape: [3, 3, 3, 5],
        } as never) as tf.Tensor,
      ),
    ) as tf.Scalar;
  const x = tf.tensor4d(xs, [2, 7, 7, 3]);
  const dy = tf.tensor4d(dys, [2, 4, 4, 5]);
  const [gx, gdy] = tf.grads(f)([x, dy]).map(values);
  const eps = 1e-2;
  const fd = (which: 'x' | 'dy', i: number) => {
    const at = (delta: number) => {
      const a = Float32Array.from(xs);
      const b = Float32Array.from(dys);
      (which === 'x' ? a : b)[i] += delta;
      return tf.tidy(() => f(tf.tensor4d(a, [2, 7, 7, 3]), tf.tensor4d(b, [2, 4, 4, 5])).dataSync()[0]);
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  };
  for (const i of [0, 17, 60, 123, 250]) assert.ok(Math.abs(fd('x', i) - gx[i]) < 2e-3, `∂f/∂x[${i}]`);
  for (const i of [0, 33, 99, 159]) assert.ok(Math.abs(fd('dy', i) - gdy[i]) < 2e-3, `∂f/∂dy[${i}]`);
  tf.dispose([x, dy, r]);
});
