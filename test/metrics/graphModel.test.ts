import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend } from '../../lib';
import { graphModelExtractor } from '../../lib/metrics/features';

/**
 * Writes a tiny TF.js graph model in the converter's format: input [-1, 8, 8, 3] → per-channel mean ("pool")
 * → MatMul with a 3×4 constant ("logits"). Small enough to check by hand, same file layout as InceptionV3's.
 */
function writeTinyGraphModel(dir: string, w: Float32Array): string {
  const shape = (dims: number[]) => ({ dim: dims.map((size) => ({ size: String(size) })) });
  const constant = (name: string, dtype: string, dims: number[]) => ({ name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: shape(dims) } }, dtype: { type: dtype } } });
  const modelTopology = {
    node: [
      { name: 'input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape([-1, 8, 8, 3]) } } },
      constant('axes', 'DT_INT32', [2]),
      { name: 'pool', op: 'Mean', input: ['input', 'axes'], attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } } },
      constant('w', 'DT_FLOAT', [3, 4]),
      { name: 'logits', op: 'MatMul', input: ['pool', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
    ],
    library: {},
    versions: { producer: 1 },
  };
  const weightsManifest = [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'axes', shape: [2], dtype: 'int32' }, { name: 'w', shape: [3, 4], dtype: 'float32' }] }];
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', generatedBy: 'test', convertedBy: 'test', modelTopology, weightsManifest }));
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat([Buffer.from(Int32Array.from([1, 2]).buffer), Buffer.from(w.buffer)]));
  return path.join(dir, 'model.json');
}

test('a graph model loads from a path and gets images resized to its input size and rescaled to its range', async () => {
  await initBackend({ backend: 'wasm' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-'));
  const w = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
  const file = writeTinyGraphModel(dir, w);
  const extractor = await graphModelExtractor({ model: file, inputSize: 8, featureNode: 'pool', logitsNode: 'logits', inputRange: [0, 255] });
  assert.equal(extractor.featureDim, 3);
  assert.equal(extractor.classes, 4);
  // 4×4 images (smaller than the model's 8×8): constant per channel, so any bilinear resize keeps the value.
  const colours = [[-1, 0, 1], [0.5, -0.5, 0.25]];
  const images = tf.tensor4d(colours.flatMap((c) => Array.from({ length: 16 }, () => c).flat()), [2, 4, 4, 3]);
  const { features, probs, predicted } = extractor.embed(images);
  colours.forEach((c, i) => c.forEach((v, j) => assert.ok(Math.abs(features[i * 3 + j] - (v + 1) * 127.5) < 1e-3, `feature ${i},${j}: ${features[i * 3 + j]}`)));
  // Probabilities are the softmax of pool·w.
  const logits = tf.matMul(tf.tensor2d(features, [2, 3]), tf.tensor2d(w, [3, 4]));
  const expected = tf.softmax(logits).dataSync();
  for (let k = 0; k < 8; k++) assert.ok(Math.abs(probs![k] - expected[k]) < 1e-5);
  assert.deepEqual(Array.from(predicted!), Array.from(tf.argMax(logits, 1).dataSync()));
  tf.dispose([images, logits]);
  await assert.rejects(graphModelExtractor({ model: path.join(dir, 'missing.json') }), /no graph model at .*missing\.json/);
  fs.rmSync(path.join(dir, 'group1-shard1of1.bin'));
  await assert.rejects(graphModelExtractor({ model: file, inputSize: 8 }), /weights .* are missing/);
});
