import * as tf from '@tensorflow/tfjs';

/** What a trained self-attention block's maps do: how spread each query's weights are, and whose they depend on. */
export interface AttentionMapStats {
  /** Mean entropy of one query's weights over the keys, in nats. */
  entropy: number;
  /** log K, the entropy of a query that weighs all K keys alike. */
  maxEntropy: number;
  /**
   * Mean cosine similarity between the maps of two different queries of one image, each taken as its departure
   * from uniform weights: 1 when every query looks at the same places, about 0 when they pick places independently.
   */
  acrossQueries: number;
  /** The same similarity between the maps of one query in two different images: 1 when the maps ignore the image. */
  acrossImages: number;
}

/** Configures `attentionMapStats`: which queries count. */
export interface AttentionMapStatsOptions {
  /**
   * Weights [n, queries] of the queries that count, e.g. 1 where a query's cell holds the garment and 0 on the
   * background, whose identical features give identical maps (default: all queries alike).
   */
  queryWeights?: tf.Tensor2D;
}

/**
 * Summarises attention maps [n, queries, keys] (`SelfAttention.lastAttention`). Cao et al. (GCNet, 2019) found that
 * in the non-local blocks of trained recognition networks the maps of different queries are nearly the same: the
 * block adds one global context per image rather than a context per position. `acrossQueries` near 1 with
 * `acrossImages` well below it is that finding. Departures from uniform weights are compared, so that two
 * near-uniform maps do not count as alike (GCNet compared the maps themselves: the numbers are not theirs).
 */
export function attentionMapStats(maps: tf.Tensor3D, o: AttentionMapStatsOptions = {}): AttentionMapStats {
  const [n, q, k] = maps.shape;
  if (n < 2 || q < 2) throw new Error(`attentionMapStats needs at least 2 images and 2 queries, got maps of shape [${maps.shape}]`);
  if (o.queryWeights && (o.queryWeights.shape[0] !== n || o.queryWeights.shape[1] !== q)) {
    throw new Error(`queryWeights must be [${n}, ${q}] for maps [${maps.shape}], got [${o.queryWeights.shape}]`);
  }
  return tf.tidy(() => {
    const w = o.queryWeights ?? tf.ones([n, q]);
    const perQuery = tf.neg(tf.sum(tf.mul(maps, tf.log(tf.add(maps, 1e-12))), 2));
    const entropy = tf.div(tf.sum(tf.mul(perQuery, w)), tf.sum(w)).dataSync()[0];
    const departure = tf.sub(maps, 1 / k);
    const unit = tf.div(departure, tf.add(tf.norm(departure, 'euclidean', 2, true), 1e-12)) as tf.Tensor3D;
    // The weighted mean of a batch of Gram matrices [b, m, m] off their diagonals (each map with itself), each
    // pair weighted by the product of its two weights [b, m].
    const offDiagonalMean = (gram: tf.Tensor3D, weights: tf.Tensor2D) => {
      const pair = tf.mul(weights.expandDims(2), weights.expandDims(1));
      const off = tf.sub(1, tf.eye(gram.shape[1]).expandDims(0));
      const total = tf.sum(tf.mul(pair, off)).dataSync()[0];
      if (total === 0) throw new Error('attentionMapStats: fewer than two weighted queries to compare');
      return tf.sum(tf.mul(tf.mul(gram, pair), off)).dataSync()[0] / total;
    };
    const acrossQueries = offDiagonalMean(tf.matMul(unit, unit, false, true), w);
    const byQuery = tf.transpose(unit, [1, 0, 2]) as tf.Tensor3D;
    const acrossImages = offDiagonalMean(tf.matMul(byQuery, byQuery, false, true), tf.transpose(w) as tf.Tensor2D);
    return { entropy, maxEntropy: Math.log(k), acrossQueries, acrossImages };
  });
}
