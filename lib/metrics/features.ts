import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImageClassifier } from './classifier';

/** What a metric sees of a set of images: an embedding, and class probabilities where the extractor has them. */
export interface Embedded {
  features: Float32Array;
  /** Softmax probabilities [n, classes], row-major (Inception Score, class accuracy). */
  probs?: Float32Array;
  predicted?: Int32Array;
}

/** Maps images (NHWC, in [-1, 1]) to features; every reported number names the extractor it used. */
export interface FeatureExtractor {
  readonly name: string;
  readonly featureDim: number;
  /** Classes of its probabilities; 0 when it has none. */
  readonly classes: number;
  embed(images: tf.Tensor4D): Embedded;
}

/** The kit's own classifier (`npm run classifier`) as a feature extractor: its 128-d feature layer and softmax. */
export function classifierExtractor(model: ImageClassifier, name = 'kit classifier'): FeatureExtractor {
  return { name, featureDim: model.cfg.featureDim, classes: model.cfg.classes, embed: (images) => model.embed(images) };
}

/** Configures `graphModelExtractor`: which TF.js graph model to load, its input format and the nodes to read. */
export interface GraphModelExtractorConfig {
  /** A `model.json` path or an http(s) URL of a TF.js graph model (e.g. an InceptionV3 converted with tensorflowjs_converter). */
  model: string;
  /** Side the model takes; images are resized to it bilinearly (299 for InceptionV3). */
  inputSize?: number;
  /** Value range the model expects (InceptionV3 from TF-Hub/Keras: [-1, 1]; some conversions: [0, 255] or [0, 1]). */
  inputRange?: [number, number];
  /** Node whose output is the feature vector (default: the model's first output; pool_3 for FID). */
  featureNode?: string;
  /** Node with class logits, for Inception Score (default: none). */
  logitsNode?: string;
  /** Image channels the model takes (3). */
  channels?: number;
  batchSize?: number;
}

/** Reads a graph model's `model.json` and weight files from disk (TF.js's own file loader lives in tfjs-node). */
function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      if (!fs.existsSync(modelJson)) throw new Error(`no graph model at ${modelJson}: pass the path of its model.json (or an http(s) URL)`);
      const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = tf.io.getWeightSpecs(manifest);
        const buffers = manifest.flatMap((group) =>
          group.paths.map((p) => {
            const file = path.join(path.dirname(modelJson), p);
            if (!fs.existsSync(file)) throw new Error(`graph model weights ${file} are missing (listed in ${modelJson}); copy every shard next to model.json`);
            const b = fs.readFileSync(file);
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/**
 * A TF.js graph model as the feature extractor (InceptionV3 for CIFAR-10/ImageNet FID, as the FID literature
 * uses). Images are resized to `inputSize` with bilinear interpolation and rescaled to `inputRange` first.
 */
export async function graphModelExtractor(cfg: GraphModelExtractorConfig): Promise<FeatureExtractor> {
  const size = cfg.inputSize ?? 299;
  const [lo, hi] = cfg.inputRange ?? [-1, 1];
  const isUrl = /^https?:\/\//.test(cfg.model);
  const model = await tf.loadGraphModel(isUrl ? cfg.model : fileHandler(path.resolve(cfg.model)));
  const featureNode = cfg.featureNode ?? model.outputs[0].name;
  const outputs = cfg.logitsNode ? [featureNode, cfg.logitsNode] : [featureNode];
  const run = (x: tf.Tensor4D) => {
    const resized = x.shape[1] === size && x.shape[2] === size ? x : tf.image.resizeBilinear(x, [size, size]);
    const scaled = tf.add(tf.mul(tf.add(resized, 1), (hi - lo) / 2), lo);
    const out = model.execute(scaled, outputs);
    return Array.isArray(out) ? out : [out];
  };
  // One probe image tells the feature and class sizes.
  const probe = tf.tidy(() => run(tf.zeros([1, size, size, cfg.channels ?? 3])).map((t) => t.size));
  const [featureDim, classes] = [probe[0], probe[1] ?? 0];
  return {
    name: `graph model ${cfg.model} (${featureNode}${cfg.logitsNode ? `, ${cfg.logitsNode}` : ''})`,
    featureDim,
    classes,
    embed(images) {
      const n = images.shape[0];
      const features = new Float32Array(n * featureDim);
      const probs = classes ? new Float32Array(n * classes) : undefined;
      const batch = cfg.batchSize ?? 50;
      for (let s = 0; s < n; s += batch) {
        const rows = Math.min(batch, n - s);
        const parts = tf.tidy(() => {
          const outs = run(images.slice([s, 0, 0, 0], [rows, -1, -1, -1]));
          const f = outs[0].reshape([rows, featureDim]);
          return classes ? [f, tf.softmax(outs[1].reshape([rows, classes]))] : [f];
        });
        features.set(parts[0].dataSync(), s * featureDim);
        if (probs) probs.set(parts[1].dataSync(), s * classes);
        tf.dispose(parts);
      }
      const predicted = probs ? Int32Array.from({ length: n }, (_, i) => argmax(probs.subarray(i * classes, (i + 1) * classes))) : undefined;
      return { features, probs, predicted };
    },
  };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
