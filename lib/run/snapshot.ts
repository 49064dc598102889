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

/**
 * A picture of what G makes now, from fixed latents (so snapshots over training are comparable): a scatter of
 * 2,500 points over the mode centres for toy data, a sample sheet for images (one row per class when conditional).
 * Reads asynchronously, so it works on webgpu too.
 */
export async function snapshotPng(g: Generator, cfg: RunConfig, data: RunData | null): Promise<Buffer> {
  if (cfg.model === 'toy') {
    // Evaluation mode, as npm run evaluate samples: batch norm uses (and does not move) its running statistics.
    const was = g.isTraining;
    g.train(false);
    try {
      const { images } = generateImages(g, { n: 2500, seed: 1234 });
      const points = await images.data();
      images.dispose();
      return scatterPng(points, { centres: data?.kind === 'toy' ? data.mixture.centres : [], extent: toyExtent(cfg.data) });
    } finally {
      g.train(was);
    }
  }
  const classes = Number(cfg.arch.classes ?? 0);
  const sheet = tf.tidy(() => (classes > 0 ? sampleSheet(g, { classes: Array.from({ length: Math.min(classes, 10) }, (_, k) => k), perClass: 8, seed: 1234 }) : generateImages(g, { n: 64, seed: 1234 }).images));
  // Reading asynchronously first leaves the values on the host, where imageGridPng's synchronous read finds them.
  await sheet.data();
  const png = imageGridPng(sheet, { cols: 8 });
  sheet.dispose();
  return png;
}

/**
 * PacGAN's scores of G now on a toy run (2,500 samples from the snapshot's latents, in evaluation mode so batch
 * norm uses its running statistics, as `npm run evaluate` does), for the curve of coverage over training.
 */
export async function toyCoverage(g: Generator, data: RunData & { kind: 'toy' }): Promise<ModeCoverage> {
  const was = g.isTraining;
  g.train(false);
  try {
    const { images } = generateImages(g, { n: 2500, seed: 1234 });
    const points = await images.data();
    images.dispose();
    return modeCoverage(points, data.mixture.centres, data.mixture.sigma);
  } finally {
    g.train(was);
  }
}
