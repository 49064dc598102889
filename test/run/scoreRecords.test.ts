import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecord, recordMismatch, recordPath, settingsMismatch, writeRecord } from '../../lib/run/scoreRecords';
import { resolveConfig } from '../../lib/run/config';

const toyEval = (modes: number) => ({
  run: 'r', preset: 'toy-grid-gan', data: 'grid25', step: 20, generator: 'raw', truncation: null,
  toy: { samples: 2500, modes: 25, modesCovered: modes, highQualityFraction: 0.5, klFromUniform: 0.1, counts: [] },
});

test('a finished run becomes a record that outlives its folder, and is reused only with the same arguments and settings', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'records-'));
  const run = path.join(root, 'runs', 'toy-grid-gan-seed3');
  const scores = path.join(root, 'scores', 'toy');
  fs.mkdirSync(run, { recursive: true });
  // What train.js writes: the resolved config (a toy run's data adds nothing to it).
  fs.writeFileSync(path.join(run, 'config.json'), JSON.stringify(resolveConfig('toy-grid-gan', { seed: 3 })));
  assert.throws(() => writeRecord(scores, run, 'toy-grid-gan', ['--seed', '3'], []), /has no eval\.json: run npm run evaluate -- --checkpoint/);
  fs.writeFileSync(path.join(run, 'eval.json'), JSON.stringify(toyEval(21)));
  // The record keeps the snapshots' lines as they are, in order.
  fs.writeFileSync(path.join(run, 'coverage.jsonl'), [10, 20].map((step) => JSON.stringify({ step, modesCovered: step / 2, highQualityFraction: 0.1, klFromUniform: 1 })).join('\n') + '\n');
  writeRecord(scores, run, 'toy-grid-gan', ['--seed', '3'], []);
  assert.equal(recordPath(scores, run), path.join(scores, 'toy-grid-gan-seed3.json'));
  fs.rmSync(path.join(root, 'runs'), { recursive: true });

  const record = readRecord(scores, run)!;
  assert.equal(record.eval.toy?.modesCovered, 21);
  assert.deepEqual(record.coverage?.map((c) => c.modesCovered), [5, 10]);
  assert.equal(record.evalRaw, undefined);
  assert.deepEqual(recordMismatch(record, ['--seed', '3'], resolveConfig('toy-grid-gan', { seed: 3 }), []), [], 'the same run now: reused');
  assert.match(recordMismatch(record, ['--seed', '3', '--steps', '50'], resolveConfig('toy-grid-gan', { seed: 3, steps: 50 }), [])[0], /train arguments/);
  // A config whose settings changed after the run (here its rate) is redone, and the error names the change.
  const changed = resolveConfig('toy-grid-gan', { seed: 3, gLr: 3e-4 });
  assert.deepEqual(recordMismatch(record, ['--seed', '3'], changed, []), ['gLr: 0.0001 → 0.0003']);
  // Scores made from another sample count would not compare with the table's others.
  assert.deepEqual(recordMismatch(record, ['--seed', '3'], resolveConfig('toy-grid-gan', { seed: 3 }), ['--n', '5000']), ['evaluate arguments: none → --n 5000']);
  assert.deepEqual(recordMismatch({ ...record, evalArgs: undefined }, ['--seed', '3'], changed, []), ['the record holds no evaluate arguments to compare']);
  assert.deepEqual(recordMismatch({ ...record, settings: undefined }, ['--seed', '3'], changed, []), ['the record holds no settings to compare']);
  assert.equal(readRecord(scores, path.join(root, 'runs', 'toy-grid-gan-seed4')), undefined);
});

test('settings compare key by key, nested, on both sides but for the keys the data fills in', () => {
  assert.deepEqual(settingsMismatch({ a: 1, arch: { ch: 16, classes: 10 } }, { a: 1, arch: { ch: 16 } }), []);
  assert.deepEqual(settingsMismatch({ a: 1, arch: { ch: 16 } }, { a: 2, arch: { ch: 32, attn: [16] } }), ['a: 1 → 2', 'arch.ch: 16 → 32', 'arch.attn: absent → [16]']);
  // An option deleted from the config brings back its default: the record no longer stands for the run.
  assert.deepEqual(settingsMismatch({ arch: { ch: 16, sharedEmbedding: false, classes: 10 } }, { arch: { ch: 16 } }), ['arch.sharedEmbedding: false → absent']);
  // A record older than the entropy option trained without the term: it stands for entropy 0, not for any other.
  assert.deepEqual(settingsMismatch({ a: 1 }, { a: 1, entropy: 0 }), []);
  assert.deepEqual(settingsMismatch({ a: 1 }, { a: 1, entropy: 0.5 }), ['entropy: absent → 0.5']);
  assert.deepEqual(settingsMismatch({ a: 1, entropy: 0.5 }, { a: 1, entropy: 0 }), ['entropy: 0.5 → 0']);
});
