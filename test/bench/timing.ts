/** Timing helpers of the benchmarks; no Node or TF.js imports, so the browser page bundles them too. */
import { median } from '../../lib/metrics/spread';

/** Median wall time of `fn` in ms over `reps` runs, after one warm-up run. */
export async function medianTime(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
