import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig, type RunConfig } from '../../lib/run/config';
import { RunFolder } from '../../lib/run/runFolder';
import { recordPath, shorterRun, writeRecord } from '../../lib/run/scoreRecords';
import { planSuite, setAsideEarlierScores } from '../../lib/run/suitePlan';
import { scoresDir, type SuiteEntry } from '../../lib/run/suites';

const toyEval = (step: number) => ({ run: 'r', preset: 'toy-grid-gan', data: 'grid25', step, generator: 'raw', truncation: null,
  toy: { samples: 2500, modes: 25, modesCovered: 20, highQualityFraction: 0.5, klFromUniform: 0.1, counts: [] } });

/** A run folder as train.js leaves it: its settings, a checkpoint, and scores if it was evaluated (at `scoredAt`). */
function runFolder(dir: string, cfg: RunConfig, scoredAt?: number): void {
  new RunFolder(dir).writeConfig(cfg);
  fs.mkdirSync(path.join(dir, 'checkpoint'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'checkpoint', 'checkpoint.json'), '{}');
  if (scoredAt !== undefined) fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify(toyEval(scoredAt)));
}

test('a suite plan: standing records skipped, shorter runs carried on to a raised budget, changed settings refused', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const scores = scoresDir('toy', root);
  const entry = (seed: number): SuiteEntry => ({ label: 'toy-grid-gan', row: 'toy-grid-gan', seed, config: 'toy-grid-gan', out: path.join(root, 'runs', `toy-grid-gan-seed${seed}`), overrides: { seed }, evalArgs: [] });
  const now = (seed: number) => resolveConfig('toy-grid-gan', { seed });
  const steps = now(0).steps;
  const shorter = (seed: number) => ({ ...now(seed), steps: steps - 10 * now(seed).sampleEvery });
  const record = (seed: number, cfg: RunConfig) => {
    runFolder(entry(seed).out, cfg, cfg.steps);
    writeRecord(scores, entry(seed).out, 'toy-grid-gan', ['--seed', String(seed)], []);
  };

  record(0, now(0));                                           // finished as the suite trains it now: skipped
  runFolder(entry(1).out, now(1));                             // part way: resumed
  runFolder(entry(2).out, shorter(2));                         // part way under a smaller budget: carried on
  record(3, shorter(3));                                       // finished and recorded under it: carried on
  record(4, shorter(4));                                       // ... then stopped while carrying on: resumed
  runFolder(entry(4).out, now(4));
  fs.rmSync(path.join(entry(4).out, 'eval.json'));
  record(5, shorter(5));                                       // its folder gone: nothing to carry on from
  fs.rmSync(entry(5).out, { recursive: true });
  runFolder(entry(6).out, { ...shorter(6), gLr: 3e-4 });        // fewer steps, and another rate: refused
  record(7, { ...now(7), steps: steps + 1000 });                // more steps than now: a lowered budget is refused
  record(8, shorter(8));                                       // recorded shorter, its folder since changed otherwise
  runFolder(entry(8).out, { ...now(8), dLr: 3e-4 });
  runFolder(entry(9).out, { ...shorter(9), steps: steps - 1 }); // a budget off the snapshot grid: refused

  const plan = planSuite('toy', Array.from({ length: 10 }, (_, seed) => entry(seed)), root);
  assert.deepEqual(plan.queue.map((e) => e.seed), [1, 2, 3, 4]);
  assert.deepEqual([...plan.raised].map(([e, b]) => [e.seed, b]), [2, 3].map((seed) => [seed, { from: shorter(seed).steps, to: steps }]));
  assert.equal(plan.refusals.length, 5);
  assert.match(plan.refusals[0], /seed5\.json was made with fewer steps .* holds no checkpoint of it to carry on from: delete the record/);
  assert.match(plan.refusals[1], /seed6 started with other settings .*\(steps: \d+ → \d+; gLr: 0\.0003 → 0\.0001\)/);
  assert.match(plan.refusals[2], /seed7\.json was made otherwise .*\(steps: \d+ → \d+\): delete it and/);
  assert.match(plan.refusals[3], /seed8\.json was made otherwise .*: delete it and .*seed8 to redo that run/);
  assert.match(plan.refusals[4], /seed9 started with other settings .*\(steps: \d+ → \d+\)/);
  assert.ok(fs.existsSync(recordPath(scores, entry(0).out)) && fs.existsSync(path.join(entry(0).out, 'eval.json')));
});

test("a budget raised: the shorter run's scores are set aside by their step, whoever carried the run on", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aside-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = resolveConfig('toy-grid-gan', {});
  // Resumed at the command line to the new budget: its config says so already, its scores are the old ones.
  runFolder(dir, cfg, 20000);
  fs.writeFileSync(path.join(dir, 'eval-raw.json'), JSON.stringify(toyEval(20000)));
  assert.equal(setAsideEarlierScores(dir, cfg.steps), true);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('eval')).sort(), ['eval-raw-step20000.json', 'eval-step20000.json']);
  // Scores made at the full length stay; so does a folder with none.
  fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify(toyEval(cfg.steps)));
  assert.equal(setAsideEarlierScores(dir, cfg.steps), false);
  assert.ok(fs.existsSync(path.join(dir, 'eval.json')));
  fs.rmSync(path.join(dir, 'eval.json'));
  assert.equal(setAsideEarlierScores(dir, cfg.steps), false);
});

test('a shorter run is one whose settings differ only by fewer steps, ending on a snapshot and a log step', () => {
  const now = resolveConfig('toy-grid-gan', {});
  const settings = (o: Partial<RunConfig>) => ({ ...now, ...o }) as unknown as Record<string, unknown>;
  assert.equal(shorterRun(settings({ steps: 20000 }), now), 20000);
  assert.equal(shorterRun(settings({}), now), undefined, 'the same budget: not shorter');
  assert.equal(shorterRun(settings({ steps: now.steps + 2000 }), now), undefined);
  assert.equal(shorterRun(settings({ steps: 20000, beta1: 0.5 }), now), undefined);
  assert.equal(shorterRun(settings({ steps: 20000 + now.sampleEvery / 2 }), now), undefined, 'its last snapshot is off the grid');
});
