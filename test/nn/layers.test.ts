import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchNorm,
  ConditionalBatchNorm,
  Conv2d,
  DBlock,
  Embedding,
  GBlock,
  initWeight,
  Linear,
  SelfAttention,
  tf,
  type ConvConfig,
} from '../../lib';
import { gradientError, maxAbs, on, seeded } from '../helpers';

/** The largest singular value of a [rows, cols] matrix, in float64, by power iteration on WᵀW to convergence. */
function topSingularValue(w: Float32Array, rows: number, cols: number): number {
  let v = Array.from({ length: cols }, (_, i) => 1 + i / cols);
  let sigma = 0;
  for (let it = 0; it < 2000; it++) {
    const wv = Array.from({ length: rows }, (_, r) => v.reduce((s, x, c) => s + w[r * cols + c] * x, 0));
    const wtwv = v.map((_, c) => wv.reduce((s, x, r) => s + w[r * cols + c] * x, 0));
    const norm = Math.hypot(...wtwv);
    v = wtwv.map((x) => x / norm);
    sigma = Math.sqrt(norm);
  }
  return sigma;
}

test('spectral norm: after power iterations the layer weight has σ ≈ 1, and the estimate matches σ(W) from float64', async () => {
  await on('cpu', () => undefined);
  for (const layer of [
    new Linear({ inFeatures: 12, outFeatures: 7, spectralNorm: true, init: { kind: 'normal', std: 0.5 }, seed: 3 }),
    new Conv2d({ inChannels: 3, outChannels: 5, kernel: 3, spectralNorm: true, init: { kind: 'normal', std: 0.5 }, seed: 4 }),
  ]) {
    for (let i = 0; i < 60; i++) tf.dispose(layer.effectiveWeight());
    const out = layer.weight.shape[layer.weight.rank - 1];
    const rows = layer.weight.size / out;
    const trueSigma = topSingularValue(layer.weight.dataSync() as Float32Array, rows, out);
    const estimate = layer.sn!.sv.dataSync()[0];
    assert.ok(Math.abs(estimate - trueSigma) < 1e-3 * trueSigma, `estimate ${estimate} vs σ(W) ${trueSigma}`);
    const normalized = layer.effectiveWeight();
    const sigmaAfter = topSingularValue(normalized.dataSync() as Float32Array, rows, out);
    assert.ok(Math.abs(sigmaAfter - 1) < 2e-3, `σ(W/σ) = ${sigmaAfter}`);
    assert.ok(trueSigma > 1.5, 'the raw weight was far from σ = 1');
    const names = layer.namedBuffers().map(([n]) => n).sort();
    assert.deepEqual(names, ['sn.sv0', 'sn.u0'], 'buffers named as in BigGAN-PyTorch');
    normalized.dispose();
    layer.dispose();
  }
});

test('spectral norm: the gradient through W/σ(W) matches finite differences (u, v held fixed)', async () => {
  await on('cpu', () => undefined);
  const layer = new Linear({ inFeatures: 4, outFeatures: 3, spectralNorm: true, bias: false, seed: 5 });
  const w0 = seeded(12, 7).map((v) => v * 0.5);
  // Converge u on w0 itself: at the singular vectors σ is stationary in u and v, so finite differences (which let
  // the one eval-mode power step move them) agree with the gradient that holds them fixed.
  layer.weight.assign(tf.tensor2d(w0, [4, 3]));
  for (let i = 0; i < 30; i++) tf.dispose(layer.effectiveWeight());
  layer.eval();
  const x = tf.tensor2d(seeded(8, 6), [2, 4]);
  const sn = layer.sn!;
  const err = gradientError((w) => tf.sum(tf.square(tf.matMul(x, sn.normalize(w) as tf.Tensor2D))) as tf.Scalar, w0, [4, 3], 1e-3);
  assert.ok(err < 2e-2, `max error ${err}`);
  x.dispose();
  layer.dispose();
});

test('orthogonal initialisation gives orthonormal columns (tall) or rows (wide)', async () => {
  await on('cpu', () => undefined);
  for (const [shape, tall] of [[[3, 3, 8, 16], true], [[4, 10], false]] as const) {
    const w = initWeight([...shape], 0, 0, { kind: 'orthogonal' }, 9);
    const out = shape[shape.length - 1];
    const m = w.reshape([-1, out]) as tf.Tensor2D;
    const gram = tall ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
    const err = tf.sub(gram, tf.eye(gram.shape[0])).abs().max().dataSync()[0];
    assert.ok(err < 1e-4, `${shape}: ‖QᵀQ − I‖∞ = ${err}`);
    tf.dispose([w, m, gram]);
  }
});

test('conditional batch norm: zero condition weights give plain normalisation; a condition changes each sample’s scale', async () => {
  await on('cpu', () => undefined);
  const cbn = new ConditionalBatchNorm({ channels: 2, condDim: 3, seed: 1 });
  const x = tf.tensor4d(seeded(4 * 2 * 2 * 2, 8), [4, 2, 2, 2]);
  const cond = tf.tensor2d(seeded(12, 9), [4, 3]);
  for (const [, v] of cbn.namedParameters()) v.assign(tf.zerosLike(v));
  const plain = cbn.apply(x, cond);
  const { mean, variance } = tf.moments(plain, [0, 1, 2]);
  assert.ok(maxAbs(mean.dataSync()) < 1e-5 && Math.abs(variance.dataSync()[0] - 1) < 1e-3, 'normalised per channel');
  const gainWeight = cbn.namedParameters().find(([n]) => n === 'gain.weight')![1];
  gainWeight.assign(tf.ones(gainWeight.shape));
  const scaled = cbn.apply(x, cond);
  const ratio = tf.div(scaled, plain).dataSync();
  const condSum = Array.from(tf.sum(cond, 1).dataSync());
  // Sample 0, first element: scale = 1 + Σ cond.
  assert.ok(Math.abs(ratio[0] - (1 + condSum[0])) < 1e-3, `scale ${ratio[0]} vs ${1 + condSum[0]}`);
  assert.deepEqual(cbn.namedParameters().map(([n]) => n), ['gain.weight', 'bias.weight']);
  assert.deepEqual(cbn.namedBuffers().map(([n]) => n), ['bn.running_mean', 'bn.running_var']);
  tf.dispose([x, cond, plain, mean, variance, scaled]);
  cbn.dispose();
});

test('self-attention starts as the identity (γ = 0), attends with rows summing to 1, and changes x once γ ≠ 0', async () => {
  await on('wasm', () => undefined);
  const attn = new SelfAttention({ channels: 16, keepAttention: true, spectralNorm: true, seed: 2 });
  const x = tf.tensor4d(seeded(2 * 4 * 4 * 16, 10), [2, 4, 4, 16]);
  const y = attn.apply(x);
  assert.equal(tf.sub(y, x).abs().max().dataSync()[0], 0);
  assert.deepEqual(attn.lastAttention!.shape, [2, 16, 4]);
  const rowSums = tf.sum(attn.lastAttention!, 2).dataSync();
  assert.ok(Array.from(rowSums).every((s) => Math.abs(s - 1) < 1e-5));
  attn.gamma.assign(tf.scalar(1));
  const y2 = attn.apply(x);
  assert.ok(tf.sub(y2, x).abs().max().dataSync()[0] > 1e-3);
  const g = tf.grad((t: tf.Tensor) => tf.sum(attn.apply(t as tf.Tensor4D)))(x);
  assert.deepEqual(g.shape, x.shape);
  tf.dispose([x, y, y2, g]);
  attn.dispose();
});

test('residual blocks take injected layer kinds: SN convs with conditional BN up, SN convs down', async () => {
  await on('wasm', () => undefined);
  const conv = (cfg: ConvConfig) => new Conv2d({ ...cfg, spectralNorm: true, init: { kind: 'orthogonal' } });
  const g = new GBlock({ inChannels: 8, outChannels: 4, conv, norm: (c) => new ConditionalBatchNorm({ channels: c, condDim: 6 }) });
  const d = new DBlock({ inChannels: 4, outChannels: 8, conv, preactivation: false });
  const plainG = new GBlock({ inChannels: 8, outChannels: 8, conv: (cfg) => new Conv2d(cfg), norm: (c) => new BatchNorm({ channels: c }), upsample: false });
  const x = tf.randomNormal([2, 4, 4, 8]) as tf.Tensor4D;
  const cond = tf.randomNormal([2, 6]) as tf.Tensor2D;
  const up = g.apply(x, cond);
  assert.deepEqual(up.shape, [2, 8, 8, 4]);
  assert.deepEqual(d.apply(up).shape, [2, 4, 4, 8]);
  assert.deepEqual(plainG.apply(x, cond).shape, [2, 4, 4, 8]);
  const names = g.namedParameters().map(([n]) => n);
  for (const n of ['bn1.gain.weight', 'conv1.weight', 'conv1.bias', 'conv_sc.weight']) assert.ok(names.includes(n), `${n} in ${names}`);
  assert.ok(g.namedBuffers().some(([n]) => n === 'conv1.sn.u0'));
  const emb = new Embedding({ classes: 5, dim: 6 });
  assert.deepEqual(emb.apply(tf.tensor1d([4, 0], 'int32')).shape, [2, 6]);
  [g, d, plainG, emb].forEach((m) => m.dispose());
});
