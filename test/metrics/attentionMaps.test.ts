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
