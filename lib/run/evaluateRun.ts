import { kitClassifier } from '../metrics/kitClassifier';
import { classifierExtractor, graphModelExtractor, type FeatureExtractor } from '../metrics/features';
import { modeCoverage, type ModeCoverage } from '../metrics/modeCoverage';
import { evaluateImages, type ImageReport } from '../metrics/report';
import { generateImages } from '../sample/generate';
import { standingStatistics } from '../sample/standingStatistics';
import { loadRunData } from './build';
import { loadGenerator } from './loadGenerator';

/** The latents' seed of the standing statistics `evaluateRun` and `npm run export -- --standing` give a G. */
export const STANDING_SEED = 424242;

/**
 * The standing statistics an evaluation and an export give a G: `batches` passes of 64 from fixed latents, so a
 * generator exported with them scores as its run does when evaluated with them.
 */
export function giveStandingStatistics(g: Parameters<typeof standingStatistics>[0], batches: number): void {
  standingStatistics(g, { batches, batchSize: 64, seed: STANDING_SEED });
}

/** Configures `evaluateRun`: how many samples, from which generator, with what truncation and feature model. */
export interface EvaluateRunOptions {
  /** Samples to generate (default: 2,500 for toy data, as PacGAN; 10,000 for images, the test split's size). */
  n?: number;
  /** Use the EMA generator when the run has one (default true). */
  ema?: boolean;
  truncation?: number;
  /** A TF.js graph model (InceptionV3) for the image features; default: the kit classifier for (Fashion-)MNIST. */
  inception?: string;
  seed?: number;
  /**
   * Replace G's batch-norm running statistics by standing statistics over this many batches of 64 first
   * (BigGAN-PyTorch's `--use_standing_stats`; 0 or absent: the stored ones). For an EMA generator.
   */
  standing?: number;
}

/** What `evaluateRun` measured and on what: mode coverage for toy data, the image metrics for images. */
export interface RunEvaluation {
  run: string;
  preset: string;
  data: string;
  step: number;
  generator: 'ema' | 'raw';
  truncation: number | null;
  /** Batches of standing statistics G's batch norms were given before sampling, here or by the exporter. */
  standingBatches?: number;
  toy?: ModeCoverage;
  images?: ImageReport;
}

/** Loads G (or its EMA) from a run folder's checkpoint or an exported folder, generates samples and measures them. */
export async function evaluateRun(dir: string, o: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  const { g: gen, cfg, step, which, standingBatches: exported } = loadGenerator(dir, { ema: o.ema });
  if (o.standing) giveStandingStatistics(gen, o.standing);
  // An exported generator may carry standing statistics already; asked for again, they are measured afresh.
  const standingBatches = o.standing || exported;
  const base: RunEvaluation = { run: dir, preset: cfg.preset, data: cfg.data, step, generator: which, truncation: o.truncation ?? null, ...(standingBatches ? { standingBatches } : {}) };
  const data = await loadRunData(cfg, 'test');
  if (data.kind === 'toy') {
    const { images } = generateImages(gen, { n: o.n ?? 2500, truncation: o.truncation, seed: o.seed ?? 99 });
    const points = images.dataSync();
    images.dispose();
    return { ...base, toy: modeCoverage(points, data.mixture.centres, data.mixture.sigma) };
  }
  let extractor: FeatureExtractor;
  if (o.inception) extractor = await graphModelExtractor({ model: o.inception });
  else if (data.name === 'fashion-mnist' || data.name === 'mnist') extractor = classifierExtractor((await kitClassifier({ dataset: data.name })).model, `kit ${data.name} classifier (128-d features)`);
  else throw new Error(`image features for ${data.name} need InceptionV3: pass --inception <model.json path or URL> (a TF.js graph model)`);
  const classes = Number(cfg.arch.classes ?? 0);
  const n = o.n ?? data.train.images.shape[0];
  const fake = generateImages(gen, { n, classes, truncation: o.truncation, seed: o.seed ?? 99 });
  try {
    const images = evaluateImages({ real: data.train.images, reference: `${data.name} ${data.split ?? 'images'} (${data.train.images.shape[0]} images)`, fake: fake.images, fakeLabels: fake.labels, extractor });
    return { ...base, images };
  } finally {
    fake.images.dispose();
    data.train.images.dispose();
  }
}
