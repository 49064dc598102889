import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { tf, initBackend, generatorFor, type ModelKind } from '../../lib';
import { generatorToOnnx } from '../../lib/export/onnx';
import { loadGenerator } from '../../lib/run/loadGenerator';
import { Module } from '../../lib/nn/module';
import { maxAbsDiff } from '../helpers';
import { ROOT, tinyConditionalRun } from './tinyRun';

/** ONNX Runtime's output for z (and y) against TF.js's, as max |Δ|, at a batch other than the traced one. */
async function compare(model: Uint8Array, g: { apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor; cfg: { zDim: number } }, classes: number, n = 3): Promise<{ err: number; dims: readonly number[] }> {
  // err is relative to the output's largest magnitude when that is above 1 (a toy G's points are unbounded).
  const session = await ort.InferenceSession.create(model);
  const z = tf.randomNormal([n, g.cfg.zDim], 0, 1, 'float32', 11) as tf.Tensor2D;
  const y = classes > 0 ? (tf.tensor1d(Array.from({ length: n }, (_, i) => (classes - 1 + i) % classes), 'int32') as tf.Tensor1D) : undefined;
  const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z.dataSync() as Float32Array, [n, g.cfg.zDim]) };
  if (y) feeds.y = new ort.Tensor('int32', y.dataSync() as Int32Array, [n]);
  const { samples } = await session.run(feeds);
  const reference = g.apply(z, y);
  const scale = Math.max(1, ...Array.from(reference.dataSync(), Math.abs));
  const err = maxAbsDiff(samples.data as Float32Array, reference.dataSync()) / scale;
  assert.deepEqual(samples.dims, reference.shape, 'same layout as TF.js');
  tf.dispose([z, reference, ...(y ? [y] : [])]);
  await session.release();
  return { err, dims: samples.dims };
}

const MODELS: [string, ModelKind, Record<string, unknown>][] = [
  ['DCGAN, unconditional, RGB', 'dcgan', { zDim: 16, ch: 8, resolution: 32, channels: 3 }],
  ['DCGAN, concatenated one-hot class', 'dcgan', { zDim: 16, ch: 8, resolution: 32, channels: 1, classes: 10, gConditioning: 'concat' }],
  ['DCGAN, conditional batch norm', 'dcgan', { zDim: 16, ch: 8, resolution: 32, channels: 1, classes: 10, gConditioning: 'cbn' }],
  ['BigGAN-32 with self-attention', 'biggan', { resolution: 32, ch: 4, zDim: 16, channels: 1, classes: 10, attention: [16] }],
  ['BigGAN-64, unconditional', 'biggan', { resolution: 64, ch: 2, zDim: 20, channels: 3 }],
  ["PacGAN's toy G (batch norm)", 'toy', { hidden: 32, depth: 3, batchNorm: true }],
];

for (const [label, kind, cfg] of MODELS) {
  test(`ONNX export: ${label} runs in ONNX Runtime with TF.js's outputs at any batch`, async () => {
    await initBackend({ backend: 'cpu' });
    const g = generatorFor(kind, cfg);
    // Every weight and buffer moved off its initial value (batch norm's scales off 1, biases and attention's γ off
    // 0, running statistics off (0, 1)), so that no term of the model is exported untested.
    let shifted = 0;
    for (const [name, v] of g.stateDict()) {
      if (v.dtype !== 'float32') continue;
      tf.tidy(() => v.assign(tf.add(v, tf.randomUniform(v.shape, 0.05, 0.3, 'float32', shifted + 3))));
      if (/running_(mean|var)/.test(name)) shifted++;
    }
    assert.ok(shifted > 0, 'the model has running statistics to fold');
    g.train();
    const model = generatorToOnnx(g);
    assert.ok(g.isTraining, 'the export puts G back in the mode it found it in');
    g.eval();
    const classes = Number(cfg.classes ?? 0);
    // Batches 1 and 5: neither is a traced one (2 and 3).
    for (const n of [1, 5]) {
      const { err } = await compare(model, g, classes, n);
      assert.ok(err < 1e-5, `batch ${n}: max |Δ| = ${err}`);
    }
  });
}

test('ONNX export of a trained run matches TF.js, and `npm run export -- --format onnx` writes it', async () => {
  await initBackend({ backend: 'cpu' });
  const run = tinyConditionalRun(3);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-')), 'g.onnx');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'export.js'), '--checkpoint', run, '--format', 'onnx', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /→ .*g\.onnx/);
  const loaded = loadGenerator(run);
  const bytes = new Uint8Array(fs.readFileSync(out));
  const { err } = await compare(bytes, loaded.g, 10);
  const meta = Object.fromEntries(onnx.ModelProto.decode(bytes).metadataProps.map((p) => [p.key, p.value]));
  assert.equal(JSON.parse(meta.classNames)[9], 'Ankle boot', 'the class names travel in the model');
  assert.ok(err < 1e-5, `max |Δ| = ${err}`);
  const bad = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'export.js'), '--checkpoint', run, '--format', 'onnx', '--out', out.replace('.onnx', '.bin')], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /ending in \.onnx/);
});

/** A generator made of kernels the kit's models do not use: a max over an axis and batch norm without scale. */
class ReductionGenerator extends Module {
  readonly cfg = { zDim: 4 };
  private readonly mean = this.buffer('mean', tf.tensor1d([0.1, -0.2, 0.3, 0]));
  apply(z: tf.Tensor2D): tf.Tensor {
    const normed = tf.batchNorm(z, this.mean, tf.tensor1d([2, 1, 0.5, 1]));
    return tf.stack([tf.max(normed, 1), tf.mean(normed, 1), tf.sum(tf.square(normed), 1)], 1);
  }
}

/** A generator with a constant whose shape follows the batch (a per-sample zero offset made with tf.zeros). */
class BatchConstantGenerator extends Module {
  readonly cfg = { zDim: 4 };
  apply(z: tf.Tensor2D): tf.Tensor {
    return tf.add(z, tf.zeros([z.shape[0], 4]));
  }
}

test('ONNX export: reductions over one axis and batch norm without scale or offset', async () => {
  await initBackend({ backend: 'cpu' });
  const g = new ReductionGenerator();
  const { err, dims } = await compare(generatorToOnnx(g), g, 0, 4);
  assert.deepEqual(dims, [4, 3]);
  assert.ok(err < 1e-5, `max |Δ| = ${err}`);
});

test('ONNX export refuses a constant whose shape depends on the batch, which would break other batch sizes', async () => {
  await initBackend({ backend: 'cpu' });
  assert.throws(() => generatorToOnnx(new BatchConstantGenerator()), /a constant input's shape depends on the batch/);
});

/** A generator that uses a kernel the exporter has no mapping for (cumulative sum). */
class CumsumGenerator extends Module {
  readonly cfg = { zDim: 4 };
  apply(z: tf.Tensor2D): tf.Tensor {
    return tf.cumsum(z, 1);
  }
}

test('ONNX export names a kernel it cannot map, and leaves TF.js as it found it', async () => {
  await initBackend({ backend: 'cpu' });
  const g = new CumsumGenerator();
  const before = tf.memory().numTensors;
  assert.throws(() => generatorToOnnx(g), /kernel 'Cumsum' has no ONNX mapping yet/);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.ok(!Object.prototype.hasOwnProperty.call(tf.engine(), 'runKernel'), 'kernel dispatch restored');
  const x = tf.cumsum(tf.tensor2d([[1, 2]]), 1);
  assert.deepEqual(Array.from(x.dataSync()), [1, 3], 'and TF.js still computes');
  x.dispose();
});
