import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUITES, scoresDir, suiteEntries, suiteQueue, suiteRecords, type SuiteRecord } from '../../lib/run/suites';
import { suiteScoreTable } from '../../lib/run/suiteScoreTable';
import { recordPath } from '../../lib/run/scoreRecords';
import { resolveConfig } from '../../lib/run/config';

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

test("a suite's entries: the ablation's rows by seed; notebook 08's pair, attention first, over three seeds", () => {
  const ablation = suiteEntries('biggan-ablation');
  const rowsOf = (seed: number) => ablation.filter((e) => e.seed === seed).map((e) => e.row);
  assert.deepEqual(rowsOf(1), ['0-baseline', '1-shared-hierarchical', '2-ortho', '3-ema', '4-attention']);
  assert.deepEqual(rowsOf(2), ['3-ema', '4-attention'], 'a third seed for the pair notebook 08 compares');
  assert.ok(ablation.every((e) => Number.isInteger(e.runRank) && e.runRank! >= 0), 'every run has a place');
  assert.equal(new Set(ablation.map((e) => e.runRank)).size, ablation.length, 'and no two the same one');
  const rank = (row: string, seed: number) => ablation.find((e) => e.row === row && e.seed === seed)!.runRank!;
  assert.ok(rank('4-attention', 0) < rank('3-ema', 0) && rank('3-ema', 0) < rank('4-attention', 1));
  assert.ok(rank('4-attention', 1) < rank('3-ema', 1) && rank('3-ema', 1) < rank('4-attention', 2));
  assert.ok(rank('4-attention', 2) < rank('3-ema', 2) && rank('3-ema', 2) < rank('0-baseline', 1));
  assert.ok(rank('2-ortho', 1) < rank('5-wide', 0), 'the wide row, about two rows long, comes last');
  assert.deepEqual(ablation.find((e) => e.row === '3-ema')!.evalArgs, ['--n', '10000', '--standing', '16']);
  assert.throws(() => suiteEntries('toys'), /unknown suite 'toys': toy, images, biggan-ablation/);
});

test("the toy suite: 7 rows × 10 seeds, then the grid's GAN and PacGAN4 at PacGAN's full length, last", () => {
  const toy = suiteEntries('toy');
  assert.equal(toy.length, 72);
  // Queued after every run of the table, wherever they are listed.
  const queue = suiteQueue([...toy.slice(-2), ...toy.slice(0, -2)]);
  const full = queue.slice(-2);
  assert.deepEqual(full.map((e) => e.row), ['toy-grid-gan-full', 'toy-grid-pacgan4-full']);
  for (const e of full) {
    const cfg = resolveConfig(e.config, e.overrides);
    const preset = resolveConfig(e.row.replace(/-full$/, ''), e.overrides);
    // 400 epochs of 100,000 samples at 100 (packed) examples a batch, PacGAN's settings otherwise.
    assert.equal(cfg.steps, 400_000);
    const { extends: base, ...settings } = cfg as typeof cfg & { extends?: string };
    assert.equal(base, preset.preset);
    assert.deepEqual({ ...settings, steps: 0, sampleEvery: 0, checkpointEvery: 0 }, { ...preset, steps: 0, sampleEvery: 0, checkpointEvery: 0 });
    assert.ok(cfg.checkpointEvery <= 5000, 'a run of hours checkpoints often');
  }
  assert.ok(suiteEntries('toy', { steps: 50 }).every((e) => e.overrides.steps === 50 && e.out.endsWith('-steps50')), 'a smoke test shortens every run, into folders of its own');
  assert.match(suiteEntries('toy', { steps: 50 }).at(-1)!.label, /^toy-grid-pacgan4 \(50 steps/);
  assert.match(full[1].label, /^toy-grid-pacgan4 \(400,000 steps, PacGAN's full length\)$/);
});

test('a score table: one row per config, mean ± sample std over seeds and every seed in order', () => {
  const images = (fid: number) => ({ extractor: 'x', nReal: 10, nFake: 10, reference: 'r', fid, kid: { mean: 0, std: 0 }, precision: 0.5, recall: 0.25 });
  const scores = (generator: 'ema' | 'raw', fid: number) => ({ run: 'r', preset: 'p', data: 'd', step: 1, generator, truncation: null, images: images(fid) });
  const run = (row: string, seed: number, fid: number, raw?: number): SuiteRecord => ({
    ...suiteEntries('biggan-ablation').find((e) => e.row === row && e.seed === seed)!,
    record: { config: row, trainArgs: [], eval: scores('ema', fid), ...(raw === undefined ? {} : { evalRaw: scores('raw', raw) }) },
  });
  const t = suiteScoreTable([run('3-ema', 1, 12, 9), run('3-ema', 0, 10, 8), run('4-attention', 0, 7, 6)], { labels: { '3-ema': 'without' } });
  assert.deepEqual(t.header, ['', 'seeds', 'FID ↓', 'IS ↑', 'precision ↑', 'recall ↑', 'class accuracy % ↑']);
  // Seeds in order whatever the records' order; sample std of 10 and 12 is √2.
  assert.deepEqual(t.rows[0], ['without', '0, 1', '11.00 ± 1.41 (10.00, 12.00)', '–', '0.500 ± 0.000 (0.500, 0.500)', '0.250 ± 0.000 (0.250, 0.250)', '–']);
  assert.equal(t.rows[1][2], '7.00', 'one seed: its value alone');
  assert.equal(suiteScoreTable([run('3-ema', 0, 10, 8)], { generator: 'evalRaw' }).rows[0][2], '8.00');
  assert.throws(() => suiteScoreTable([run('4-attention', 0, 7)], { generator: 'evalRaw' }), /has no raw-G image scores/);
  // 'raw': an EMA run's raw G, another run's only G.
  const plain = run('2-ortho', 0, 9);
  plain.record.eval.generator = 'raw';
  const raw = suiteScoreTable([run('3-ema', 0, 10, 8), plain], { generator: 'raw' }).rows;
  assert.deepEqual(raw.map((r) => r[2]), ['8.00', '9.00']);
  assert.throws(() => suiteScoreTable([run('4-attention', 0, 7)], { generator: 'raw' }), /has no raw-G image scores/);
});

test("a notebook reads a suite's records from notebooks/, the repository's root given as '..'", () => {
  const here = process.cwd();
  const fromRoot = suiteRecords('toy').map((r) => [r.out, r.label, r.record.eval.toy?.modesCovered]);
  try {
    process.chdir(path.join(here, 'notebooks'));
    const fromNotebooks = suiteRecords('toy', { root: '..' }).map((r) => [r.out, r.label, r.record.eval.toy?.modesCovered]);
    assert.deepEqual(fromNotebooks, fromRoot);
    // The full-length rows' labels read their configs' step counts: without the root those files are not found.
    assert.throws(() => suiteRecords('toy'), /results\/toy-full\/toy-grid-gan\.json does not exist/);
  } finally {
    process.chdir(here);
  }
});
