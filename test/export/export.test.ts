import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend } from '../../lib';
import { exportGenerator, readGeneratorFiles } from '../../lib/export/exportGenerator';
import { generatorFromSpec } from '../../lib/export/generatorSpec';
import { loadGenerator, outputFolder } from '../../lib/run/loadGenerator';
import { STANDING_SEED } from '../../lib/run/evaluateRun';
import { standingStatistics } from '../../lib/sample/standingStatistics';
import { truncatedLatents } from '../../lib/sample/truncation';
import { maxAbsDiff } from '../helpers';
import { ROOT, tinyConditionalRun } from './tinyRun';

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

test('an exported folder loads like a run: npm run export --standing bakes in the statistics evaluate would measure, and sample leaves the folder as it came', async () => {
  await initBackend({ backend: 'wasm' });
  const run = tinyConditionalRun(3, { emaDecay: 0.5, emaStart: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exported-'));
  const cli = (name: string, args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', `${name}.js`), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm' } });
  const exported = cli('export', ['--checkpoint', run, '--out', dir, '--standing', '2']);
  assert.equal(exported.status, 0, exported.stderr);

  const loaded = loadGenerator(dir);
  const fromRun = loadGenerator(run);
  assert.equal(loaded.which, 'ema');
  assert.equal(loaded.step, 3);
  assert.equal(loaded.standingBatches, 2);
  assert.deepEqual(loaded.cfg, JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')), "the spec carries the run's config");
  assert.deepEqual(loaded.classNames, fromRun.classNames);
  const z = truncatedLatents(4, loaded.g.cfg.zDim, { seed: 8 });
  const y = tf.tensor1d([0, 3, 6, 9], 'int32');
  const stored = fromRun.g.apply(z, y);
  standingStatistics(fromRun.g, { batches: 2, batchSize: 64, seed: STANDING_SEED });
  const standing = fromRun.g.apply(z, y);
  const out = loaded.g.apply(z, y);
  assert.ok(maxAbsDiff(out.dataSync(), standing.dataSync()) < 1e-6, 'the exported G is the EMA G with standing statistics');
  assert.ok(maxAbsDiff(out.dataSync(), stored.dataSync()) > 1e-3, 'which differ from the stored running statistics');
  tf.dispose([z, y, stored, standing, out]);

  assert.throws(() => loadGenerator(dir, { ema: false }), /holds the ema generator only, not the raw one: drop --raw/);
  const old = fs.mkdtempSync(path.join(os.tmpdir(), 'exported-old-'));
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'generator.json'), 'utf8'));
  delete spec.run;
  fs.writeFileSync(path.join(old, 'generator.json'), JSON.stringify(spec));
  fs.copyFileSync(path.join(dir, 'generator.bin'), path.join(old, 'generator.bin'));
  assert.throws(() => loadGenerator(old), /does not record its training config .*export it again/);

  assert.equal(outputFolder(dir, 'eval'), path.join('build', 'eval', path.basename(dir)), "an export's outputs go under build/");
  assert.equal(outputFolder(run, 'samples'), run, "a run's outputs go beside its checkpoint");
  const sampled = cli('sample', ['--checkpoint', dir, '--n', '10']);
  assert.equal(sampled.status, 0, sampled.stderr);
  const sheet = path.join(ROOT, 'build', 'samples', path.basename(dir), 'sample.png');
  assert.ok(fs.existsSync(sheet), sampled.stdout);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['generator.bin', 'generator.json'], 'nothing written into the exported folder');
  fs.rmSync(path.dirname(sheet), { recursive: true, force: true });
  for (const d of [dir, old, path.dirname(run)]) fs.rmSync(d, { recursive: true, force: true });
});
