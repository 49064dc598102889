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

/**
 * Summarises attention maps [n, queries, keys] (`SelfAttention.lastAttention`). Cao et al. (GCNet, 2019) found that
 * in trained non-local blocks the maps of different queries are nearly the same: the block adds one global
 * context per image rather than a context per position. `acrossQueries` near 1 with `acrossImages` well below it
 * is that finding; departures from uniform weights are compared, so that two near-uniform maps do not count as alike.
 */
export function attentionMapStats(maps: tf.Tensor3D): AttentionMapStats {
  const [n, q, k] = maps.shape;
  if (n < 2 || q < 2) throw new Error(`attentionMapStats needs at least 2 images and 2 queries, got maps of shape [${maps.shape}]`);
  return tf.tidy(() => {
    const entropy = tf.neg(tf.mean(tf.sum(tf.mul(maps, tf.log(tf.add(maps, 1e-12))), 2))).dataSync()[0];
    const departure = tf.sub(maps, 1 / k);
    const unit = tf.div(departure, tf.add(tf.norm(departure, 'euclidean', 2, true), 1e-12)) as tf.Tensor3D;
    // Mean of a batch of Gram matrices [b, m, m] off the diagonal (the diagonal is each map with itself).
    const offDiagonalMean = (gram: tf.Tensor3D) => {
      const [b, m] = gram.shape;
      const total = tf.sum(gram).dataSync()[0];
      const diagonal = tf.sum(tf.mul(gram, tf.eye(m).expandDims(0))).dataSync()[0];
      return (total - diagonal) / (b * m * (m - 1));
    };
    const acrossQueries = offDiagonalMean(tf.matMul(unit, unit, false, true));
    const byQuery = tf.transpose(unit, [1, 0, 2]) as tf.Tensor3D;
    const acrossImages = offDiagonalMean(tf.matMul(byQuery, byQuery, false, true));
    return { entropy, maxEntropy: Math.log(k), acrossQueries, acrossImages };
  });
}
