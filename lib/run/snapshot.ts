import * as tf from '@tensorflow/tfjs';
import { generateImages } from '../sample/generate';
import { sampleSheet } from '../sample/sheet';
import type { GeneratorLike } from '../train/trainer';
import { imageGridPng } from '../viz/imageGrid';
import { scatterPng } from '../viz/scatterPng';
import { modeCoverage, type ModeCoverage } from '../metrics/modeCoverage';
import type { RunConfig } from './config';
import type { RunData } from './build';

type Generator = GeneratorLike & { cfg: { zDim: number }; train(on?: boolean): unknown; isTraining: boolean };

/** Half the side of the square a toy data set is drawn in (its modes plus a margin). */
export function toyExtent(data: string): number {
  return data === 'grid25' ? 5 : 1.6;
}

/** A training snapshot: the picture, and for toy data PacGAN's scores of the same samples. */
export interface Snapshot {
  png: Buffer;
  coverage?: ModeCoverage;
}

/**
 * What G makes now, from fixed latents (so snapshots over training are comparable): for toy data a scatter of
 * 2,500 points over the mode centres and PacGAN's scores of those points (coverage over training); for images a
 * sample sheet (one row per class when conditional). Reads asynchronously, so it works on webgpu too.
 */
export async function takeSnapshot(g: Generator, cfg: RunConfig, data: RunData | null): Promise<Snapshot> {
  if (cfg.model === 'toy') {
    // Evaluation mode, as npm run evaluate samples: batch norm uses (and does not move) its running statistics.
    const was = g.isTraining;
    g.train(false);
    try {
      const { images } = generateImages(g, { n: 2500, seed: 1234 });
      const points = await images.data();
      images.dispose();
      const toy = data?.kind === 'toy' ? data.mixture : null;
      return {
        png: scatterPng(points, { centres: toy?.centres ?? [], extent: toyExtent(cfg.data) }),
        coverage: toy ? modeCoverage(points, toy.centres, toy.sigma) : undefined,
      };
    } finally {
      g.train(was);
    }
  }
  const classes = Number(cfg.arch.classes ?? 0);
  // An image G is drawn as it trains (batch statistics), and a forward pass in training mode moves its buffers:
  // batch norm's running statistics and spectral norm's u. They are put back, so that how often a run takes
  // pictures, or where it stopped to be resumed, does not change what it trains into.
  const kept = g.namedBuffers().map(([, v]) => [v, tf.clone(v)] as const);
  let sheet: tf.Tensor4D;
  try {
    sheet = tf.tidy(() => (classes > 0 ? sampleSheet(g, { classes: Array.from({ length: Math.min(classes, 10) }, (_, k) => k), perClass: 8, seed: 1234 }) : generateImages(g, { n: 64, seed: 1234 }).images));
  } finally {
    for (const [v, copy] of kept) {
      v.assign(copy);
      copy.dispose();
    }
  }
  // Reading asynchronously first leaves the values on the host, where imageGridPng's synchronous read finds them.
  await sheet.data();
  const png = imageGridPng(sheet, { cols: 8 });
  sheet.dispose();
  return { png };
}
