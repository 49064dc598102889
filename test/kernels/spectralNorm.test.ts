import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpectralNorm, tf } from '../../lib';
import { setFusedSpectralNorm } from '../../lib/kernels';
import { maxAbs, maxAbsDiff, on, seeded } from '../helpers';

/**
 * The fused spectral-norm kernel on wasm (power step and W/σ in one pass, its gradient in another) against the
 * composed ops it replaces, on wasm and on cpu: W/σ, the stored u and σ, and the gradient of a loss w.r.t. W.
 */
interface Case {
  shape: number[];
  out: number;
  iterations?: number;
  transpose?: boolean;
}

const CASES: Case[] = [
  { shape: [3, 3, 4, 5], out: 5 },
  { shape: [7, 3], out: 3, iterations: 2 },
  { shape: [64, 16], out: 16 },
  // An embedding table [classes, dim] is normalised transposed, classes as the outputs.
  { shape: [4, 6], out: 6, transpose: true },
];

function run(c: Case, seed: number, training: boolean) {
  const sn = new SpectralNorm(c.out, { seed, iterations: c.iterations });
  if (!training) sn.eval();
  const w = tf.tensor(seeded(c.shape.reduce((a, b) => a * b, 1), seed + 1), c.shape);
  const r = tf.tensor(seeded(w.size, seed + 2), c.shape);
  const f = (x: tf.Tensor) => {
    const y = c.transpose ? tf.transpose(sn.normalize(tf.transpose(x))) : sn.normalize(x);
    return tf.sum(tf.mul(tf.square(y), r)) as tf.Scalar;
  };
  const g = tf.grad(f)(w);
  const out = {
    y: Float32Array.from((c.transpose ? tf.transpose(sn.normalize(tf.transpose(w))) : sn.normalize(w)).dataSync()),
    u: Float32Array.from(sn.u.dataSync()),
    sigma: sn.sv.dataSync()[0],
    grad: Float32Array.from(g.dataSync()),
  };
  tf.dispose([w, r, g]);
  sn.dispose();
  return out;
}

for (const training of [true, false]) {
  test(`fused spectral norm on wasm matches the composed ops on wasm and cpu (${training ? 'training' : 'evaluation'})`, async () => {
    for (const [i, c] of CASES.entries()) {
      const ref = await on('cpu', () => run(c, 10 + i, training));
      await on('wasm', () => undefined);
      setFusedSpectralNorm(false);
      const composed = run(c, 10 + i, training);
      setFusedSpectralNorm(true);
      const fused = run(c, 10 + i, training);
      for (const [name, other] of [['cpu', ref], ['composed wasm', composed]] as const) {
        const scale = (a: Float32Array) => Math.max(1, maxAbs(a));
        assert.ok(maxAbsDiff(fused.y, other.y) <= 1e-5 * scale(other.y), `W/σ vs ${name} for ${JSON.stringify(c)}`);
        assert.ok(maxAbsDiff(fused.u, other.u) <= 1e-5, `u vs ${name} for ${JSON.stringify(c)}`);
        assert.ok(Math.abs(fused.sigma - other.sigma) <= 1e-5 * Math.max(1, other.sigma), `σ ${fused.sigma} vs ${name} ${other.sigma}`);
        assert.ok(maxAbsDiff(fused.grad, other.grad) <= 1e-4 * scale(other.grad), `∂loss/∂W vs ${name} for ${JSON.stringify(c)}`);
      }
      if (!training) assert.ok(maxAbsDiff(fused.u, composed.u) === 0, 'evaluation leaves u where it was');
    }
  });
}

test('the fused kernel is what runs on wasm, and it leaks nothing', async () => {
  await on('wasm', () => undefined);
  const sn = new SpectralNorm(5, { seed: 3 });
  const w = tf.variable(tf.tensor(seeded(3 * 3 * 4 * 5, 4), [3, 3, 4, 5]));
  const names: string[] = [];
  const step = () => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(sn.normalize(w))) as tf.Scalar, [w]));
  const dispose = (r: { value: tf.Scalar; grads: tf.NamedTensorMap }) => tf.dispose([r.value, ...Object.values(r.grads)]);
  dispose(step());
  const before = { tensors: tf.memory().numTensors, ids: tf.engine().backend.numDataIds() };
  const profile = await tf.profile(() => dispose(step()));
  for (const k of profile.kernels) names.push(k.name);
  assert.ok(names.includes('GanSpectralNorm') && names.includes('GanSpectralNormGrad'), names.join(', '));
  assert.ok(!names.includes('BatchMatMul'), 'no products outside the fused kernel');
  assert.equal(tf.memory().numTensors, before.tensors);
  assert.equal(tf.engine().backend.numDataIds(), before.ids);
  tf.dispose(w);
  sn.dispose();
});
