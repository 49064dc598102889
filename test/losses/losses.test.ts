import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, LOSSES, clipWeights, gradientPenalty, r1Penalty, orthogonalRegularization, modeSeekingLoss, Module, ToyMlpGenerator, Trainer } from '../../lib';
import { gradientError, on, seeded } from '../helpers';

// Scores away from the hinge's kinks at ±1 and from 0, so every loss is smooth where it is probed.
const real = Float32Array.from([1.7, -0.4, 2.3, 0.45]);
const fake = Float32Array.from([-1.6, 0.3, -0.35, 1.4]);

test('every loss has the closed-form value at a known point', async () => {
  await on('cpu', () => undefined);
  const r = tf.tensor1d([2, 0]);
  const f = tf.tensor1d([-1, 1]);
  const sp = (x: number) => Math.log1p(Math.exp(x));
  const expected: Record<string, [number, number]> = {
    minimax: [(sp(-2) + sp(0)) / 2 + (sp(-1) + sp(1)) / 2, -(sp(-1) + sp(1)) / 2],
    'non-saturating': [(sp(-2) + sp(0)) / 2 + (sp(-1) + sp(1)) / 2, (sp(1) + sp(-1)) / 2],
    wasserstein: [0 - 1, -0],
    hinge: [(0 + 1) / 2 + (0 + 2) / 2, -0],
    'least-squares': [0.5 * ((1 + 1) / 2 + (1 + 1) / 2), 0.5 * ((4 + 0) / 2)],
  };
  for (const [name, loss] of Object.entries(LOSSES)) {
    const [d, g] = [loss.d(r, f).dataSync()[0], loss.g(f).dataSync()[0]];
    assert.ok(Math.abs(d - expected[name][0]) < 1e-5, `${name} D: ${d} vs ${expected[name][0]}`);
    assert.ok(Math.abs(g - expected[name][1]) < 1e-5, `${name} G: ${g} vs ${expected[name][1]}`);
  }
  tf.dispose([r, f]);
});

test('every loss, both sides, has gradients that match finite differences', async () => {
  await on('cpu', () => undefined);
  for (const [name, loss] of Object.entries(LOSSES)) {
    const fakeT = tf.tensor1d(fake);
    const realT = tf.tensor1d(real);
    assert.ok(gradientError((x) => loss.d(x, fakeT), real, [4]) < 2e-3, `${name}: ∂D-loss/∂real`);
    assert.ok(gradientError((x) => loss.d(realT, x), fake, [4]) < 2e-3, `${name}: ∂D-loss/∂fake`);
    assert.ok(gradientError((x) => loss.g(x), fake, [4]) < 2e-3, `${name}: ∂G-loss/∂fake`);
    tf.dispose([fakeT, realT]);
  }
});

test('the non-saturating G gradient is larger than the saturating one where D rejects the fakes', async () => {
  await on('cpu', () => undefined);
  // D(G(z)) = σ(ℓ) ≈ 0.007 for ℓ = −5: the saturating loss barely moves G, the non-saturating one does.
  const at = tf.tensor1d([-5]);
  const sat = Math.abs(tf.grad((x: tf.Tensor) => LOSSES.minimax.g(x))(at).dataSync()[0]);
  const ns = Math.abs(tf.grad((x: tf.Tensor) => LOSSES['non-saturating'].g(x))(at).dataSync()[0]);
  assert.ok(ns > 50 * sat, `non-saturating ${ns} vs saturating ${sat}`);
  at.dispose();
});

test('gradient penalty and R1 match their closed forms for a linear critic, value and weight gradient', async () => {
  await on('cpu', () => undefined);
  // D(x) = ⟨w, x⟩ has ∇ₓD = w everywhere: GP = λ(‖w‖ − 1)², R1 = (γ/2)‖w‖².
  const w0 = Float32Array.from([0.3, -1.2, 0.8, 0.5]);
  const real = tf.tensor2d(seeded(12, 1), [3, 4]);
  const fake = tf.tensor2d(seeded(12, 2), [3, 4]);
  const critic = (w: tf.Tensor) => (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w.reshape([4, 1]) as tf.Tensor2D).reshape([-1]);
  const norm = Math.hypot(...w0);
  const gp = gradientPenalty(critic(tf.tensor1d(w0)), real, fake, { lambda: 10, seed: 3 }).dataSync()[0];
  assert.ok(Math.abs(gp - 10 * (norm - 1) ** 2) < 1e-4, `GP ${gp}`);
  const r1 = r1Penalty(critic(tf.tensor1d(w0)), real, 10).dataSync()[0];
  assert.ok(Math.abs(r1 - 5 * norm * norm) < 1e-4, `R1 ${r1}`);
  assert.ok(gradientError((w) => gradientPenalty(critic(w), real, fake, { seed: 3 }), w0, [4]) < 5e-3, 'GP weight gradient (second order)');
  assert.ok(gradientError((w) => r1Penalty(critic(w), real), w0, [4]) < 5e-3, 'R1 weight gradient (second order)');
  tf.dispose([real, fake]);
});

test('gradient penalty draws one α per sample and measures each interpolate; R1 each real sample (quadratic critic)', async () => {
  await on('cpu', () => undefined);
  // D(x) = (c/2)‖x‖² has ∇ₓD = c·x, so the penalties depend on the points themselves: a penalty taken at the wrong
  // point (one α for the batch, real instead of the interpolate, a batch-wide norm) gives another value.
  const c = 0.7;
  const critic = (x: tf.Tensor) => tf.mul(c / 2, tf.sum(tf.square(x), 1));
  const realV = seeded(4 * 3, 21);
  const fakeV = seeded(4 * 3, 22);
  const real = tf.tensor2d(realV, [4, 3]);
  const fake = tf.tensor2d(fakeV, [4, 3]);
  const alpha = tf.randomUniform([4, 1], 0, 1, 'float32', 9).dataSync();
  assert.ok(Math.max(...alpha) - Math.min(...alpha) > 0.1, 'the α of the samples differ');
  let gp = 0;
  let r1 = 0;
  for (let i = 0; i < 4; i++) {
    let mixed = 0;
    let realSq = 0;
    for (let j = 0; j < 3; j++) {
      const m = alpha[i] * realV[i * 3 + j] + (1 - alpha[i]) * fakeV[i * 3 + j];
      mixed += m * m;
      realSq += realV[i * 3 + j] ** 2;
    }
    gp += (c * Math.sqrt(mixed) - 1) ** 2 / 4;
    r1 += (c * c * realSq) / 4;
  }
  const gotGp = gradientPenalty(critic, real, fake, { lambda: 10, seed: 9 }).dataSync()[0];
  const gotR1 = r1Penalty(critic, real, 10).dataSync()[0];
  assert.ok(Math.abs(gotGp - 10 * gp) < 1e-4 * Math.max(1, 10 * gp), `GP ${gotGp} vs ${10 * gp}`);
  assert.ok(Math.abs(gotR1 - 5 * r1) < 1e-5, `R1 ${gotR1} vs ${5 * r1}`);
  tf.dispose([real, fake]);
});

test('the Trainer applies the gradient penalty and R1 it is configured with, at D’s weights before the update', async () => {
  await on('cpu', () => undefined);
  // A linear critic: ∇ₓD = w at every point, so the penalties are known exactly from w alone.
  class LinearCritic extends Module {
    readonly w = this.param('w', tf.tensor1d([0.6, -1.1]));
    apply(x: tf.Tensor): tf.Tensor1D {
      return tf.matMul(x as tf.Tensor2D, this.w.reshape([2, 1]) as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
    }
  }
  for (const [option, expected] of [
    ['gradientPenalty', (n: number) => 10 * (n - 1) ** 2],
    ['r1', (n: number) => 5 * n * n],
  ] as const) {
    const d = new LinearCritic();
    const g = new ToyMlpGenerator({ seed: 2 });
    const norm = Math.hypot(...d.w.dataSync());
    const t = new Trainer({ g, d, zDim: g.cfg.zDim, loss: LOSSES.wasserstein, batch: () => ({ x: tf.tensor2d(seeded(16, 3), [8, 2]) }), [option]: 10 });
    const stats = t.trainStep();
    assert.ok(Math.abs(stats.penalty - expected(norm)) < 1e-4, `${option}: ${stats.penalty} vs ${expected(norm)}`);
    g.dispose();
    d.dispose();
    t.gOptimizer.dispose();
    t.dOptimizer.dispose();
  }
});

test('orthogonal regularisation is zero for orthogonal filters and its gradient matches finite differences', async () => {
  await on('cpu', () => undefined);
  const q = tf.tensor2d([[0, 1], [1, 0], [0, 0]]);
  assert.ok(orthogonalRegularization([q, tf.ones([5])]).dataSync()[0] < 1e-9, 'orthogonal columns, biases ignored');
  // BigGAN's variant leaves the diagonal out: orthogonal filters of any norm cost nothing (‖WᵀW − I‖² would be 2·8²).
  const scaled = tf.mul(3, q);
  assert.ok(orthogonalRegularization([scaled], 1).dataSync()[0] < 1e-9, 'norms are free');
  // W = [[1, 1], [0, 1]]: WᵀW = [[1, 1], [1, 2]], off-diagonal squares 1 + 1.
  const skew = tf.tensor2d([[1, 1], [0, 1]]);
  assert.ok(Math.abs(orthogonalRegularization([skew], 0.5).dataSync()[0] - 1) < 1e-6);
  tf.dispose([scaled, skew]);
  const w0 = seeded(3 * 3 * 2 * 4, 5);
  const value = orthogonalRegularization([tf.tensor(w0, [3, 3, 2, 4])], 1).dataSync()[0];
  assert.ok(value > 0.1);
  assert.ok(gradientError((w) => orthogonalRegularization([w], 1), w0, [3, 3, 2, 4]) < 5e-3 * Math.max(1, value));
  q.dispose();
});

test("orthogonal regularisation's β is the paper's: its gradient is 4β·W(WᵀW ⊙ (1 − I)), twice BigGAN-PyTorch's", async () => {
  await on('cpu', () => undefined);
  const beta = 0.3;
  const w = tf.tensor2d(seeded(5 * 3, 9), [5, 3]);
  const grad = tf.grad((x: tf.Tensor) => orthogonalRegularization([x], beta))(w);
  // BigGAN-PyTorch's update for strength s, in this [fan-in, out] layout: 2s·W(WᵀW ⊙ (1 − I)).
  const offDiagonal = tf.mul(tf.matMul(w, w, true, false), tf.sub(1, tf.eye(3)));
  const pytorchOrtho = tf.mul(2 * beta, tf.matMul(w, offDiagonal));
  const ratio = tf.div(grad, pytorchOrtho).dataSync();
  assert.ok(Array.from(ratio).every((r) => Math.abs(r - 2) < 1e-4), `ratios ${Array.from(ratio)}`);
  tf.dispose([w, grad, offDiagonal, pytorchOrtho]);
});

test('weight clipping bounds every weight; mode seeking falls as images spread', async () => {
  await on('cpu', () => undefined);
  const v = tf.variable(tf.tensor1d([-0.5, 0.005, 0.2]));
  clipWeights([v], 0.01);
  assert.deepEqual(Array.from(v.dataSync()).map((x) => Math.round(x * 1e4) / 1e4), [-0.01, 0.005, 0.01]);
  v.dispose();
  const z1 = tf.zeros([2, 3]);
  const z2 = tf.ones([2, 3]);
  const same = modeSeekingLoss(tf.zeros([2, 4]), tf.fill([2, 4], 0.1), z1, z2).dataSync()[0];
  const apart = modeSeekingLoss(tf.zeros([2, 4]), tf.fill([2, 4], 1), z1, z2).dataSync()[0];
  assert.ok(Math.abs(apart - 1 / (1 + 1e-5)) < 1e-5 && same > 9 * apart, `${same} vs ${apart}`);
});
