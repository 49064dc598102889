import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUITES, scoresDir, suiteEntries, suiteRecords } from '../../lib/run/suites';
import { recordPath } from '../../lib/run/scoreRecords';

// The committed records are the README's tables: a config changed since a record was made (or a record whose run
// the suite no longer has) would show a number the suite cannot reproduce.
test("every committed score record is one of its suite's runs, made as the suite trains and scores it now", () => {
  for (const suite of SUITES) {
    const dir = scoresDir(suite);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    const known = new Set(suiteEntries(suite).map((e) => path.basename(recordPath(dir, e.out))));
    for (const f of files) assert.ok(known.has(f), `${path.join(dir, f)} is not a run of the ${suite} suite`);
    const standing = suiteRecords(suite);                      // throws, naming the change, on a stale record
    assert.equal(standing.length, files.length, `every record in ${dir} stands`);
  }
});

test("a suite's entries: the ablation's rows by seed, the attention row trained before the EMA row", () => {
  const ablation = suiteEntries('biggan-ablation');
  assert.deepEqual(ablation.filter((e) => e.seed === 1).map((e) => e.row), ['0-baseline', '1-shared-hierarchical', '2-ortho', '3-ema', '4-attention']);
  const rank = (row: string, seed: number) => ablation.find((e) => e.row === row && e.seed === seed)!.runRank!;
  assert.ok(rank('4-attention', 0) < rank('3-ema', 0) && rank('3-ema', 0) < rank('0-baseline', 1));
  assert.deepEqual(ablation.find((e) => e.row === '3-ema')!.evalArgs, ['--n', '10000', '--standing', '16']);
  assert.throws(() => suiteEntries('toys'), /unknown suite 'toys': toy, images, biggan-ablation/);
});
