import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatMeanStd, meanStd, median, studentTwoSidedP, welchT, welchTest } from '../../lib';

test('mean ± std over seeds: population std by default, the sample std on request, values scaled first', () => {
  assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: Math.sqrt(2 / 3) });
  assert.equal(formatMeanStd([1, 2, 3], 3), '2.000 ± 0.816');
  assert.equal(formatMeanStd([1, 2, 3], 3, { sample: true }), '2.000 ± 1.000');
  assert.equal(formatMeanStd([0.25, 0.35], 1, { scale: 100 }), '30.0 ± 5.0');
  // One value has no spread, with either divisor.
  assert.equal(formatMeanStd([0.5], 2, { sample: true }), '0.50 ± 0.00');
});

test("Welch's t: the difference of means over its standard error, with sample variances", () => {
  // Means 2 and 5, sample variances 1 and 1: se = √(1/3 + 1/3).
  assert.ok(Math.abs(welchT([1, 2, 3], [4, 5, 6]) - 3 / Math.sqrt(2 / 3)) < 1e-12);
  assert.ok(Math.abs(welchT([4, 5, 6], [1, 2, 3]) + 3 / Math.sqrt(2 / 3)) < 1e-12, 'b − a: the sign says which is larger');
  // Unequal sizes and spreads: means 1 and 3, sample variances 2 and 4 → se = √(2/2 + 4/3).
  assert.ok(Math.abs(welchT([0, 2], [1, 3, 5]) - 2 / Math.sqrt(2 / 2 + 4 / 3)) < 1e-12);
  assert.throws(() => welchT([1], [2, 3]), /two values or more/);
  assert.throws(() => welchT([1, 1], [2, 2]), /no standard error/);
});

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);

test("Student's t tail: the closed forms at 1 and 2 degrees of freedom, the tables' 5% points, the normal limit", () => {
  for (const t of [0.3, 1, 4.3, 12.706, 100]) {
    near(studentTwoSidedP(t, 1), 1 - (2 / Math.PI) * Math.atan(t), 1e-12, `Cauchy at ${t}`);
    near(studentTwoSidedP(-t, 2), 1 - t / Math.sqrt(2 + t * t), 1e-12, `2 degrees of freedom at −${t}`);
  }
  // Two-sided 5% points of the tables: 4 and 10 degrees of freedom, and the normal's 1.95996 for very many.
  near(studentTwoSidedP(2.776445, 4), 0.05, 1e-6, 'df 4');
  near(studentTwoSidedP(2.228139, 10), 0.05, 1e-6, 'df 10');
  near(studentTwoSidedP(1.959964, 1e7), 0.05, 1e-6, 'normal limit');
  assert.equal(studentTwoSidedP(0, 3), 1);
  // Degrees of freedom need not be whole (Welch's are not): p falls between its neighbours'.
  const [p2, p25, p3] = [2, 2.5, 3].map((df) => studentTwoSidedP(3, df));
  assert.ok(p2 > p25 && p25 > p3, `${p2} > ${p25} > ${p3}`);
  assert.throws(() => studentTwoSidedP(1, 0), /degrees of freedom/);
});

test("Welch's test: Welch–Satterthwaite degrees of freedom and the p-value they give", () => {
  // Equal spreads and sizes: df = n_a + n_b − 2.
  const equal = welchTest([1, 2, 3], [4, 5, 6]);
  near(equal.df, 4, 1e-12, 'equal spreads');
  near(equal.p, studentTwoSidedP(equal.t, 4), 1e-15, 'p from t and df');
  // One group far noisier: df falls towards that group's n − 1 = 1, and the same t means less.
  const lopsided = welchTest([0, 100], [200, 200.01]);
  near(lopsided.df, 1, 1e-3, 'one noisy group');
  // Sample variances 5000 and 5e-5, n = 2 each: se² = 2500 + 2.5e-5.
  const se2 = 2500 + 2.5e-5;
  near(lopsided.df, se2 ** 2 / (2500 ** 2 + 2.5e-5 ** 2), 1e-12, 'Welch–Satterthwaite');
  assert.ok(lopsided.p > 0.1, `a t of ${lopsided.t.toFixed(2)} on one degree of freedom is chance: p ${lopsided.p}`);
  assert.ok(welchTest([0, 0.1], [10, 10.1]).p < 0.001, 'tight groups far apart');
});

test('median: the middle value, or the mean of the two middle ones; order does not matter', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  const timings = [1.31, 1.28, 9.5, 1.3];
  assert.equal(median(timings), (1.3 + 1.31) / 2, 'a stalled step does not move it');
  assert.deepEqual(timings, [1.31, 1.28, 9.5, 1.3], 'the input is not sorted in place');
  assert.throws(() => median([]), /empty/);
});
