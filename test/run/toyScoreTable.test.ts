import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { suiteEntries, type SuiteRecord } from '../../lib/run/suites';
import { modeSharesOverTraining, pacganCell, toyScoreTable } from '../../lib/run/toyScoreTable';
import { formatSeedSpread } from '../../lib/metrics/spread';
import type { CoveragePoint } from '../../lib/run/runFolder';

const point = (step: number, nearestCounts: number[], modesCovered = nearestCounts.length): CoveragePoint => ({
  step, samples: nearestCounts.reduce((a, b) => a + b, 0), modesCovered, modes: nearestCounts.length,
  highQualityFraction: 0.5, klFromUniform: 0.1, counts: nearestCounts, nearestCounts, effectiveModes: 2,
});

const run = (row: string, seed: number, modes: number, kl: number): SuiteRecord => {
  const e = suiteEntries('toy').find((x) => x.row === row && x.seed === seed)!;
  const toy = { ...point(0, [1, 1]), modesCovered: modes, modes: 25, highQualityFraction: 0.9, klFromUniform: kl, effectiveModes: modes - 1 };
  return { ...e, record: { config: e.config, trainArgs: [], eval: { run: e.out, preset: row, data: 'grid25', step: 120000, generator: 'raw', truncation: null, toy } } };
};

test("the toy table: one row per config, each score over its seeds in seed order, beside PacGAN's Table 1", () => {
  const t = toyScoreTable([run('toy-grid-pacgan4', 1, 24, 0.1), run('toy-grid-pacgan4', 0, 25, 0.04), run('toy-grid-msgan', 0, 19, 0.71)]);
  assert.deepEqual(t.header, ['', 'seeds', 'modes covered', 'high quality %', 'reverse KL', 'effective modes', 'PacGAN Table 1: modes / HQ % / KL']);
  // Sample std of 25 and 24 is √0.5 ≈ 0.71; seeds listed in order whatever the records' order.
  assert.deepEqual(t.rows[0], ['toy-grid-pacgan4', '0, 1', '24.5 ± 0.7 (25.0, 24.0)', '90.0 ± 0.0 (90.0, 90.0)', '0.07 ± 0.04 (0.04, 0.10)', '23.5 ± 0.7 (24.0, 23.0)', '24.8 / 93.6 / 0.04']);
  assert.deepEqual(t.rows[1].slice(2), ['19.0', '90.0', '0.71', '18.0', '– (not in the paper)'], 'one seed: its values alone');
  // A full-length run's config is a JSON file: its Table 1 figures are its preset's.
  const full = suiteEntries('toy').find((e) => e.row === 'toy-grid-gan-full')!;
  const r = run('toy-grid-gan', 0, 16, 0.62);
  assert.equal(toyScoreTable([{ ...r, ...full, record: r.record }]).rows[0][6], '17.3 / 94.8 / 0.70');
  const images = { ...r, record: { ...r.record, eval: { ...r.record.eval, toy: undefined } } };
  assert.throws(() => toyScoreTable([images]), /has no toy scores in its record/);
});

test("PacGAN's figures and the seed spread as the tables print them", () => {
  assert.equal(pacganCell('toy-ring-gan'), '6.3 / 98.2 / 0.45');
  assert.equal(pacganCell('toy-grid-msgan'), '– (not in the paper)');
  assert.equal(formatSeedSpread([10, 12], 2), '11.00 ± 1.41 (10.00, 12.00)');
  assert.equal(formatSeedSpread([7], 1), '7.0');
});

test('mode shares over training: each snapshot a row of shares summing to 1, in step order, a step logged twice keeps its last line', () => {
  const { steps, shares } = modeSharesOverTraining([point(2000, [3, 1]), point(1000, [2, 2]), point(2000, [0, 4])]);
  assert.deepEqual(steps, [1000, 2000]);
  assert.deepEqual(shares, [[0.5, 0.5], [0, 1]]);
});
