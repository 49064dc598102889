import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { byLength, curveTable, seedZeroCurves, thinSteps, type Curve } from '../../lib/run/suiteCurves';
import { suiteEntries } from '../../lib/run/suites';
import type { RunRecord } from '../../lib/run/scoreRecords';

const range = (every: number, last: number) => Array.from({ length: last / every }, (_, i) => (i + 1) * every);
const curve = (label: string, steps: number[]): Curve => ({
  label,
  config: label,
  at: new Map(steps.map((step) => [step, { step, samples: 2500, modes: 25, modesCovered: 20, highQualityFraction: step / 1e6, klFromUniform: 0.5, counts: [], nearestCounts: [], effectiveModes: 20 }])),
});

test('curve tables: at most about a dozen rows a run length, the last snapshot always among them', () => {
  assert.deepEqual(thinSteps(range(2000, 20000)), range(2000, 20000), 'ten snapshots: all of them');
  assert.deepEqual(thinSteps(range(2000, 120000)), range(10000, 120000));
  assert.deepEqual(thinSteps(range(10000, 400000)), range(50000, 400000));
  assert.deepEqual(thinSteps(range(2000, 130000)), [...range(20000, 120000), 130000], 'an odd last step is kept');
  assert.deepEqual(thinSteps([10, 20, 50]), [10, 20, 50], 'a smoke run: too short to thin');

  const ring = curve('toy-ring-gan', range(2000, 20000));
  const grid = curve('toy-grid-gan', range(2000, 120000));
  assert.deepEqual(byLength([grid, ring, curve('toy-ring-pacgan2', range(2000, 20000))]).map((g) => g.map((c) => c.label)), [['toy-ring-gan', 'toy-ring-pacgan2'], ['toy-grid-gan']]);
  const md = curveTable([ring, grid], false);
  const tables = md.split('\n\n').slice(1);
  assert.equal(tables.length, 2, 'one table for each run length');
  assert.match(tables[0], /^\| step \| toy-ring-gan \|\n/);
  assert.equal(tables[1].split('\n').length, 2 + 12);
  assert.match(tables[1], /\| 120000 \| 12% · 20 · 0\.50 \|$/);
  assert.equal(curveTable([], true), '');
});

test("seed-0 curves: the full-length runs apart, each named in a chart's legend by its config alone", () => {
  const point = { step: 10000, samples: 2500, modes: 25, modesCovered: 20, highQualityFraction: 0.5, klFromUniform: 0.5, counts: [], nearestCounts: [], effectiveModes: 20 };
  const records = new Map(suiteEntries('toy').filter((e) => e.seed === 0 && e.config.includes('grid-gan')).map((e) => [e, { coverage: [point] } as unknown as RunRecord]));
  const full = seedZeroCurves(records, true);
  assert.deepEqual(full.map((c) => c.config), ['toy-grid-gan']);
  assert.match(full[0].label, /^toy-grid-gan \(400,000 steps/);
  assert.deepEqual(seedZeroCurves(records, false).map((c) => [c.label, c.config]), [['toy-grid-gan', 'toy-grid-gan']]);
});
