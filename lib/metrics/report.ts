import * as tf from '@tensorflow/tfjs';
import type { FeatureExtractor } from './features';
import { featureStats, frechetDistance } from './fid';
import { inceptionScore } from './inceptionScore';
import { kernelInceptionDistance, type MeanStd } from './kid';
import { precisionRecall } from './precisionRecall';

/** Accuracy of a classifier on conditional samples: did the generator draw the class it was asked for? */
export interface ClassAccuracy {
  overall: number;
  perClass: number[];
}

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

export interface EvaluateImagesInput {
  /** Reference images (NHWC, [-1, 1]) and what they are, e.g. "fashion-mnist test". */
  real: tf.Tensor4D;
  reference: string;
  fake: tf.Tensor4D;
  /** Classes the fakes were generated for (conditional models): adds class accuracy. */
  fakeLabels?: Int32Array;
  extractor: FeatureExtractor;
  /** k of the precision/recall manifolds (default 3). */
  k?: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
}

/** FID, KID, IS, precision/recall and (for conditional samples) class accuracy, all on one feature extractor. */
export function evaluateImages(o: EvaluateImagesInput): ImageReport {
  const ex = o.extractor;
  const real = ex.embed(o.real);
  const fake = ex.embed(o.fake);
  const d = ex.featureDim;
  const [nReal, nFake] = [o.real.shape[0], o.fake.shape[0]];
  const fid = frechetDistance(featureStats(real.features, d), featureStats(fake.features, d));
  const kid = kernelInceptionDistance(real.features, fake.features, d, { subsets: o.kidSubsets ?? 100, subsetSize: o.kidSubsetSize ?? 1000 });
  const [realT, fakeT] = [tf.tensor2d(real.features, [nReal, d]), tf.tensor2d(fake.features, [nFake, d])];
  const pr = precisionRecall(realT, fakeT, { k: o.k });
  tf.dispose([realT, fakeT]);
  const is = fake.probs && ex.classes ? inceptionScore(fake.probs, ex.classes, { splits: Math.min(10, nFake) }) : undefined;
  const acc = o.fakeLabels && fake.predicted ? classAccuracy(fake.predicted, o.fakeLabels, ex.classes) : undefined;
  return { extractor: ex.name, nReal, nFake, reference: o.reference, fid, kid, inceptionScore: is, precision: pr.precision, recall: pr.recall, classAccuracy: acc };
}

/** A two-column text table of a report, for the console. */
export function formatReport(r: ImageReport): string {
  const rows: [string, string][] = [
    ['FID ↓', r.fid.toFixed(3)],
    ['KID ↓ (×10³)', `${(1e3 * r.kid.mean).toFixed(3)} ± ${(1e3 * r.kid.std).toFixed(3)}`],
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
