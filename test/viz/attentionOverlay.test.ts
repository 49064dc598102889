import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { attentionOverlays } from '../../lib/viz/attentionOverlay';

test('attention overlays: the image, then each query in green and its strongest keys in red', () => {
  // Two 8×8 images, a 4×4 query grid (2×2 pixels a cell), a 2×2 key grid: every query looks at the top-left key.
  const images = tf.fill([2, 8, 8, 1], -1) as tf.Tensor4D;
  const maps = tf.tensor3d(Array.from({ length: 2 }, () => Array.from({ length: 16 }, () => [0.7, 0.1, 0.1, 0.1])));
  const before = tf.memory().numTensors;
  const tiles = attentionOverlays(images, maps, { queries: [[0, 3], [2, 1]] });
  assert.equal(tf.memory().numTensors, before + 1, 'only the result is kept');
  assert.deepEqual(tiles.shape, [6, 8, 8, 3]);
  const px = tiles.arraySync() as number[][][][];
  assert.deepEqual(px[0][0][0], [0, 0, 0], 'the image first, black stays black');
  // Query (2, 1) is the cell at rows 4–5, columns 2–3 of the image.
  assert.equal(px[2][4][2][1], 1, 'green at the query');
  assert.equal(px[2][0][2][1], 0, 'no green elsewhere');
  assert.ok(px[2][0][0][0] > px[2][7][7][0], 'red strongest over the attended (top-left) key');
  assert.throws(() => attentionOverlays(images, maps, { queries: [[4, 0]] }), /off the 4×4 grid/);
  tf.dispose([images, maps, tiles]);
});
