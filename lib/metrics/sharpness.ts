import * as tf from '@tensorflow/tfjs';

/**
 * Sharpness of images as the mean squared response of the 3×3 Laplacian ([0 1 0; 1 −4 1; 0 1 0]) per pixel and
 * channel: the "variance of the Laplacian" focus measure. Edges, fine texture and noise raise it, blur lowers it,
 * so it tells a blurry generator from a sharp one in one number — compare it with the real images' own value,
 * since it rewards noise as much as detail. Images NHWC in [-1, 1]; border pixels are left out ('valid').
 */
export function laplacianEnergy(images: tf.Tensor4D, o: { batchSize?: number } = {}): number {
  const [n, , , channels] = images.shape;
  const kernel = tf.tidy(() => tf.tile(tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D);
  const batch = o.batchSize ?? 500;
  let sum = 0;
  let count = 0;
  try {
    for (let start = 0; start < n; start += batch) {
      const size = Math.min(batch, n - start);
      // Batches keep the response tensor small for 10,000 images; sums are accumulated in float64 here.
      const [s, c] = tf.tidy(() => {
        const part = images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
        const response = tf.depthwiseConv2d(part, kernel, 1, 'valid');
        return [tf.sum(tf.square(response)).dataSync()[0], response.size];
      });
      sum += s;
      count += c;
    }
  } finally {
    kernel.dispose();
  }
  return sum / count;
}
