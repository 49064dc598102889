import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackend, initBackend, tf } from '../../lib';
import { maxAbs, maxAbsDiff, seeded } from '../helpers';
import { cases } from './convCases';

// TF.js's own kernel, taken before initBackend replaces it (each test file runs in a process of its own).
const stockFilterGradient = tf.getKernel('Conv2DBackpropFilter', 'cpu')!.kernelFunc;

/** The cpu backend's replaced filter gradient against TF.js's own kernel, which it replaces. */
test("the cpu backend's filter gradient equals TF.js's own on every tested shape, and the report names it", async () => {
  const info = await initBackend({ backend: 'cpu' });
  assert.match(describeBackend(info), /faster: Conv2DBackpropFilter/);
  assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'cpu')!.kernelFunc, stockFilterGradient);
  const shapes = [...cases, { n: 8, h: 32, w: 32, ci: 16, co: 16, k: 3, stride: 1, pad: 'same' as const }];
  for (const [i, c] of shapes.entries()) {
    const [sh, sw] = typeof c.stride === 'number' ? [c.stride, c.stride] : c.stride;
    const filterShape: [number, number, number, number] = [c.k, c.kw ?? c.k, c.ci, c.co];
    const x = tf.tensor4d(seeded(c.n * c.h * c.w * c.ci, 100 + i), [c.n, c.h, c.w, c.ci]);
    const out = tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, [sh, sw], c.pad);
    const dy = tf.tensor4d(seeded(out.size, 200 + i), out.shape);
    const attrs = { strides: [sh, sw], pad: c.pad, dataFormat: 'NHWC', filterShape };
    const ours = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
    const backend = tf.backend();
    const stockInfo = stockFilterGradient({ inputs: { x, dy }, backend, attrs } as never) as tf.TensorInfo;
    const stock = tf.engine().makeTensorFromTensorInfo(stockInfo);
    const [a, b] = [ours.dataSync() as Float32Array, stock.dataSync() as Float32Array];
    assert.deepEqual(ours.shape, filterShape);
    assert.ok(maxAbsDiff(a, b) <= 1e-6 * Math.max(1, maxAbs(b)), `${JSON.stringify(c)}: |Δ| ${maxAbsDiff(a, b)}`);
    tf.dispose([x, out, dy, ours, stock]);
  }
});
