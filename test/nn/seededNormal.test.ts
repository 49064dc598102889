import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededNormal, tf } from '../../lib';

const values = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

test('seededNormal: seed 0 repeats (TF.js draws it from Math.random); other seeds are TF.js’s own streams', () => {
  assert.deepEqual(values(seededNormal([64], { seed: 0 })), values(seededNormal([64], { seed: 0 })));
  assert.notDeepEqual(values(seededNormal([64], { seed: 0 })), values(seededNormal([64], { seed: 1 })));
  for (const seed of [1, 7, 123_456_789]) {
    assert.deepEqual(values(seededNormal([3, 5], { seed, mean: 2, std: 0.5 })), values(tf.randomNormal([3, 5], 2, 0.5, 'float32', seed)));
  }
});

// Every seeded normal draw of the library goes through seededNormal; one written against tf.randomNormal directly
// would bring the zero-seed trap back.
test('the library draws normals only through seededNormal', () => {
  const root = path.join(__dirname, '..', '..', '..', 'lib');
  const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
  const direct = sources(root).filter((f) => !f.endsWith('seededNormal.ts') && /tf\.(randomNormal|truncatedNormal)\(/.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(direct.map((f) => path.relative(root, f)), []);
});
