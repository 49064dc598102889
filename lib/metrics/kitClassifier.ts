import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadMnist, type MnistName } from '../../datasets/mnist';
import { ImageClassifier, classifierDir, loadClassifier, saveClassifier, trainClassifier } from './classifier';

/** Configures `trainKitClassifier`: the data set, how long and how wide to train, where to save, and progress. */
export interface KitClassifierTraining {
  /** Data set (default 'fashion-mnist'). */
  dataset?: MnistName;
  /** Passes over the training images (default 4: about 5 minutes on 2 CPU cores, 91% on Fashion-MNIST's test set). */
  epochs?: number;
  /** Channels of the first conv (default 16). */
  width?: number;
  /** Train on the first `limit` training images only (default: all 60,000). */
  limit?: number;
  /** Folder to save to (default: `classifierDir(dataset)` in the data cache). */
  dir?: string;
  /** Where progress lines go (default console.log). */
  log?: (line: string) => void;
}

/**
 * Trains the kit's classifier — the feature extractor of FID, KID, precision/recall and class accuracy — tests it
 * on the data set's test split and saves it with its test accuracy. What `npm run classifier` runs.
 */
export async function trainKitClassifier(o: KitClassifierTraining = {}): Promise<{ model: ImageClassifier; info: Record<string, unknown> }> {
  const dataset = o.dataset ?? 'fashion-mnist';
  const epochs = o.epochs ?? 4;
  const log = o.log ?? console.log;
  const train = await loadMnist({ name: dataset, split: 'train', pad32: true, limit: o.limit });
  const test = await loadMnist({ name: dataset, split: 'test', pad32: true });
  const model = new ImageClassifier({ width: o.width ?? 16 });
  const t0 = Date.now();
  const seconds = () => (Date.now() - t0) / 1000;
  let saved = false;
  try {
    trainClassifier(model, { images: train.images, labels: train.labels }, {
      epochs,
      onEpoch: (e, loss) => log(`classifier epoch ${e + 1}/${epochs}: loss ${loss.toFixed(4)} (${seconds().toFixed(0)} s)`),
    });
    model.eval();
    const testAccuracy = model.accuracy(test.images, test.labels);
    const dir = o.dir ?? classifierDir(dataset);
    const info = { dataset, testAccuracy, testExamples: test.labels.length, trainExamples: train.labels.length, epochs, seconds: seconds() };
    saveClassifier(model, dir, info);
    log(`classifier: ${(100 * testAccuracy).toFixed(2)}% on the ${test.labels.length} ${dataset} test images after ${seconds().toFixed(0)} s; saved to ${dir}`);
    saved = true;
    return { model, info };
  } finally {
    train.images.dispose();
    test.images.dispose();
    if (!saved) model.dispose();
  }
}

/** Configures `kitClassifier`: which classifier, where the cache is, and where progress goes if it must be trained. */
export interface KitClassifierOptions {
  dataset?: MnistName;
  /**
   * A quick classifier for quick notebook runs and tests: 1 epoch over 10,000 images (about 20 seconds), kept apart
   * from the full one (`<cache>/classifiers/<dataset>-quick`). Its features are coarser, so its numbers are not
   * comparable with the full classifier's.
   */
  quick?: boolean;
  /** Where classifiers are kept, as `<cache>/classifiers/…` (default: the data cache, `GAN_DATA_DIR` or datasets/cache). */
  cache?: string;
  log?: (line: string) => void;
}

/**
 * Where the repository keeps a trained kit classifier (`results/weights/classifier-<dataset>`): the feature
 * extractor every committed score was measured with, so that a fresh clone measures with the same weights, bit for
 * bit, whatever its CPU would have trained. The repository holds Fashion-MNIST's.
 */
export const repositoryClassifierDir = (dataset: string) => path.resolve(__dirname, '..', '..', '..', 'results', 'weights', `classifier-${dataset}`);

/**
 * Where a trained kit classifier is, in `kitClassifier`'s order — the data cache, then (full classifiers only) the
 * repository's copy — or null where there is none yet.
 */
export function trainedKitClassifierDir(o: Pick<KitClassifierOptions, 'dataset' | 'quick' | 'cache'> = {}): string | null {
  const dataset = o.dataset ?? 'fashion-mnist';
  const places = [classifierDir(o.quick ? `${dataset}-quick` : dataset, o.cache), ...(o.quick ? [] : [repositoryClassifierDir(dataset)])];
  return places.find((dir) => fs.existsSync(path.join(dir, 'checkpoint.json'))) ?? null;
}

/**
 * The kit's classifier: from the data cache (where `npm run classifier` trains one), else the repository's copy
 * (Fashion-MNIST's full classifier), else trained there on first use (full: about 5 minutes on 2 CPU cores;
 * quick: about 20 seconds), saying so and showing progress. So a notebook that measures samples runs on a fresh
 * clone without a separate `npm run classifier`.
 */
export async function kitClassifier(o: KitClassifierOptions = {}): Promise<{ model: ImageClassifier; info: Record<string, unknown>; trained: boolean }> {
  const dataset = o.dataset ?? 'fashion-mnist';
  const found = trainedKitClassifierDir(o);
  if (found) return { ...loadClassifier(found), trained: false };
  const dir = classifierDir(o.quick ? `${dataset}-quick` : dataset, o.cache);
  const log = o.log ?? console.log;
  log(`no ${o.quick ? 'quick ' : ''}${dataset} classifier in ${dir} yet: training it once (${o.quick ? 'about 20 seconds' : 'about 5 minutes on 2 CPU cores'})`);
  const { model, info } = await trainKitClassifier({ dataset, dir, log, ...(o.quick ? { epochs: 1, limit: 10000 } : {}) });
  return { model, info, trained: true };
}
