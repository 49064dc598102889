import { formatSeedSpread } from '../metrics/spread';
import type { ModeCoverage } from '../metrics/modeCoverage';
import type { Table } from '../viz/table';
import type { CoveragePoint } from './runFolder';
import { configName, recordsByRow, type SuiteRecord } from './suites';

/** One row of PacGAN's Table 1: modes covered, high-quality samples in %, reverse KL (means of 10 runs). */
export interface PacganFigures {
  modes: number;
  highQualityPercent: number;
  reverseKl: number;
}

/**
 * PacGAN's Table 1 (Lin et al., 2018; 400 epochs of 100,000 samples), by the toy suite's config: the figures its
 * rows are compared with. The mode-seeking row is the kit's own and has none.
 */
export const PACGAN_TABLE1: Readonly<Record<string, PacganFigures>> = {
  'toy-ring-gan': { modes: 6.3, highQualityPercent: 98.2, reverseKl: 0.45 },
  'toy-ring-pacgan2': { modes: 7.9, highQualityPercent: 95.6, reverseKl: 0.07 },
  'toy-ring-pacgan4': { modes: 7.8, highQualityPercent: 95.9, reverseKl: 0.07 },
  'toy-grid-gan': { modes: 17.3, highQualityPercent: 94.8, reverseKl: 0.7 },
  'toy-grid-pacgan2': { modes: 23.8, highQualityPercent: 91.3, reverseKl: 0.13 },
  'toy-grid-pacgan4': { modes: 24.8, highQualityPercent: 93.6, reverseKl: 0.04 },
};

/** A config's Table 1 figures as the tables print them, `modes / HQ % / KL`; a dash where the paper has none. */
export function pacganCell(config: string): string {
  const f = PACGAN_TABLE1[config];
  return f ? `${f.modes.toFixed(1)} / ${f.highQualityPercent.toFixed(1)} / ${f.reverseKl.toFixed(2)}` : '– (not in the paper)';
}

/** The toy scores a table shows, from a finished run's PacGAN protocol scores. */
const METRICS: [string, (t: ModeCoverage) => number, number][] = [
  ['modes covered', (t) => t.modesCovered, 1],
  ['high quality %', (t) => 100 * t.highQualityFraction, 1],
  ['reverse KL', (t) => t.klFromUniform, 2],
  ['effective modes', (t) => t.effectiveModes, 1],
];

/**
 * The toy suite's finished runs (`suiteRecords('toy')`) as a table, one row per config in suite order: each score
 * over the row's seeds (`formatSeedSpread`), and PacGAN's Table 1 figures for the config. What a notebook shows of
 * the suite without training it; the README's table (`npm run results -- --suite toy --table-only`) gives the
 * population std over seeds instead, as its earlier tables did.
 */
export function toyScoreTable(records: SuiteRecord[]): Table {
  const rows = recordsByRow(records).map((seeded) => {
    const scores = seeded.map((r) => {
      if (!r.record.eval.toy) throw new Error(`${r.out} has no toy scores in its record: it is not a toy run`);
      return r.record.eval.toy;
    });
    const config = configName(seeded[0]);
    return [
      seeded[0].label,
      seeded.map((r) => r.seed ?? '–').join(', '),
      ...METRICS.map(([, get, digits]) => formatSeedSpread(scores.map(get), digits)),
      pacganCell(config),
    ];
  });
  return { header: ['', 'seeds', ...METRICS.map(([name]) => name), 'PacGAN Table 1: modes / HQ % / KL'], rows };
}

/**
 * Each mode's share of a run's samples at every snapshot (`RunRecord.coverage`), nearest mode however far: the
 * rows of a heatmap in which a collapse shows as a few bright cells that move, and a spread generator as an even
 * band. A step logged twice (a resumed run) keeps its last line.
 */
export function modeSharesOverTraining(coverage: readonly CoveragePoint[]): { steps: number[]; shares: number[][] } {
  const at = new Map(coverage.map((c) => [c.step, c]));
  const steps = [...at.keys()].sort((a, b) => a - b);
  return { steps, shares: steps.map((s) => at.get(s)!.nearestCounts.map((n) => n / at.get(s)!.samples)) };
}
