import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { attentionMapStats } from '../../lib/metrics/attentionMaps';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-5, `${what}: ${a}, expected ${b}`);
/** Maps [n, q, k] with all weight on key `pick(image, query)`. */
const oneHot = (n: number, q: number, k: number, pick: (i: number, j: number) => number) =>
  tf.tensor3d(Array.from({ length: n }, (_, i) => Array.from({ length: q }, (_, j) => Array.from({ length: k }, (_, key) => (key === pick(i, j) ? 1 : 0)))));

test('one global context per image: every query of an image on the same key, another key in the other image', () => {
  const maps = oneHot(2, 3, 4, (i) => i);
  const s = attentionMapStats(maps);
  close(s.acrossQueries, 1, 'queries of one image alike');
  // Two one-hot maps on different keys of k: their departures from uniform have cosine −1/(k − 1).
  close(s.acrossImages, -1 / 3, 'images differ');
  close(s.entropy, 0, 'one key per query');
  close(s.maxEntropy, Math.log(4), 'log k');
  maps.dispose();
});

test('a context per position: each query on its own key, the same in every image', () => {
  const maps = oneHot(3, 4, 4, (_, j) => j);
  const s = attentionMapStats(maps);
  close(s.acrossQueries, -1 / 3, 'queries differ');
  close(s.acrossImages, 1, 'images alike');
  maps.dispose();
});

test('uniform maps have the largest entropy and count as alike to nothing', () => {
  const maps = tf.fill([2, 3, 8], 1 / 8) as tf.Tensor3D;
  const before = tf.memory().numTensors;
  const s = attentionMapStats(maps);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  close(s.entropy, Math.log(8), 'uniform entropy');
  close(s.acrossQueries, 0, 'no departure, no similarity');
  close(s.acrossImages, 0, 'no departure, no similarity');
  assert.throws(() => attentionMapStats(tf.fill([1, 3, 8], 1 / 8) as tf.Tensor3D), /at least 2 images/);
  maps.dispose();
});

test('weighted queries: background queries left out of every mean', () => {
  // Query 0 of each image is "background" and looks at key 3 in both images; queries 1 and 2 look at key i.
  const maps = oneHot(2, 3, 4, (i, j) => (j === 0 ? 3 : i));
  const all = attentionMapStats(maps);
  const weights = tf.tensor2d([[0, 1, 1], [0, 1, 1]]);
  const garment = attentionMapStats(maps, { queryWeights: weights });
  close(garment.acrossQueries, 1, 'the counted queries of an image agree');
  close(garment.acrossImages, -1 / 3, 'and differ between images');
  // Unweighted, the background pairs pull both the other way: 2 of 3 pairs per image differ, 1 of 3 queries agree.
  close(all.acrossQueries, (1 - 2 / 3) / 3, 'all queries');
  close(all.acrossImages, (1 - 2 / 3) / 3, 'all queries');
  assert.throws(() => attentionMapStats(maps, { queryWeights: tf.tensor2d([[1, 0, 0], [1, 0, 0]]) }), /fewer than two/);
  assert.throws(() => attentionMapStats(maps, { queryWeights: tf.ones([2, 2]) as tf.Tensor2D }), /queryWeights must be \[2, 3\]/);
  tf.dispose([maps, weights]);
});
