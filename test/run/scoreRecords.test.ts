import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecord, recordPath, writeRecord } from '../../lib/cli/scoreRecords';

const toyEval = (modes: number) => ({
  run: 'r', preset: 'toy-grid-gan', data: 'grid25', step: 20, generator: 'raw', truncation: null,
  toy: { samples: 2500, modes: 25, modesCovered: modes, highQualityFraction: 0.5, klFromUniform: 0.1, counts: [] },
});

test('a finished run becomes a record that outlives its folder, and is reused only with the same arguments', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'records-'));
  const run = path.join(root, 'runs', 'toy-grid-gan-seed3');
  const scores = path.join(root, 'scores', 'toy');
  fs.mkdirSync(run, { recursive: true });
  assert.throws(() => writeRecord(scores, run, 'toy-grid-gan', ['--seed', '3']), /has no eval\.json: run npm run evaluate -- --checkpoint/);
  fs.writeFileSync(path.join(run, 'eval.json'), JSON.stringify(toyEval(21)));
  // The record keeps the snapshots' lines as they are, in order.
  fs.writeFileSync(path.join(run, 'coverage.jsonl'), [10, 20].map((step) => JSON.stringify({ step, modesCovered: step / 2, highQualityFraction: 0.1, klFromUniform: 1 })).join('\n') + '\n');
  writeRecord(scores, run, 'toy-grid-gan', ['--seed', '3']);
  assert.equal(recordPath(scores, run), path.join(scores, 'toy-grid-gan-seed3.json'));
  fs.rmSync(path.join(root, 'runs'), { recursive: true });

  const record = readRecord(scores, run, ['--seed', '3']);
  assert.equal(record?.eval.toy?.modesCovered, 21);
  assert.deepEqual(record?.coverage?.map((c) => c.modesCovered), [5, 10]);
  assert.equal(record?.evalRaw, undefined);
  assert.equal(readRecord(scores, run, ['--seed', '3', '--steps', '50']), undefined, 'a record made with other arguments is redone');
  assert.equal(readRecord(scores, path.join(root, 'runs', 'toy-grid-gan-seed4')), undefined);
});
