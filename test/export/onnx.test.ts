import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { tf, initBackend, generatorFor, type ModelKind } from '../../lib';
import { generatorToOnnx } from '../../lib/export/onnx';
import { loadGenerator } from '../../lib/run/loadGenerator';
import { Module } from '../../lib/nn/module';
import { maxAbsDiff } from '../helpers';
import { ROOT, tinyConditionalRun } from './tinyRun';

/** ONNX Runtime's output for z (and y) against TF.js's, as max |Δ|, at a batch other than the traced one. */
async function compare(model: Uint8Array, g: { apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor; cfg: { zDim: number } }, classes: number): Promise<{ err: number; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model);
  const n = 3;
  const z = tf.randomNormal([n, g.cfg.zDim], 0, 1, 'float32', 11) as tf.Tensor2D;
  const y = classes > 0 ? (tf.tensor1d([classes - 1, 0, 1], 'int32') as tf.Tensor1D) : undefined;
  const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z.dataSync() as Float32Array, [n, g.cfg.zDim]) };
  if (y) feeds.y = new ort.Tensor('int32', y.dataSync() as Int32Array, [n]);
  const { samples } = await session.run(feeds);
  const reference = g.apply(z, y);
  const err = maxAbsDiff(samples.data as Float32Array, reference.dataSync());
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
    // Batch norm's running statistics away from (0, 1), so that folding them is tested, not skipped.
    let shifted = 0;
    for (const [name, v] of g.stateDict()) {
      if (!/running_(mean|var)/.test(name)) continue;
      tf.tidy(() => v.assign(tf.add(v, tf.randomUniform(v.shape, 0.2, 0.8, 'float32', 3))));
      shifted++;
    }
    assert.ok(shifted > 0, 'the model has running statistics to fold');
    g.train();
    const model = generatorToOnnx(g, { traceBatch: 5 });
    assert.ok(g.isTraining, 'the export puts G back in the mode it found it in');
    g.eval();
    const classes = Number(cfg.classes ?? 0);
    const { err } = await compare(model, g, classes);
    assert.ok(err < 1e-5, `max |Δ| = ${err}`);
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
  const { err } = await compare(new Uint8Array(fs.readFileSync(out)), loaded.g, 10);
  assert.ok(err < 1e-5, `max |Δ| = ${err}`);
  const bad = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'export.js'), '--checkpoint', run, '--format', 'onnx', '--out', out.replace('.onnx', '.bin')], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /ending in \.onnx/);
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
