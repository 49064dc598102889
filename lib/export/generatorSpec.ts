import * as tf from '@tensorflow/tfjs';
import { generatorFor, type Generator, type ModelKind } from '../models/registry';
import type { RunConfig } from '../run/config';

/**
 * An exported generator: `generator.json` (this spec: which model class, its config, class names and TF.js's
 * weights manifest) next to the weight file it lists. It needs only the library's model code and TF.js, so it loads
 * the same way in Node and in a browser (no Node modules are imported here).
 */
export interface GeneratorSpec {
  format: 'biggan-ts-generator';
  version: 1;
  model: ModelKind;
  arch: Record<string, unknown>;
  zDim: number;
  classes: number;
  classNames: string[];
  /**
   * Where it came from: run preset, training step, EMA or raw weights, and — where the exporter replaced the batch
   * norms' running statistics by standing statistics (BigGAN-PyTorch's) — over how many batches.
   */
  source: { preset: string; step: number; which: 'ema' | 'raw'; standingBatches?: number };
  /**
   * The training run's whole config, so that `npm run evaluate` and `npm run sample` take the exported folder as
   * they take a run folder (data set, classes). Absent in files exported before it was recorded.
   */
  run?: RunConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** Builds the generator a spec describes and loads its weights (float32 or quantised) from the weight file's bytes. */
export function generatorFromSpec(spec: GeneratorSpec, weights: ArrayBuffer): Generator {
  if (spec.format !== 'biggan-ts-generator') throw new Error('not a BigGAN.ts generator file (format field missing or different)');
  const g = generatorFor(spec.model, spec.arch);
  const specs = spec.weightsManifest.flatMap((group) => group.weights);
  const named = tf.io.decodeWeights(weights, specs);
  try {
    g.loadStateDict(new Map(Object.entries(named)), { source: 'the exported generator' });
  } finally {
    tf.dispose(Object.values(named));
  }
  g.eval();
  return g;
}
