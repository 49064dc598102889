import { studentTwoSidedP } from './studentT';

/** Mean and standard deviation of a metric over subsets (KID, IS) or over seeds. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** The mean and population standard deviation (divisor n) of a list of values. */
export function meanStd(values: number[]): MeanStd {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std };
}

/**
 * The median of a list of values: the middle one, or the mean of the two middle ones for an even count. Step
 * timings use it rather than the mean, since a machine shared with other jobs stalls a step now and then.
 */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * "mean ± std" of a list of values with `digits` decimals: the spread over seeds that the notebooks' tables and
 * the results suites print. The std is the population one (divisor n) unless `sample` (divisor n − 1, the
 * estimate of the spread between further seeds); `scale` multiplies the values first (100 for percentages).
 */
export function formatMeanStd(values: number[], digits = 2, options: { sample?: boolean; scale?: number } = {}): string {
  const scale = options.scale ?? 1;
  const { mean, std } = meanStd(values.map((v) => scale * v));
  const n = values.length;
  const spread = options.sample && n > 1 ? std * Math.sqrt(n / (n - 1)) : std;
  return `${mean.toFixed(digits)} ± ${spread.toFixed(digits)}`;
}

/**
 * A score over seeds as a table cell: mean ± sample std, then each seed's value in order, so that a reader sees
 * whether a difference between rows is larger than the spread within one; a single seed's value alone.
 */
export function formatSeedSpread(values: number[], digits = 2): string {
  if (values.length === 1) return values[0].toFixed(digits);
  return `${formatMeanStd(values, digits, { sample: true })} (${values.map((x) => x.toFixed(digits)).join(', ')})`;
}

/** Welch's test of two groups of seeds: its statistic, degrees of freedom and two-sided p-value. */
export interface WelchTest {
  /** The difference of the means (b − a) in units of its standard error √(s_a²/n_a + s_b²/n_b). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom: between min(n_a, n_b) − 1 and n_a + n_b − 2, lower the more the
   * groups' spreads differ. */
  df: number;
  /** The chance of a |t| at least this large were the two groups' means equal (each group normal, their spreads
   * free to differ); approximate, as Welch's test is. */
  p: number;
}

/** Each group's mean and squared standard error of the mean, s²/n = σ²/(n − 1), from its sample variance. */
function groupsOf(a: number[], b: number[], who: string) {
  if (a.length < 2 || b.length < 2) throw new Error(`${who} needs two values or more in each group, got ${a.length} and ${b.length}`);
  const [sa, sb] = [a, b].map((v) => {
    const { mean, std } = meanStd(v);
    return { mean, se2: (std * std) / (v.length - 1), n: v.length };
  });
  const se2 = sa.se2 + sb.se2;
  if (se2 === 0) throw new Error(`${who}: both groups are constant, so their difference has no standard error`);
  return { sa, sb, se2 };
}

/**
 * Welch's t-test (unequal variances) of two groups of seeds: is the difference of their means larger than their
 * seed-to-seed spreads explain? t is positive when `b`'s mean is the higher (b is tested against a). With two or
 * three seeds a side the degrees of freedom are few, and so the |t| a difference needs is large (p < 0.05 needs
 * |t| > 4.3 at 2 degrees of freedom, 12.7 at 1). Each group needs two values or more, and some spread between
 * them.
 */
export function welchTest(a: number[], b: number[]): WelchTest {
  const { sa, sb, se2 } = groupsOf(a, b, 'welchTest');
  const t = (sb.mean - sa.mean) / Math.sqrt(se2);
  // Welch–Satterthwaite, (Σ w)² / Σ w²/(n − 1) with w = s²/n, written with the shares of se² so that tiny spreads
  // do not underflow.
  const [wa, wb] = [sa.se2 / se2, sb.se2 / se2];
  const df = 1 / ((wa * wa) / (sa.n - 1) + (wb * wb) / (sb.n - 1));
  if (!Number.isFinite(t)) throw new Error(`welchTest: the groups' means are not finite numbers (${sa.mean}, ${sb.mean})`);
  return { t, df, p: studentTwoSidedP(t, df) };
}

/** Welch's t statistic alone: how many standard errors apart two groups' means lie (`welchTest`'s t). */
export function welchT(a: number[], b: number[]): number {
  const { sa, sb, se2 } = groupsOf(a, b, 'welchT');
  return (sb.mean - sa.mean) / Math.sqrt(se2);
}
