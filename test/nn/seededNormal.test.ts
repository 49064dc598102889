import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededNormal, tf } from '../../lib';
import { tsSources, values } from '../helpers';

test('seededNormal: seed 0 repeats (TF.js draws it from Math.random); other seeds are TF.js’s own streams', () => {
  assert.deepEqual(values(seededNormal([64], { seed: 0 })), values(seededNormal([64], { seed: 0 })));
  assert.notDeepEqual(values(seededNormal([64], { seed: 0 })), values(seededNormal([64], { seed: 1 })));
  assert.throws(() => seededNormal([2], { seed: NaN }), /finite number/);
  for (const seed of [1, 7, 123_456_789]) {
    assert.deepEqual(values(seededNormal([3, 5], { seed, mean: 2, std: 0.5 })), values(tf.randomNormal([3, 5], 2, 0.5, 'float32', seed)));
  }
});

// Every seeded normal draw of the library goes through seededNormal; one written against TF.js's own random ops
// that share the trap (randomNormal, truncatedNormal, randomGamma, multinomial) would bring it back.
test('the library, its data sets and tools draw normals only through seededNormal', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const files = ['lib', 'datasets', 'tools'].flatMap((d) => tsSources(path.join(root, d)));
  assert.ok(files.length > 100, `the sources were found (${files.length} files)`);
  const direct = files.filter((f) => !f.endsWith('seededNormal.ts') &&
    /tf\.(randomNormal|truncatedNormal|randomGamma|multinomial)\(/.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(direct.map((f) => path.relative(root, f)), []);
});
