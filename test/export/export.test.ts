import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend } from '../../lib';
import { exportGenerator, readGeneratorFiles } from '../../lib/export/exportGenerator';
import { generatorFromSpec } from '../../lib/export/generatorSpec';
import { loadGenerator } from '../../lib/run/loadGenerator';
import { truncatedLatents } from '../../lib/sample/truncation';
import { maxAbsDiff } from '../helpers';
import { tinyConditionalRun } from './tinyRun';

test('an exported generator rebuilds to the same outputs; float16 and uint8 exports are 2× and 4× smaller and close', async () => {
  await initBackend({ backend: 'wasm' });
  const loaded = loadGenerator(tinyConditionalRun());
  assert.deepEqual(loaded.classNames?.slice(0, 2), ['T-shirt/top', 'Trouser'], 'the run recorded its class names');
  const z = truncatedLatents(6, loaded.g.cfg.zDim, { seed: 5 });
  const y = tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32');
  const reference = loaded.g.apply(z, y).dataSync();
  const sizes: Record<string, number> = {};
  for (const quantize of ['float32', 'float16', 'uint8'] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `export-${quantize}-`));
    sizes[quantize] = exportGenerator(loaded, dir, { quantize, classNames: loaded.classNames }).bytes;
    const { spec, weights } = readGeneratorFiles(dir);
    assert.equal(spec.classNames[9], 'Ankle boot');
    const g = generatorFromSpec(spec, weights);
    const out = g.apply(z, y).dataSync();
    const err = maxAbsDiff(out, reference);
    // Outputs are tanh images in [-1, 1].
    const bound = { float32: 1e-6, float16: 2e-2, uint8: 0.25 }[quantize];
    assert.ok(err <= bound, `${quantize}: max |Δ| = ${err}`);
    if (quantize === 'uint8') assert.ok(err > 0, 'quantisation changes something');
  }
  assert.ok(Math.abs(sizes.float16 / sizes.float32 - 0.5) < 1e-9);
  assert.ok(Math.abs(sizes.uint8 / sizes.float32 - 0.25) < 1e-9);
  tf.dispose([z, y]);
  assert.throws(() => readGeneratorFiles(os.tmpdir()), /no exported generator in .*generator\.json missing/);
});
