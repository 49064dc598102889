import { rng } from '../../datasets/random';

/**
 * Mode coverage of a 2-D mixture, PacGAN's protocol (Lin et al., 2018): a sample is high quality when it lies
 * within 3σ of its nearest mode centre; a mode is covered when at least one high-quality sample falls to it.
 * Also reports the KL divergence of the high-quality samples' mode histogram from uniform, and — for generators not
 * yet sharp enough for the 3σ test — how evenly all samples spread over their nearest modes.
 */
export interface ModeCoverage {
  samples: number;
  modesCovered: number;
  modes: number;
  highQualityFraction: number;
  /** KL(histogram ‖ uniform) over modes, in nats (0 when the modes are hit equally). */
  klFromUniform: number;
  /** High-quality samples per mode. */
  counts: number[];
  /** All samples per nearest mode, however far from it. */
  nearestCounts: number[];
  /**
   * The perplexity of the nearest-mode shares, exp(entropy): the number of modes a generator spreads its samples
   * over, counted by weight — K when all K modes get the same share, 1 when every sample falls to one mode. It
   * sees a collapse before the samples are sharp enough for the 3σ test to count any mode.
   */
  effectiveModes: number;
}

/**
 * Scores 2-D samples (flat x, y pairs) against a mixture's mode centres and σ by PacGAN's protocol (see
 * `ModeCoverage`); `threshold` is the distance, in σ, within which a sample counts as high quality.
 */
export function modeCoverage(points: ArrayLike<number>, centres: [number, number][], sigma: number, threshold = 3): ModeCoverage {
  const n = points.length / 2;
  const counts = new Array<number>(centres.length).fill(0);
  const nearestCounts = new Array<number>(centres.length).fill(0);
  let good = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [points[2 * i], points[2 * i + 1]];
    let best = 0;
    let bestD = Infinity;
    centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x - cx, y - cy);
      if (d < bestD) [best, bestD] = [k, d];
    });
    nearestCounts[best]++;
    if (bestD < threshold * sigma) {
      counts[best]++;
      good++;
    }
  }
  const kl = good === 0 ? Infinity : counts.reduce((s, c) => (c > 0 ? s + (c / good) * Math.log((c / good) * centres.length) : s), 0);
  const entropy = nearestCounts.reduce((h, c) => (c > 0 ? h - (c / n) * Math.log(c / n) : h), 0);
  return { samples: n, modesCovered: counts.filter((c) => c > 0).length, modes: centres.length, highQualityFraction: good / n, klFromUniform: kl, counts, nearestCounts, effectiveModes: Math.exp(entropy) };
}

/** Configures `uniformCoverage`: how many points, and their seed. */
export interface UniformCoverageOptions {
  /** Points drawn (default 2,500, PacGAN's sample count). */
  n?: number;
  seed?: number;
}

/**
 * PacGAN's scores for no generator at all: points drawn uniformly over the box that holds the mode centres, widened
 * on every side by half the distance between the two closest centres (for the 25-grid, [−5, 5]²). A generator
 * whose samples are a haze over the modes' region scores about this: modes "covered" by chance hits within 3σ.
 */
export function uniformCoverage(centres: [number, number][], sigma: number, o: UniformCoverageOptions = {}): ModeCoverage & { box: [[number, number], [number, number]] } {
  let closest = Infinity;
  for (let a = 0; a < centres.length; a++) {
    for (let b = a + 1; b < centres.length; b++) closest = Math.min(closest, Math.hypot(centres[a][0] - centres[b][0], centres[a][1] - centres[b][1]));
  }
  const margin = Number.isFinite(closest) ? closest / 2 : 1;
  const xs = centres.map((c) => c[0]);
  const ys = centres.map((c) => c[1]);
  const box: [[number, number], [number, number]] = [[Math.min(...xs) - margin, Math.max(...xs) + margin], [Math.min(...ys) - margin, Math.max(...ys) + margin]];
  const u = rng(o.seed ?? 11);
  const n = o.n ?? 2500;
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = box[0][0] + (box[0][1] - box[0][0]) * u();
    points[2 * i + 1] = box[1][0] + (box[1][1] - box[1][0]) * u();
  }
  return { ...modeCoverage(points, centres, sigma), box };
}
