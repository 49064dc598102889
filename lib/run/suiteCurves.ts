import type { RunRecord } from './scoreRecords';
import type { SuiteRecords } from './suiteMarkdownTable';
import { configName, FULL_LENGTH } from './suites';

/** One run's mode coverage over training, by step: a curve of the toy suite's. */
export interface Curve {
  /** The run's row in the tables (a full-length run's names its length). */
  label: string;
  /** The run's config, without the suite's wording: what a chart's legend names. */
  config: string;
  at: Map<number, NonNullable<RunRecord['coverage']>[number]>;
}

/**
 * For the toy suite: seed 0 of every config recorded so far over training (or the runs at PacGAN's full length),
 * from the coverage its snapshots wrote — the high-quality fraction sharpens long after the modes are found, and
 * this shows how far each row got. A column for every config would be mostly empty mid-suite.
 */
export function seedZeroCurves(records: SuiteRecords, fullLength: boolean): Curve[] {
  const seed0 = [...records.keys()].filter((e) => e.seed === 0 && e.row.endsWith(FULL_LENGTH) === fullLength && records.get(e)?.coverage?.length);
  // A resumed run may have logged a step twice: the last line for a step wins.
  return seed0.map((e) => ({ label: e.label, config: configName(e), at: new Map((records.get(e)?.coverage ?? []).map((r) => [r.step, r])) }));
}

/** The heading of a set of curves (also the chart's title). */
export const curveTitle = (fullLength: boolean) => (fullLength ? "The runs at PacGAN's full length over training" : 'Seed 0 over training');

/**
 * The snapshot steps a table shows: those at the roundest stride (1, 2 or 5 × 10ⁿ) that leaves at most `rows`, and
 * the last one. A 120,000-step run snapshots every 2,000 steps: 60 rows would bury the curve.
 */
export function thinSteps(steps: readonly number[], rows = 12): number[] {
  const last = steps.at(-1) ?? 0;
  const strides = [1, 10, 100, 1000, 10000, 100000].flatMap((p) => [p, 2 * p, 5 * p]);
  const stride = strides.find((s) => last / s <= rows) ?? last;
  return steps.filter((st) => st % stride === 0 || st === last);
}

/** Curves grouped by the step count their runs reached, shortest first: the ring's and the grid's budgets differ. */
export function byLength(curves: readonly Curve[]): Curve[][] {
  const groups = new Map<number, Curve[]>();
  for (const c of curves) {
    const last = Math.max(...c.at.keys());
    groups.set(last, [...(groups.get(last) ?? []), c]);
  }
  return [...groups.entries()].sort(([x], [y]) => x - y).map(([, g]) => g);
}

/** The curves as Markdown: a table of snapshots for each run length, under one heading; empty without curves. */
export function curveTable(curves: readonly Curve[], fullLength: boolean): string {
  if (curves.length === 0) return '';
  // The snapshots draw one fixed set of latents and the final score another, so a run's last row can differ from
  // its score in the table above by a draw's noise: the heading says so, lest a reader take it for a discrepancy.
  const what = 'high-quality % · modes covered · reverse KL of 2,500 samples from fixed latents at each snapshot';
  const note = 'a separate draw from the final scores above, so the last row can differ from them a little';
  const tables = byLength(curves).map((group) => {
    const steps = thinSteps([...new Set(group.flatMap((c) => [...c.at.keys()]))].sort((a, b) => a - b));
    const head = `| step | ${group.map((c) => c.label).join(' | ')} |`;
    const rule = `|---|${group.map(() => '---').join('|')}|`;
    const body = steps.map((st) => `| ${st} | ${group.map((c) => {
      const r = c.at.get(st);
      return r ? `${(100 * r.highQualityFraction).toFixed(0)}% · ${r.modesCovered} · ${r.klFromUniform.toFixed(2)}` : '';
    }).join(' | ')} |`);
    return [head, rule, ...body].join('\n');
  });
  return [`${curveTitle(fullLength)} (${what}; ${note}):`, ...tables].join('\n\n');
}
