import { formatSeedSpread } from '../metrics/spread';
import type { ImageReport } from '../metrics/report';
import type { Table } from '../viz/table';
import { recordsByRow, type SuiteRecord } from './suites';

/** Configures `suiteScoreTable`: which generator's scores, and the rows' names. */
export interface SuiteScoreTableOptions {
  /**
   * 'eval': the run's scored generator (its EMA G where it has one); 'evalRaw': an EMA run's raw G; 'raw': every
   * run's raw G — an EMA run's evalRaw, another run's eval — so that rows with and without an EMA compare the
   * weights as trained. Default 'eval'.
   */
  generator?: 'eval' | 'evalRaw' | 'raw';
  /** Names for rows by their `row` id (default: the suite's labels). */
  labels?: Record<string, string>;
}

const METRICS: [string, (m: ImageReport) => number | undefined, number][] = [
  ['FID ↓', (m) => m.fid, 2],
  ['IS ↑', (m) => m.inceptionScore?.mean, 2],
  ['precision ↑', (m) => m.precision, 3],
  ['recall ↑', (m) => m.recall, 3],
  ['class accuracy % ↑', (m) => (m.classAccuracy ? 100 * m.classAccuracy.overall : undefined), 1],
];

/**
 * The image scores of a suite's finished runs (`suiteRecords`), one row per config in the order given: each cell
 * the mean ± sample standard deviation over its seeds, then every seed's value in seed order, so that a reader
 * sees whether a difference between rows is larger than the spread within one.
 */
export function suiteScoreTable(records: SuiteRecord[], o: SuiteScoreTableOptions = {}): Table {
  const which = o.generator ?? 'eval';
  const rows = recordsByRow(records).map((seeded) => {
    const row = seeded[0].row;
    const reports = seeded.map((r) => {
      const scored = which === 'raw' ? r.record.evalRaw ?? (r.record.eval.generator === 'raw' ? r.record.eval : undefined) : r.record[which];
      const images = scored?.images;
      if (!images) throw new Error(`${r.out} has no ${which === 'eval' ? '' : 'raw-G '}image scores in its record`);
      return images;
    });
    const cells = METRICS.map(([, get, digits]) => {
      const v = reports.map(get);
      if (v.some((x) => x === undefined)) return '–';
      return formatSeedSpread(v as number[], digits);
    });
    return [o.labels?.[row] ?? seeded[0].label, seeded.map((r) => r.seed ?? '–').join(', '), ...cells];
  });
  return { header: ['', 'seeds', ...METRICS.map(([name]) => name)], rows };
}
