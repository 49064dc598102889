import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { suiteMarkdownTable, type SuiteRecords } from '../../lib/run/suiteMarkdownTable';
import { suiteEntries } from '../../lib/run/suites';
import type { RunEvaluation } from '../../lib/run/evaluateRun';
import type { ImageReport } from '../../lib/metrics/report';

const base = { run: 'r', preset: 'p', step: 100, truncation: null } as const;
const toyEval = (data: string, modesCovered: number, hq: number, kl: number): RunEvaluation => ({
  ...base, data, generator: 'raw',
  toy: { samples: 2500, modesCovered, modes: 25, highQualityFraction: hq, klFromUniform: kl, effectiveModes: 20,
    counts: [], nearestCounts: [] },
});
const images = (fid: number, accuracy: number): ImageReport => ({
  extractor: 'x', nReal: 10000, nFake: 10000, reference: 'test', fid, kid: { mean: 0.01, std: 0.001 },
  inceptionScore: { mean: 7, std: 0.1 }, precision: 0.7, recall: 0.3,
  classAccuracy: { overall: accuracy, perClass: [] },
});
const imageEval = (generator: 'ema' | 'raw', fid: number, accuracy: number): RunEvaluation => ({
  ...base, data: 'fashion-mnist', generator, images: images(fid, accuracy),
});
const rowsOf = (md: string, start: string) => md.split('\n').filter((l) => l.startsWith(`| ${start}`));

test('a toy row: mean ± std over its seeds, next to PacGAN\'s figures; the full-length row too', () => {
  const entries = suiteEntries('toy');
  const find = (row: string, seed: number) => entries.find((e) => e.row === row && e.seed === seed)!;
  const records: SuiteRecords = new Map(entries.map((e) => [e, undefined]));
  records.set(find('toy-grid-gan', 0), { config: 'c', trainArgs: [], eval: toyEval('grid25', 20, 0.5, 0.3) });
  records.set(find('toy-grid-gan', 1), { config: 'c', trainArgs: [], eval: toyEval('grid25', 22, 0.7, 0.1) });
  const full = entries.find((e) => e.row.startsWith('toy-grid-pacgan4') && e.row !== 'toy-grid-pacgan4')!;
  records.set(full, { config: 'c', trainArgs: [], eval: toyEval('grid25', 25, 0.9, 0.05) });
  const md = suiteMarkdownTable(records);

  const [grid] = rowsOf(md, 'toy-grid-gan |');
  assert.match(grid, /\| 2 \| 100 \| 21\.0 ± 1\.0 \/ 25 \| 60\.0 ± 10\.0 \| 0\.200 ± 0\.100 \| 0\/2 seeds \| 17\.3 \/ 94\.8 \/ 0\.70 \|$/);
  const [long] = rowsOf(md, 'toy-grid-pacgan4 (');
  assert.match(long, /\| 1\/1 seeds \| 24\.8 \/ 93\.6 \/ 0\.04 \|$/, "the full-length row's config is PacGAN4's");
  assert.equal(rowsOf(md, 'toy-ring').length, 0, 'runs without a record are not shown');
  assert.equal(rowsOf(md, 'chance').length, 1, 'one chance row, for the one mixture in the table');
  assert.match(rowsOf(md, 'chance')[0], /\(grid25\) \| 10 draws \|/);
});

test('an ablation row: mean ± sample std over seeds, and its raw G in a row of its own', () => {
  const entries = suiteEntries('biggan-ablation').filter((e) => e.row === '3-ema' && e.seed! < 2);
  const records: SuiteRecords = new Map(entries.map((e, i) => [e, {
    config: e.config, trainArgs: [], eval: imageEval('ema', [10, 12][i], [0.8, 0.9][i]),
    evalRaw: imageEval('raw', [20, 20][i], [0.85, 0.85][i]),
  }]));
  const md = suiteMarkdownTable(records);
  const [ema, raw] = rowsOf(md, '+ EMA');
  assert.match(ema, /\(2 seeds, ± over seeds\) \| 100 \| ema \| 11\.00 ± 1\.41 \|/, 'sample std: 1.41, not 1.00');
  assert.match(ema, /\| 85\.0 ± 7\.1% \| 10000 \/ 10000 \|$/);
  assert.match(raw, /— its raw G \(2 seeds, ± over seeds\) \| 100 \| raw \| 20\.00 ± 0\.00 \|/);
  assert.equal(rowsOf(md, 'chance').length, 0, 'image suites have no chance rows');
});
