import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type BackendName } from '../../lib';
import { on, seeded } from '../helpers';

/**
 * WGAN-GP needs the gradient of ‖∇ₓD(x)‖ with respect to D's weights: a second-order gradient through conv,
 * leakyRelu (whose gradient uses `Greater`) and dense layers. Checked against central finite differences,
 * which are valid wherever no unit's sign flips within ±ε.
 */
const X_SHAPE = [3, 6, 6, 2] as const;
const W_SHAPES = { conv: [3, 3, 2, 4], dense: [3 * 3 * 4, 1] } as const;

function penalty(conv: tf.Tensor, dense: tf.Tensor, x: tf.Tensor): tf.Scalar {
  const critic = (input: tf.Tensor) =>
    tf.leakyRelu(tf.conv2d(input as tf.Tensor4D, conv as tf.Tensor4D, 2, 'same'), 0.2).reshape([X_SHAPE[0], -1]).matMul(dense).sum();
  const g = tf.grad(critic)(x);
  const norms = g.reshape([X_SHAPE[0], -1]).square().sum(1).sqrt();
  return norms.sub(1).square().mean() as tf.Scalar;
}

function check(): { analytic: number[]; numeric: number[]; skipped: number } {
  return tf.tidy(() => {
    const x = tf.tensor(seeded(X_SHAPE.reduce((a: number, b: number) => a * b, 1), 11), [...X_SHAPE]);
    const conv0 = seeded(W_SHAPES.conv.reduce((a: number, b: number) => a * b, 1), 12);
    const dense0 = seeded(W_SHAPES.dense.reduce((a: number, b: number) => a * b, 1), 13);
    const make = (v: Float32Array, shape: readonly number[]) => tf.tensor(v, [...shape]);
    const [gConv, gDense] = tf.grads((c: tf.Tensor, d: tf.Tensor) => penalty(c, d, x))([
      make(conv0, W_SHAPES.conv),
      make(dense0, W_SHAPES.dense),
    ]);
    const analytic: number[] = [];
    const numeric: number[] = [];
    const eps = 2e-3;
    let skipped = 0;
    const probe = (which: 'conv' | 'dense', index: number) => {
      const f = (delta: number) => {
        const c = Float32Array.from(conv0);
        const d = Float32Array.from(dense0);
        (which === 'conv' ? c : d)[index] += delta;
        return penalty(make(c, W_SHAPES.conv), make(d, W_SHAPES.dense), x).dataSync()[0];
      };
      const wide = (f(eps) - f(-eps)) / (2 * eps);
      const narrow = (f(eps / 2) - f(-eps / 2)) / eps;
      // ∇ₓD jumps where a unit's sign flips, so a difference straddling such a flip measures the jump, not
      // the derivative; two step sizes that disagree reveal it, and that coordinate is not a valid probe.
      if (Math.abs(wide - narrow) > 2e-3 + 2e-2 * Math.abs(wide)) {
        skipped++;
        return;
      }
      numeric.push(wide);
      analytic.push((which === 'conv' ? gConv : gDense).dataSync()[index]);
    };
    for (let i = 0; i < conv0.length; i += 7) probe('conv', i);
    for (let i = 0; i < dense0.length; i += 5) probe('dense', i);
    return { analytic, numeric, skipped };
  });
}

async function assertPenaltyGradient(backend: BackendName): Promise<void> {
  const { analytic, numeric, skipped } = await on(backend, check);
  assert.ok(analytic.length >= 15 && skipped <= 3, `${analytic.length} coordinates probed, ${skipped} straddled a kink`);
  const scale = Math.max(...numeric.map(Math.abs));
  assert.ok(scale > 1e-3, 'the probed gradient entries are not all ~0 (the check would be vacuous)');
  for (let i = 0; i < analytic.length; i++) {
    assert.ok(
      Math.abs(analytic[i] - numeric[i]) <= 2e-3 + 1e-2 * Math.abs(numeric[i]),
      `${backend}: ∂penalty/∂w[${i}] analytic ${analytic[i]} vs finite difference ${numeric[i]}`,
    );
  }
}

test('gradient-penalty gradient w.r.t. critic weights matches finite differences on cpu', () => assertPenaltyGradient('cpu'));
test('gradient-penalty gradient w.r.t. critic weights matches finite differences on wasm', () => assertPenaltyGradient('wasm'));
// On webgpu the same second-order gradients are compared with cpu's in test/webgpu/penalties.test.ts.
