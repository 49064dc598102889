import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatMeanStd, meanStd } from '../../lib';

test('mean ± std over seeds: population std by default, the sample std on request, values scaled first', () => {
  assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: Math.sqrt(2 / 3) });
  assert.equal(formatMeanStd([1, 2, 3], 3), '2.000 ± 0.816');
  assert.equal(formatMeanStd([1, 2, 3], 3, { sample: true }), '2.000 ± 1.000');
  assert.equal(formatMeanStd([0.25, 0.35], 1, { scale: 100 }), '30.0 ± 5.0');
  // One value has no spread, with either divisor.
  assert.equal(formatMeanStd([0.5], 2, { sample: true }), '0.50 ± 0.00');
});
