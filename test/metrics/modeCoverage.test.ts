import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { modeCoverage } from '../../lib/metrics/modeCoverage';
import { ring8 } from '../../datasets';

const ring = ring8();
/** `n` points at each of the ring's modes `k` (offset by `off` along x), flat x, y pairs. */
function at(perMode: Record<number, number>, off = 0): Float32Array {
  return Float32Array.from(Object.entries(perMode).flatMap(([k, n]) => Array.from({ length: n }, () => [ring.centres[Number(k)][0] + off, ring.centres[Number(k)][1]]).flat()));
}

test("PacGAN's count: a sample is high quality within 3σ of its mode, a mode covered by one such sample", () => {
  const sharp = modeCoverage(at({ 0: 10, 1: 10 }), ring.centres, ring.sigma);
  assert.equal(sharp.modesCovered, 2);
  assert.equal(sharp.highQualityFraction, 1);
  assert.ok(Math.abs(sharp.klFromUniform - Math.log(4)) < 1e-12, 'two of eight modes, evenly: KL = log 4');
  const blurred = modeCoverage(at({ 0: 10, 1: 10 }, 4 * ring.sigma), ring.centres, ring.sigma);
  assert.equal(blurred.modesCovered, 0, 'at 4σ from the centres no sample counts');
  assert.equal(blurred.klFromUniform, Infinity);
});

test('effective modes: K for an even spread, 1 for a collapse, before and after samples are sharp', () => {
  for (const off of [0, 10 * ring.sigma]) {
    const even = modeCoverage(at(Object.fromEntries(ring.centres.map((_, k) => [k, 25])), off), ring.centres, ring.sigma);
    assert.ok(Math.abs(even.effectiveModes - 8) < 1e-9);
    const collapsed = modeCoverage(at({ 3: 200 }, off), ring.centres, ring.sigma);
    assert.equal(collapsed.effectiveModes, 1);
    assert.deepEqual(collapsed.nearestCounts, [0, 0, 0, 200, 0, 0, 0, 0]);
  }
  // Blurred samples split 3 : 1 between two modes: exp of that split's entropy, though no sample is high quality.
  const uneven = modeCoverage(at({ 0: 150, 1: 50 }, 10 * ring.sigma), ring.centres, ring.sigma);
  assert.equal(uneven.modesCovered, 0);
  assert.ok(Math.abs(uneven.effectiveModes - Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)))) < 1e-9);
});
