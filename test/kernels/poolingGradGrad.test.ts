import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../lib';
import { maxAbs, maxAbsDiff, on, seeded, values } from '../helpers';

/**
 * The second derivatives through pooling that a gradient penalty on BigGAN's critic takes (average pooling in its
 * blocks, max pooling in self-attention). For f(dy) = Σ PoolGrad(dy) ⊙ v, computed as WGAN-GP does (the gradient
 * of an input gradient), ∂f/∂dy_j = Σ PoolGrad(e_j) ⊙ v: the adjoint of the backend's own first-order kernel,
 * probed here one basis vector e_j at a time. For max pooling it is also v read at each window's maximum.
 */
type Shape4 = [number, number, number, number];
const CASES: { x: Shape4; filter: number; stride: number; pad: 'valid' | 'same' }[] = [
  { x: [2, 8, 8, 3], filter: 2, stride: 2, pad: 'valid' },
  { x: [1, 7, 5, 2], filter: 3, stride: 3, pad: 'same' },
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** v at the maximum of x in each window (NHWC, the same padding rule as TF). */
function readAtMaxima(x: Float32Array, v: Float32Array, shape: Shape4, out: number[], filter: number, stride: number, pad: 'valid' | 'same'): Float32Array {
  const [n, h, w, c] = shape;
  const [oh, ow] = [out[1], out[2]];
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * stride + filter - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * stride + filter - w, 0) / 2) : 0;
  const r = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < c; k++) {
          let best = -Infinity;
          let at = -1;
          for (let di = 0; di < filter; di++)
            for (let dj = 0; dj < filter; dj++) {
              const [y, xx] = [i * stride - top + di, j * stride - left + dj];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              const idx = ((b * h + y) * w + xx) * c + k;
              if (x[idx] > best) [best, at] = [x[idx], idx];
            }
          r[((b * oh + i) * ow + j) * c + k] = v[at];
        }
  return r;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`second-order gradients through average and max pooling on ${backend}`, async () => {
    await on(backend, () => undefined);
    for (const c of CASES) {
      for (const kind of ['avg', 'max'] as const) {
        const pool = (t: tf.Tensor) => (kind === 'avg' ? tf.avgPool : tf.maxPool)(t as tf.Tensor4D, c.filter, c.stride, c.pad);
        const xv = seeded(size(c.x), 1);
        const vv = seeded(size(c.x), 3);
        const x = tf.tensor(xv, c.x);
        const v = tf.tensor(vv, c.x);
        const outShape = pool(x).shape as number[];
        const dy0 = tf.tensor(seeded(size(outShape), 2), outShape);
        const inputGrad = (dy: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t), dy)))(x);
        const got = values(tf.grad((dy: tf.Tensor) => tf.sum(tf.mul(inputGrad(dy), v)))(dy0));
        const probed = Float32Array.from({ length: size(outShape) }, (_, j) =>
          tf.tidy(() => tf.sum(tf.mul(inputGrad(tf.oneHot(j, size(outShape)).reshape(outShape).toFloat()), v)).dataSync()[0]),
        );
        assert.ok(maxAbs(probed) > 0.05, 'a non-trivial expected value');
        assert.ok(maxAbsDiff(got, probed) < 1e-6, `${kind} ${JSON.stringify(c)}: |Δ| ${maxAbsDiff(got, probed)} from the probed adjoint`);
        if (kind === 'max') {
          const atMaxima = readAtMaxima(xv, vv, c.x, outShape, c.filter, c.stride, c.pad);
          assert.ok(maxAbsDiff(got, atMaxima) < 1e-6, `max ${JSON.stringify(c)}: v at the window maxima`);
        }
        tf.dispose([x, v, dy0]);
      }
    }
  });
}

test('a second-order gradient through overlapping max pooling is refused by name', async () => {
  await on('cpu', () => undefined);
  const x = tf.tensor(seeded(2 * 6 * 6, 1), [2, 6, 6, 1]);
  const inputGrad = (dy: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 3, 2, 'valid'), dy)))(x);
  assert.throws(() => tf.grad((dy: tf.Tensor) => tf.sum(inputGrad(dy)))(tf.ones([2, 2, 2, 1])), /overlapping windows \(window 3×3, stride 2×2\)/);
  x.dispose();
});

test("max pooling's gradient on wasm equals cpu's, also where a window's maximum is negative", async () => {
  // The stock wasm kernel sends such a window's gradient to the wrong element (lib/kernels/wasm/maxPoolGrad.ts).
  const cases: { x: Shape4; filter: number; stride: number; pad: 'valid' | 'same'; shift: number }[] = [
    { x: [1, 4, 4, 1], filter: 2, stride: 2, pad: 'valid', shift: -2 },
    { x: [2, 16, 16, 4], filter: 2, stride: 2, pad: 'valid', shift: 0 },
    { x: [2, 7, 5, 3], filter: 3, stride: 2, pad: 'same', shift: -0.5 },
    { x: [1, 6, 6, 2], filter: 3, stride: 1, pad: 'valid', shift: 0 },
  ];
  const grad = (c: (typeof cases)[number]) => {
    const x = tf.tensor(seeded(size(c.x), 5).map((v) => v + c.shift), c.x);
    const dy = tf.tensor(seeded(size(tf.maxPool(x as tf.Tensor4D, c.filter, c.stride, c.pad).shape), 6), tf.maxPool(x as tf.Tensor4D, c.filter, c.stride, c.pad).shape);
    const g = values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.filter, c.stride, c.pad), dy)))(x));
    tf.dispose([x, dy]);
    return g;
  };
  const want = await on('cpu', () => cases.map(grad));
  const got = await on('wasm', () => cases.map(grad));
  cases.forEach((c, i) => assert.ok(maxAbsDiff(got[i], want[i]) < 1e-6, `${JSON.stringify(c)}: |Δ| ${maxAbsDiff(got[i], want[i])}`));
});
