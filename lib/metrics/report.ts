import * as tf from '@tensorflow/tfjs';
import type { Embedded, FeatureExtractor } from './features';
import { featureStats, frechetDistance, type FeatureStats } from './fid';
import { inceptionScore } from './inceptionScore';
import { kernelInceptionDistance } from './kid';
import type { MeanStd } from './spread';
import { kthRadii, precisionRecall } from './precisionRecall';

/** Accuracy of a classifier on conditional samples: did the generator draw the class it was asked for? */
export interface ClassAccuracy {
  overall: number;
  perClass: number[];
}

/** Overall and per-class fraction of samples whose predicted class is the one asked for (NaN for unasked classes). */
export function classAccuracy(predicted: Int32Array, asked: Int32Array, classes: number): ClassAccuracy {
  const right = new Array<number>(classes).fill(0);
  const total = new Array<number>(classes).fill(0);
  for (let i = 0; i < asked.length; i++) {
    total[asked[i]]++;
    if (predicted[i] === asked[i]) right[asked[i]]++;
  }
  return { overall: right.reduce((a, b) => a + b, 0) / asked.length, perClass: right.map((r, k) => (total[k] ? r / total[k] : NaN)) };
}

/** Every number of an image evaluation, with what it was measured on (sizes, reference split, extractor). */
export interface ImageReport {
  extractor: string;
  nReal: number;
  nFake: number;
  reference: string;
  fid: number;
  kid: MeanStd;
  inceptionScore?: MeanStd;
  precision: number;
  recall: number;
  classAccuracy?: ClassAccuracy;
}

/**
 * What a metric needs of the reference images, computed once and reused for every generator scored against them:
 * their embedding, Gaussian statistics and k-NN radii.
 */
export interface Reference {
  name: string;
  n: number;
  extractor: FeatureExtractor;
  embedded: Embedded;
  stats: FeatureStats;
  k: number;
  radii: Float32Array;
}

/** Embeds the reference images once and computes their statistics and k-NN radii, for reuse by `evaluateImages`. */
export function prepareReference(images: tf.Tensor4D, name: string, extractor: FeatureExtractor, o: { k?: number } = {}): Reference {
  const embedded = extractor.embed(images);
  const n = images.shape[0];
  const k = o.k ?? 3;
  const features = tf.tensor2d(embedded.features, [n, extractor.featureDim]);
  try {
    return { name, n, extractor, embedded, stats: featureStats(embedded.features, extractor.featureDim), k, radii: kthRadii(features, k) };
  } finally {
    features.dispose();
  }
}

/** Configures `evaluateImages`: the real and fake images, the feature extractor and the metrics' parameters. */
export interface EvaluateImagesInput {
  /** Reference images (NHWC, [-1, 1]), or a reference prepared once for many evaluations. */
  real: tf.Tensor4D | Reference;
  /** What the reference images are, e.g. "fashion-mnist test" (taken from a prepared reference when given one). */
  reference?: string;
  fake: tf.Tensor4D;
  /** Classes the fakes were generated for (conditional models): adds class accuracy. */
  fakeLabels?: Int32Array;
  /** The feature extractor (taken from a prepared reference when given one). */
  extractor?: FeatureExtractor;
  /** k of the precision/recall manifolds (default 3). */
  k?: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
}

/** FID, KID, IS, precision/recall and (for conditional samples) class accuracy, all on one feature extractor. */
export function evaluateImages(o: EvaluateImagesInput): ImageReport {
  const ref = 'embedded' in o.real ? o.real : null;
  const ex = ref ? ref.extractor : o.extractor;
  if (!ex) throw new Error('evaluateImages: pass a feature extractor, or a reference made by prepareReference');
  if (ref && o.k !== undefined && o.k !== ref.k) throw new Error(`evaluateImages: the reference was prepared with k = ${ref.k}, not ${o.k}`);
  const real = ref ? ref.embedded : ex.embed(o.real as tf.Tensor4D);
  const fake = ex.embed(o.fake);
  const d = ex.featureDim;
  const nReal = ref ? ref.n : (o.real as tf.Tensor4D).shape[0];
  const nFake = o.fake.shape[0];
  const fid = frechetDistance(ref ? ref.stats : featureStats(real.features, d), featureStats(fake.features, d));
  const kid = kernelInceptionDistance(real.features, fake.features, d, { subsets: o.kidSubsets ?? 100, subsetSize: o.kidSubsetSize ?? 1000 });
  const [realT, fakeT] = [tf.tensor2d(real.features, [nReal, d]), tf.tensor2d(fake.features, [nFake, d])];
  const pr = precisionRecall(realT, fakeT, { k: ref ? ref.k : o.k, realRadii: ref?.radii });
  tf.dispose([realT, fakeT]);
  const is = fake.probs && ex.classes ? inceptionScore(fake.probs, ex.classes, { splits: Math.min(10, nFake) }) : undefined;
  const acc = o.fakeLabels && fake.predicted ? classAccuracy(fake.predicted, o.fakeLabels, ex.classes) : undefined;
  return { extractor: ex.name, nReal, nFake, reference: ref ? ref.name : (o.reference ?? 'reference images'), fid, kid, inceptionScore: is, precision: pr.precision, recall: pr.recall, classAccuracy: acc };
}

/** A two-column text table of a report, for the console. */
export function formatReport(r: ImageReport): string {
  const rows: [string, string][] = [
    ['FID ↓', r.fid.toFixed(3)],
    // No ×10³ here: KID's scale follows the features' (large for the kit classifier's, ~10⁻² for Inception's).
    ['KID ↓', `${r.kid.mean.toPrecision(4)} ± ${r.kid.std.toPrecision(3)}`],
    ...(r.inceptionScore ? [['IS ↑', `${r.inceptionScore.mean.toFixed(3)} ± ${r.inceptionScore.std.toFixed(3)}`] as [string, string]] : []),
    ['precision ↑', r.precision.toFixed(3)],
    ['recall ↑', r.recall.toFixed(3)],
    ...(r.classAccuracy ? [['class accuracy ↑', `${(100 * r.classAccuracy.overall).toFixed(1)}%`] as [string, string]] : []),
    ['n real / n fake', `${r.nReal} / ${r.nFake}`],
    ['reference', r.reference],
    ['features', r.extractor],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
