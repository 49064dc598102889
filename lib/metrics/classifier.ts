import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Conv2d, Linear } from '../nn/layers';
import { oneHotFloat } from '../nn/oneHot';
import { Module, SeedStream } from '../nn/module';
import { Adam } from '../train/adam';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { rng } from '../../datasets/random';
import { cacheDir } from '../../datasets/cache';

/** Configures `ImageClassifier`: its input shape, class count, layer widths and initialisation seed. */
export interface ClassifierConfig {
  /** Image channels (1 for Fashion-MNIST/MNIST). */
  channels?: number;
  classes?: number;
  /** Input side; other sizes are resized to it. */
  resolution?: number;
  /** Channels of the first conv; doubled at each of the two stride-2 convs. */
  width?: number;
  /** Size of the feature layer the metrics use (the FID/KID/precision-recall embedding). */
  featureDim?: number;
  seed?: number;
}

const DEFAULTS: Required<ClassifierConfig> = { channels: 1, classes: 10, resolution: 32, width: 32, featureDim: 128, seed: 7 };

/**
 * The kit's feature extractor for small grey-scale data sets: three 3×3 convs (the last two with stride 2), a
 * fully connected feature layer and a linear classifier. Its feature layer plays the role Inception's pool3 plays
 * for ImageNet-sized images: FID, KID and precision/recall are computed on it, Inception Score on its softmax.
 */
export class ImageClassifier extends Module {
  readonly cfg: Required<ClassifierConfig>;
  private readonly convs: Conv2d[];
  private readonly fc: Linear;
  private readonly head: Linear;

  constructor(config: ClassifierConfig = {}) {
    super();
    const c = (this.cfg = { ...DEFAULTS, ...config });
    const seeds = new SeedStream(c.seed);
    const he = { kind: 'he' as const };
    const w = c.width;
    this.convs = [
      this.child('conv0', new Conv2d({ inChannels: c.channels, outChannels: w, kernel: 3, init: he, seed: seeds.take() })),
      this.child('conv1', new Conv2d({ inChannels: w, outChannels: 2 * w, kernel: 3, stride: 2, init: he, seed: seeds.take() })),
      this.child('conv2', new Conv2d({ inChannels: 2 * w, outChannels: 4 * w, kernel: 3, stride: 2, init: he, seed: seeds.take() })),
    ];
    const side = Math.ceil(c.resolution / 4);
    this.fc = this.child('fc', new Linear({ inFeatures: side * side * 4 * w, outFeatures: c.featureDim, init: he, seed: seeds.take() }));
    this.head = this.child('head', new Linear({ inFeatures: c.featureDim, outFeatures: c.classes, init: { kind: 'xavier' }, seed: seeds.take() }));
  }

  /** Images in [-1, 1] of any side, resized (bilinear) to the classifier's. */
  private prepare(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.cfg;
    if (x.shape[3] !== c.channels) throw new Error(`classifier expects ${c.channels}-channel images, got ${x.shape[3]} channels`);
    return x.shape[1] === c.resolution && x.shape[2] === c.resolution ? x : tf.image.resizeBilinear(x, [c.resolution, c.resolution], true);
  }

  /** The feature embedding, [n, featureDim]. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    let h = this.prepare(x);
    for (const conv of this.convs) h = tf.relu(conv.apply(h));
    return tf.relu(this.fc.apply(h.reshape([h.shape[0], -1]) as tf.Tensor2D));
  }

  /** Class logits, [n, classes]. */
  apply(x: tf.Tensor4D): tf.Tensor2D {
    return this.head.apply(this.features(x));
  }

  /** Features, softmax probabilities and predicted classes of many images, in batches, as plain arrays. */
  embed(images: tf.Tensor4D, batchSize = 250): { features: Float32Array; probs: Float32Array; predicted: Int32Array } {
    const n = images.shape[0];
    const c = this.cfg;
    const features = new Float32Array(n * c.featureDim);
    const probs = new Float32Array(n * c.classes);
    const predicted = new Int32Array(n);
    for (let s = 0; s < n; s += batchSize) {
      const rows = Math.min(batchSize, n - s);
      const [f, p, k] = tf.tidy(() => {
        const feats = this.features(images.slice([s, 0, 0, 0], [rows, -1, -1, -1]));
        const logits = this.head.apply(feats);
        return [feats, tf.softmax(logits), tf.argMax(logits, 1)];
      });
      features.set(f.dataSync(), s * c.featureDim);
      probs.set(p.dataSync(), s * c.classes);
      predicted.set(k.dataSync(), s);
      tf.dispose([f, p, k]);
    }
    return { features, probs, predicted };
  }

  /** Fraction of images whose predicted class is the label. */
  accuracy(images: tf.Tensor4D, labels: Int32Array): number {
    const { predicted } = this.embed(images);
    let right = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
    return right / labels.length;
  }
}

/** Configures `trainClassifier`: epochs, batch size, peak learning rate, shuffling seed and a progress callback. */
export interface ClassifierTraining {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Trains with Adam on softmax cross-entropy; every step's tensors are freed. */
export function trainClassifier(model: ImageClassifier, data: { images: tf.Tensor4D; labels: Int32Array }, o: ClassifierTraining = {}): void {
  const epochs = o.epochs ?? 3;
  const batchSize = o.batchSize ?? 128;
  const lr = o.lr ?? 2e-3;
  const opt = new Adam({ lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const vars = model.parameters();
  const n = data.images.shape[0];
  const u = rng(o.seed ?? 0);
  const perEpoch = Math.floor(n / batchSize);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let total = 0;
    let batches = 0;
    for (let s = 0; s + batchSize <= n; s += batchSize) {
      const ids = order.subarray(s, s + batchSize);
      // Cosine decay to zero: the last epochs refine with small steps, worth about a point of accuracy here.
      opt.lr = (lr / 2) * (1 + Math.cos((Math.PI * (epoch * perEpoch + batches)) / (epochs * perEpoch)));
      const loss = opt.minimize(() => {
        const x = tf.gather(data.images, tf.tensor1d(ids, 'int32'));
        const y = oneHotFloat(tf.tensor1d(Int32Array.from(ids, (i) => data.labels[i]), 'int32'), model.cfg.classes);
        return tf.losses.softmaxCrossEntropy(y, model.apply(x)) as tf.Scalar;
      }, vars);
      total += loss.dataSync()[0];
      batches++;
      loss.dispose();
    }
    o.onEpoch?.(epoch, total / batches);
  }
  opt.dispose();
}

/** Where the kit keeps a trained classifier: `<cache>/classifiers/<dataset>`. */
export function classifierDir(dataset: string, cache?: string): string {
  return path.join(cacheDir(cache), 'classifiers', dataset);
}

/** Saves a classifier's weights to `dir` as a checkpoint, with its config and `info` in the manifest. */
export function saveClassifier(model: ImageClassifier, dir: string, info: Record<string, unknown>): void {
  saveCheckpoint(dir, 0, model.stateDict(), { config: model.cfg, ...info });
}

/** Loads a classifier saved by `saveClassifier` (or `npm run classifier`), with the config it was trained with. */
export function loadClassifier(dir: string): { model: ImageClassifier; info: Record<string, unknown> } {
  if (!fs.existsSync(path.join(dir, 'checkpoint.json'))) {
    throw new Error(`no trained classifier at ${dir}. Train it once with \`npm run classifier\` (a few minutes on a CPU); the metrics need it as their feature extractor`);
  }
  const { manifest, tensors } = loadCheckpoint(dir);
  try {
    const model = new ImageClassifier(manifest.state.config as ClassifierConfig);
    model.loadStateDict(tensors, { source: `classifier ${dir}` });
    model.eval();
    return { model, info: manifest.state };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
