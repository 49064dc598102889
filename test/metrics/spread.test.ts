import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatMeanStd, meanStd, median, welchT } from '../../lib';

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

test('median: the middle value, or the mean of the two middle ones; order does not matter', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  const timings = [1.31, 1.28, 9.5, 1.3];
  assert.equal(median(timings), (1.3 + 1.31) / 2, 'a stalled step does not move it');
  assert.deepEqual(timings, [1.31, 1.28, 9.5, 1.3], 'the input is not sorted in place');
  assert.throws(() => median([]), /empty/);
});
