import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigGanGenerator, canMorphClasses, classMorph, DcganGenerator, tf, truncatedLatents } from '../../lib';
import { maxAbsDiff, on } from '../helpers';

test("a class morph runs from one class's image to the other's at fixed latents, through images of neither", async () => {
  await on('wasm', () => undefined);
  const g = new BigGanGenerator({ resolution: 32, ch: 4, channels: 1, classes: 5, zDim: 32, sharedDim: 8, init: 'normal', seed: 3 });
  g.eval();
  const z = truncatedLatents(2, 32, { seed: 4 });
  const morph = classMorph(g, { from: 1, to: 3, steps: 5, z });
  assert.deepEqual(morph.shape, [10, 32, 32, 1], 'rows × steps frames');
  const frame = (i: number) => morph.slice([i, 0, 0, 0], [1, -1, -1, -1]).dataSync();
  const direct = (row: number, cls: number) => g.apply(z.slice([row, 0], [1, -1]) as tf.Tensor2D, tf.tensor1d([cls], 'int32')).dataSync();
  for (const row of [0, 1]) {
    assert.ok(maxAbsDiff(frame(row * 5), direct(row, 1)) < 1e-5, `row ${row} starts at class 1`);
    assert.ok(maxAbsDiff(frame(row * 5 + 4), direct(row, 3)) < 1e-5, `row ${row} ends at class 3`);
    const middle = frame(row * 5 + 2);
    assert.ok(maxAbsDiff(middle, direct(row, 1)) > 1e-3 && maxAbsDiff(middle, direct(row, 3)) > 1e-3, 'the middle is neither class');
  }
  assert.throws(() => classMorph(g, { from: 1, to: 5 }), /class 5 is not one of the generator's classes 0 … 4/);
  assert.throws(() => classMorph(g, { from: 0, to: 1, steps: 1 }), /steps must be a whole number ≥ 2/);
  assert.equal(canMorphClasses(new DcganGenerator({ ch: 4, classes: 3 })), false, 'a DCGAN has no shared class embedding');
  tf.dispose([z, morph]);
  g.dispose();
});
