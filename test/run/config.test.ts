import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE, PRESETS, resolveConfig } from '../../lib/run/config';

const tmpJson = (obj: unknown) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'run.json');
  fs.writeFileSync(file, JSON.stringify(obj));
  return file;
};

test('presets resolve over the base config, files extend presets, and flags win', () => {
  const sngan = resolveConfig('sngan');
  assert.equal(sngan.loss, 'hinge');
  assert.equal(sngan.arch.spectralNorm, true);
  assert.equal(sngan.batchSize, BASE.batchSize);
  const file = tmpJson({ extends: 'wgan-gp', arch: { ch: 8 }, steps: 10 });
  const c = resolveConfig(file, { steps: 3, seed: 5 });
  assert.equal(c.gradientPenalty, 10);
  assert.equal(c.dSteps, 5);
  assert.deepEqual(c.arch, { ch: 8 });
  assert.equal(c.steps, 3);
  assert.equal(c.seed, 5);
  assert.equal(c.preset, 'wgan-gp');
  for (const name of Object.keys(PRESETS)) if (!name.startsWith('biggan6') && !name.startsWith('biggan12')) assert.doesNotThrow(() => resolveConfig(name), name);
  // A file that changes one option of one player keeps the preset's other options for that player.
  const packed = resolveConfig(tmpJson({ extends: 'toy-grid-pacgan4', arch: { d: { pack: 2 } }, batchSize: 200 }));
  assert.deepEqual(packed.arch.d, { hidden: 200, depth: 3, maxout: 5, pack: 2 });
  assert.deepEqual(packed.arch.g, { hidden: 400, depth: 4, batchNorm: true });
});

test('config mistakes are errors that name the key and the fix', () => {
  assert.throws(() => resolveConfig(tmpJson({ extends: 'sngan', stpes: 10 })), /unknown key 'stpes' \(did you mean 'steps'\?\)\. Valid keys: extends, preset, model/);
  // arch keys too, per model kind, the players' g and d objects included.
  assert.throws(() => resolveConfig(tmpJson({ extends: 'biggan32-cpu', arch: { sharedEmbeding: false } })), /arch has no option 'sharedEmbeding' for a biggan model \(did you mean 'sharedEmbedding'\?\)/);
  assert.throws(() => resolveConfig(tmpJson({ extends: 'toy-grid-pacgan4', arch: { d: { maxuot: 5 } } })), /arch\.d has no option 'maxuot' for a toy model \(did you mean 'maxout'\?\)/);
  assert.equal(resolveConfig(tmpJson({ extends: 'biggan32-cpu', arch: { attention: [16] } })).arch.attention?.toString(), '16');
  assert.throws(() => resolveConfig(tmpJson({ extends: 'toy-grid-gan', arch: { g: null } })), /arch\.g must be an object of generator options, got null/);
  assert.throws(() => resolveConfig(tmpJson({ steps: '10' })), /'steps' must be a number, got "10"/);
  assert.throws(() => resolveConfig(tmpJson({ steps: 0 })), /'steps' must be a whole number ≥ 1/);
  assert.throws(() => resolveConfig(tmpJson({ loss: 'hing' })), /loss 'hing' is not one of minimax, non-saturating, wasserstein, hinge, least-squares/);
  assert.throws(() => resolveConfig(tmpJson({ extends: 'snagn' })), /extends 'snagn', which is not a preset/);
  assert.throws(() => resolveConfig('sngna'), /neither a preset \(did you mean 'sngan'\?\)/);
  assert.throws(() => resolveConfig('biggan64'), /--data folder:<path>/);
  const broken = tmpJson({});
  fs.writeFileSync(broken, '{ "steps": 1,');
  assert.throws(() => resolveConfig(broken), /is not valid JSON/);
});
