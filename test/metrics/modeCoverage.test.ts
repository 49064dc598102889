import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { modeCoverage, uniformCoverage } from '../../lib/metrics/modeCoverage';
import { grid25, ring8 } from '../../datasets';

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

test('chance: uniform points over the modes\' box score the share of it within 3σ of a mode', () => {
  const grid = grid25();
  const u = uniformCoverage(grid.centres, grid.sigma, { n: 40000, seed: 3 });
  assert.deepEqual(u.box, [[-5, 5], [-5, 5]], 'half the closest distance (2) beyond the outer modes');
  // 25 discs of radius 3σ in a 10 × 10 box: 1.77% of it; 40,000 points put the sample share within ±0.3%.
  const expected = (25 * Math.PI * (3 * grid.sigma) ** 2) / 100;
  assert.ok(Math.abs(u.highQualityFraction - expected) < 0.003, `${u.highQualityFraction} against ${expected}`);
  assert.equal(u.modesCovered, 25);
  assert.equal(u.samples, 40000);
  const again = uniformCoverage(grid.centres, grid.sigma, { n: 40000, seed: 3 });
  assert.equal(again.highQualityFraction, u.highQualityFraction, 'the same seed draws the same points');
});
