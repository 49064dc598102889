/**
 * Mode coverage of a 2-D mixture, PacGAN's protocol (Lin et al., 2018): a sample is high quality when it lies
 * within 3σ of its nearest mode centre; a mode is covered when at least one high-quality sample falls to it.
 * Also reports the KL divergence of the high-quality samples' mode histogram from uniform.
 */
export interface ModeCoverage {
  samples: number;
  modesCovered: number;
  modes: number;
  highQualityFraction: number;
  /** KL(histogram ‖ uniform) over modes, in nats (0 when the modes are hit equally). */
  klFromUniform: number;
  counts: number[];
}

/**
 * Scores 2-D samples (flat x, y pairs) against a mixture's mode centres and σ by PacGAN's protocol (see
 * `ModeCoverage`); `threshold` is the distance, in σ, within which a sample counts as high quality.
 */
export function modeCoverage(points: ArrayLike<number>, centres: [number, number][], sigma: number, threshold = 3): ModeCoverage {
  const n = points.length / 2;
  const counts = new Array<number>(centres.length).fill(0);
  let good = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [points[2 * i], points[2 * i + 1]];
    let best = 0;
    let bestD = Infinity;
    centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x - cx, y - cy);
      if (d < bestD) [best, bestD] = [k, d];
    });
    if (bestD < threshold * sigma) {
      counts[best]++;
      good++;
    }
  }
  const kl = good === 0 ? Infinity : counts.reduce((s, c) => (c > 0 ? s + (c / good) * Math.log((c / good) * centres.length) : s), 0);
  return { samples: n, modesCovered: counts.filter((c) => c > 0).length, modes: centres.length, highQualityFraction: good / n, klFromUniform: kl, counts };
}
