import * as tf from '@tensorflow/tfjs';

/** Configures `attentionOverlays`: which query positions to draw, and the images' value range. */
export interface AttentionOverlayOptions {
  /** Query positions as (row, col) on the attention block's square grid (16×16 for a block at 16×16). */
  queries: [number, number][];
  /** Value range of the images (default [-1, 1], the generator's tanh range). */
  range?: [number, number];
}

/**
 * One row per image for `imageGridPng` (cols 1 + queries, range [0, 1]): the image in grey, then for each query its
 * attention weights in red over the image (each map scaled to its own maximum, upsampled from the key grid) and the
 * query's own place in green. `maps` is `SelfAttention.lastAttention` for those images: [n, queries, keys], both
 * square grids (keys pooled 2×2 in BigGAN's block).
 */
export function attentionOverlays(images: tf.Tensor4D, maps: tf.Tensor3D, o: AttentionOverlayOptions): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const [mapN, q, k] = maps.shape;
  const qSide = Math.round(Math.sqrt(q));
  const kSide = Math.round(Math.sqrt(k));
  if (mapN !== n || qSide * qSide !== q || kSide * kSide !== k || h % qSide !== 0) {
    throw new Error(`attentionOverlays needs maps [${n}, s², t²] for ${n} images of ${h}×${w} with s dividing ${h}, got [${maps.shape}]`);
  }
  for (const [r, c] of o.queries) {
    if (r < 0 || c < 0 || r >= qSide || c >= qSide) throw new Error(`query (${r}, ${c}) is off the ${qSide}×${qSide} grid`);
  }
  const cell = h / qSide;
  const [lo, hi] = o.range ?? [-1, 1];
  return tf.tidy(() => {
    const grey = tf.tile(tf.div(tf.sub(tf.clipByValue(images, lo, hi), lo), hi - lo), [1, 1, 1, images.shape[3] === 1 ? 3 : 1]);
    const tiles: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const image = grey.slice([i, 0, 0, 0], [1, -1, -1, -1]);
      tiles.push(image);
      for (const [r, c] of o.queries) {
        const weights = maps.slice([i, r * qSide + c, 0], [1, 1, k]).reshape([1, kSide, kSide, 1]);
        const heat = tf.image.resizeBilinear(tf.div(weights, tf.max(weights)) as tf.Tensor4D, [h, w]);
        const red = tf.concat([heat, tf.zerosLike(heat), tf.zerosLike(heat)], 3);
        const dot = tf.buffer([1, h, w, 3]);
        for (let y = r * cell; y < (r + 1) * cell; y++) for (let x = c * cell; x < (c + 1) * cell; x++) dot.set(1, 0, y, x, 1);
        tiles.push(tf.clipByValue(tf.addN([tf.mul(image, 0.6), tf.mul(red, 0.8), dot.toTensor()]), 0, 1));
      }
    }
    return tf.concat(tiles) as tf.Tensor4D;
  });
}
