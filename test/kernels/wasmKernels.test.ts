import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../lib';
import { maxAbs, maxAbsDiff, on, seeded, values } from '../helpers';

/** The wasm kernels this library adds or replaces, each against the cpu backend. */
async function agree(name: string, f: () => Float32Array[], tol = 1e-5): Promise<void> {
  const ref = await on('cpu', f);
  const got = await on('wasm', f);
  assert.equal(got.length, ref.length);
  for (let i = 0; i < ref.length; i++) {
    const err = maxAbsDiff(got[i], ref[i]);
    assert.ok(err <= tol * Math.max(1, maxAbs(ref[i])), `${name}[${i}]: max abs error ${err}`);
  }
}

test('gather gradient (UnsortedSegmentSum) on wasm matches cpu, repeated and unused ids included', () =>
  agree('gather grad', () => {
    const table = tf.tensor2d(seeded(10 * 6, 1), [10, 6]);
    const ids = tf.tensor1d([3, 3, 0, 9, 3, 7], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.gather(t, ids).mul(tf.tensor2d(seeded(36, 2), [6, 6])).sum())(table);
    const direct = tf.unsortedSegmentSum(tf.tensor2d(seeded(12, 3), [4, 3]), tf.tensor1d([1, -1, 1, 5], 'int32'), 4);
    const out = [values(g), values(direct)];
    tf.dispose([table, ids]);
    return out;
  }));

test('matMul with transposes and batches on wasm matches cpu', () =>
  agree('matMul', () => {
    const out: Float32Array[] = [];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = tf.tensor2d(seeded(7 * 5, 4), ta ? [5, 7] : [7, 5]);
      const b = tf.tensor2d(seeded(5 * 3, 5), tb ? [3, 5] : [5, 3]);
      out.push(values(tf.matMul(a, b, ta, tb)));
      const a3 = tf.tensor3d(seeded(4 * 7 * 5, 6), ta ? [4, 5, 7] : [4, 7, 5]);
      const b3 = tf.tensor3d(seeded(4 * 5 * 3, 7), tb ? [4, 3, 5] : [4, 5, 3]);
      out.push(values(tf.matMul(a3, b3, ta, tb)));
      const b1 = tf.tensor3d(seeded(5 * 3, 8), tb ? [1, 3, 5] : [1, 5, 3]);
      out.push(values(tf.matMul(a3, b1, ta, tb)));
      tf.dispose([a, b, a3, b3, b1]);
    }
    // Empty products: a sum over k = 0 terms is 0 (the stock wasm kernel left that output unwritten), and an
    // empty output is just its shape.
    for (const [sa, sb] of [[[2, 0], [0, 3]], [[2, 2, 0], [2, 0, 3]], [[0, 3], [3, 4]]]) {
      const [x, y]: tf.Tensor[] = [tf.ones(sa), tf.ones(sb)];
      const p = tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D);
      tf.dispose([x, y]);
      out.push(values(p), Float32Array.from(p.shape));
    }
    return out;
  }));

test('dense-layer gradients (transposed products) on wasm match cpu', () =>
  agree('dense grads', () => {
    const x = tf.tensor2d(seeded(16 * 12, 9), [16, 12]);
    const w = tf.tensor2d(seeded(12 * 8, 10), [12, 8]);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).tanh().sum())([x, w]);
    tf.dispose([x, w]);
    return [values(gx), values(gw)];
  }));

test('tile on wasm matches cpu for ranks 1-5, float and int', () =>
  agree('tile', () => {
    const out: Float32Array[] = [];
    const shapes: [number[], number[]][] = [
      [[5], [3]],
      [[2, 3], [1, 4]],
      [[2, 1, 3], [3, 5, 1]],
      [[1, 2, 2, 3], [2, 1, 3, 2]],
      [[2, 1, 2, 1, 2], [1, 2, 1, 3, 2]],
    ];
    for (const [i, [shape, reps]] of shapes.entries()) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(seeded(n, 20 + i), shape);
      out.push(values(tf.tile(x, reps)));
      const xi = tf.tensor(Int32Array.from(seeded(n, 30 + i), (v) => Math.round(v * 100)), shape, 'int32');
      out.push(Float32Array.from(values(tf.tile(xi, reps))));
      x.dispose();
      xi.dispose();
    }
    return out;
  }, 0));

test('sum and mean over leading axes (bias gradients, batch-norm statistics) on wasm match cpu', () =>
  agree('reduce', () => {
    const x = tf.tensor4d(seeded(4 * 5 * 3 * 6, 40), [4, 5, 3, 6]);
    const out = [
      values(tf.sum(x, [0, 1, 2])),
      values(tf.mean(x, [0, 1, 2])),
      values(tf.sum(x, [0, 1], true)),
      values(tf.mean(x, 0)),
      values(tf.sum(x)),
      values(tf.mean(x)),
      values(tf.sum(x, [1, 2])),
      values(tf.moments(x, [0, 1, 2]).variance),
    ];
    x.dispose();
    return out;
  }));

test('leakyRelu (as PReLU) and batch norm (as a depthwise 1x1 conv) on wasm match cpu, with gradients', () =>
  agree('elementwise', () => {
    const x = tf.tensor4d(seeded(3 * 4 * 5 * 6, 50), [3, 4, 5, 6]);
    const mean = tf.tensor1d(seeded(6, 51));
    const variance = tf.tensor1d(seeded(6, 52).map((v) => v * v + 0.1));
    const offset = tf.tensor1d(seeded(6, 53));
    const scale = tf.tensor1d(seeded(6, 54));
    const out = [
      values(tf.leakyRelu(x, 0.2)),
      values(tf.leakyRelu(tf.tensor1d([-2, -0.5, 0, 0.5, 2]), 0.1)),
      values(tf.batchNorm(x, mean, variance, offset, scale, 1e-3)),
      values(tf.batchNorm(x, mean, variance, undefined, undefined, 1e-3)),
      values(tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.2).square().sum())(x)),
      values(
        tf.grad((t: tf.Tensor) => {
          const m = tf.moments(t, [0, 1, 2]);
          return tf.batchNorm(t, m.mean, m.variance, offset, scale, 1e-5).mul(t).sum();
        })(x),
      ),
    ];
    tf.dispose([x, mean, variance, offset, scale]);
    return out;
  }, 2e-5));

test('clone and same-dtype cast share the buffer on wasm yet outlive the original, and free it with the last user', async () => {
  await on('wasm', () => undefined);
  const ids = () => tf.engine().backend.numDataIds();
  const before = ids();
  const x = tf.tensor1d([1, 2, 3]);
  const c = tf.clone(x);
  const f = tf.cast(x, 'float32');
  const i = tf.cast(x, 'int32');
  assert.equal(ids(), before + 2, 'clone and float cast share x; the int cast has its own buffer');
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(f.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(i.dataSync()), [1, 2, 3]);
  tf.dispose([c, f, i]);
  assert.equal(ids(), before);
});

test('average-pooling and nearest-upsampling gradients on wasm match cpu (2×2, 3×2, odd sizes, stock fallbacks)', () =>
  agree('block gradients', () => {
    const out: Float32Array[] = [];
    for (const [h, w, f] of [[8, 8, [2, 2]], [9, 7, [2, 2]], [12, 10, [3, 2]]] as [number, number, [number, number]][]) {
      const x = tf.tensor4d(seeded(2 * h * w * 3, h + w), [2, h, w, 3]);
      const r = tf.tensor4d(seeded(2 * Math.floor(h / f[0]) * Math.floor(w / f[1]) * 3, 5), [2, Math.floor(h / f[0]), Math.floor(w / f[1]), 3]);
      out.push(values(tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, f, f, 'valid').mul(r).sum())(x)));
      const up = [h * f[0], w * f[1]] as [number, number];
      const ru = tf.tensor4d(seeded(2 * up[0] * up[1] * 3, 6), [2, ...up, 3]);
      out.push(values(tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, up).mul(ru).sum())(x)));
      // Overlapping windows go to the stock pooling gradient; a non-integer factor, corner alignment and half-pixel
      // centres to the adjoint (checked independently below).
      out.push(values(tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, 3, 2, 'same').sum())(x)));
      // 'ceil' rounding: the last window hangs over the edge, so dy does not tile the input (stock kernel). Square
      // windows only: TF.js 4.22's stock wasm AvgPool with 'ceil' and a non-square window writes out of bounds.
      if (f[0] === f[1]) out.push(values(tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, f, f, 0, 'ceil').square().sum())(x)));
      out.push(values(tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [h + 3, w + 1]).square().sum())(x)));
      out.push(values(tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [h + 3, w + 1], true).square().sum())(x)));
      out.push(values(tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [h * 2 - 1, w + 2], false, true).square().sum())(x)));
      tf.dispose([x, r, ru]);
    }
    return out;
  }));

for (const backend of ['cpu', 'wasm'] as const) {
  test(`nearest-upsampling gradient on ${backend} sums each block, per image of a batch`, async () => {
    // Against the definition: TF.js 4.22's own cpu kernel mixed up the images of a batch (the library replaces it).
    await on(backend, () => undefined);
    const [n, h, w, c, f] = [3, 5, 4, 2, 2];
    const r = seeded(n * h * f * w * f * c, 9);
    const expected = new Float32Array(n * h * w * c);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h * f; i++) {
        for (let j = 0; j < w * f; j++) {
          for (let k = 0; k < c; k++) {
            expected[((b * h + Math.floor(i / f)) * w + Math.floor(j / f)) * c + k] += r[((b * h * f + i) * w * f + j) * c + k];
          }
        }
      }
    }
    const x = tf.zeros([n, h, w, c]);
    const rt = tf.tensor4d(r, [n, h * f, w * f, c]);
    const got = values(tf.grad((t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [h * f, w * f]).mul(rt).sum())(x));
    tf.dispose([x, rt]);
    assert.ok(maxAbsDiff(got, expected) < 1e-5);
  });
}

test('nearest resizing and its gradient are adjoint, ⟨resize(x), dy⟩ = ⟨x, grad(dy)⟩, for every attribute, cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await on(backend, () => undefined);
    for (const [size, alignCorners, halfPixel] of [
      [[12, 10], false, false],
      [[7, 9], false, false],
      [[7, 9], true, false],
      [[11, 5], false, true],
      [[3, 4], true, false],
    ] as [[number, number], boolean, boolean][]) {
      const x = tf.tensor4d(seeded(2 * 5 * 6 * 3, 31), [2, 5, 6, 3]);
      const dy = tf.tensor4d(seeded(2 * size[0] * size[1] * 3, 32), [2, ...size, 3]);
      const lhs = tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixel), dy)).dataSync()[0];
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, alignCorners, halfPixel), dy)))(x);
      const rhs = tf.sum(tf.mul(x, g)).dataSync()[0];
      assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.max(1, Math.abs(lhs)), `${backend} ${size} corners ${alignCorners} half-pixel ${halfPixel}: ${lhs} vs ${rhs}`);
      tf.dispose([x, dy, g]);
    }
  }
});

test('slice on wasm matches cpu, and a slice past the end is an error as on cpu (the stock kernel returned heap bytes)', async () => {
  await agree('slice', () => {
    const x = tf.tensor3d(seeded(4 * 5 * 3, 8), [4, 5, 3]);
    return [values(tf.slice(x, [1, 0, 1], [2, -1, 2])), values(tf.slice(tf.slice(x, [1, 1, 0], [3, 3, 3]), [1, 1, 1], [2, 2, 2]))];
  });
  await on('wasm', () => {
    const x = tf.tensor2d(seeded(12, 9), [3, 4]);
    assert.throws(() => tf.slice(x, [2, 0], [3, 4]), /begin\[0\] \+ size\[0\] \(5\) would overflow input\.shape\[0\] \(3\)/);
    assert.throws(() => tf.slice(x, [0, -2], [2, 2]), /begin\[1\] = -2 and size\[1\] = 2 must be ≥ 0/);
    x.dispose();
  });
});
