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
 * Welch's t: the difference of two groups' means (b − a) in units of its standard error √(s_a²/n_a + s_b²/n_b),
 * with sample variances — how many standard errors apart two methods' seeds put them. With three seeds a side
 * Welch's degrees of freedom are at most 4, and |t| must pass 2.8 (more, down to 2 degrees of freedom: 4.3) before
 * chance explains it less than one time in twenty; with two a side, 4.3 or more. Each group needs two values or
 * more, and some spread between them.
 */
export function welchT(a: number[], b: number[]): number {
  if (a.length < 2 || b.length < 2) throw new Error(`welchT needs two values or more in each group, got ${a.length} and ${b.length}`);
  // The squared standard error of each group's mean, from its sample variance: s²/n = σ²/(n − 1).
  const [sa, sb] = [a, b].map((v) => {
    const { mean, std } = meanStd(v);
    return { mean, se2: (std * std) / (v.length - 1) };
  });
  const se = Math.sqrt(sa.se2 + sb.se2);
  if (se === 0) throw new Error('welchT: both groups are constant, so their difference has no standard error');
  return (sb.mean - sa.mean) / se;
}
