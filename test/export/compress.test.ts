import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, initBackend, Linear, DcganGenerator } from '../../lib';
import { magnitudePrune } from '../../lib/compress/prune';
import { distillGenerator } from '../../lib/compress/distill';
import { quantizeUint8 } from '../../lib/export/exportGenerator';

import { kitClassifier } from '../metrics/kitClassifier';
import { ROOT, tinyConditionalRun } from './tinyRun';

test('magnitude pruning zeroes the smallest weights of each matrix and leaves biases', async () => {
  await initBackend({ backend: 'wasm' });
  const layer = new Linear({ inFeatures: 10, outFeatures: 20, seed: 3 });
  tf.tidy(() => layer.bias!.assign(tf.fill([20], 0.5)));
  const before = Float32Array.from(layer.weight.dataSync());
  const zeros = magnitudePrune(layer, { sparsity: 0.5 });
  const after = layer.weight.dataSync();
  assert.equal(after.filter((w) => w === 0).length, 100);
  assert.ok(Math.abs(zeros - 100 / 220) < 1e-12);
  const cut = Math.max(...before.filter((_, i) => after[i] === 0).map(Math.abs));
  const kept = Math.min(...before.filter((_, i) => after[i] !== 0).map(Math.abs));
  assert.ok(cut <= kept, 'only the smallest magnitudes were cut');
  assert.ok(layer.bias!.dataSync().every((b) => b === 0.5));
});

test('uint8 quantisation keeps zeros exact and errs by at most half a level', () => {
  const v = Float32Array.from({ length: 999 }, (_, i) => (i % 3 === 0 ? 0 : Math.sin(i) * 0.37));
  const { q, min, scale } = quantizeUint8(v);
  const decoded = tf.io.decodeWeights(q.buffer as ArrayBuffer, [{ name: 'w', shape: [999], dtype: 'float32', quantization: { dtype: 'uint8', min, scale } }]).w;
  const d = decoded.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0) assert.equal(d[i], 0);
    assert.ok(Math.abs(d[i] - v[i]) <= scale / 2 + 1e-7);
  }
  decoded.dispose();
});

test('distillation brings a half-width student toward the teacher', async () => {
  await initBackend({ backend: 'wasm' });
  const teacher = new DcganGenerator({ ch: 4, channels: 1, classes: 10, seed: 1 });
  const student = new DcganGenerator({ ch: 2, channels: 1, classes: 10, seed: 2 });
  const losses: number[] = [];
  distillGenerator(teacher, student, { steps: 60, batchSize: 16, classes: 10, onStep: (_, l) => losses.push(l) });
  const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
  assert.ok(last < 0.5 * first, `L1 ${first} → ${last}`);
  assert.ok(student.numParameters() < 0.6 * teacher.numParameters());
});

test('npm run compress writes the size/quality table of the five variants', { timeout: 600_000 }, () => {
  kitClassifier();
  const run = tinyConditionalRun(20);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'compress.js'), '--checkpoint', run, '--n', '200', '--distill-steps', '20'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm' } });
  assert.equal(r.status, 0, r.stderr);
  const { variants } = JSON.parse(fs.readFileSync(path.join(run, 'compression', 'compression.json'), 'utf8'));
  assert.deepEqual(variants.map((v: { name: string }) => v.name), ['original (float32)', 'uint8 weights (affine)', 'pruned 50% (float32)', 'pruned 50% + uint8', 'distilled, ch 4 → 2']);
  const [orig, int8, pruned, both, student] = variants;
  assert.equal(int8.bytes, orig.bytes / 4);
  assert.ok(pruned.nonZero < 0.6 * orig.nonZero && both.nonZero === pruned.nonZero, 'pruned zeros survive uint8');
  assert.ok(both.gzipBytes < int8.gzipBytes && pruned.gzipBytes < orig.gzipBytes);
  assert.ok(student.parameters < 0.6 * orig.parameters);
  for (const v of variants) assert.ok(Number.isFinite(v.report.fid) && v.report.nFake === 200);
  // The same latents through 8-bit weights draw nearly the same images: the score barely moves. Pruning half of
  // every tensor without retraining does move it.
  assert.ok(Math.abs(int8.report.fid - orig.report.fid) <= 0.05 * orig.report.fid, `uint8 FID ${int8.report.fid} vs ${orig.report.fid}`);
  assert.ok(Math.abs(pruned.report.fid - orig.report.fid) > Math.abs(int8.report.fid - orig.report.fid), 'pruning changes the samples more than 8-bit weights');
  assert.match(fs.readFileSync(path.join(run, 'compression', 'compression.md'), 'utf8'), /\| uint8 weights \(affine\) \| .* \(0\.25×\)/);
});
