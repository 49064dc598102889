import * as tf from '@tensorflow/tfjs';
import { BigGanGenerator, type BigGanConfig } from '../models/biggan';
import { DcganGenerator, type DcganConfig } from '../models/dcgan';
import { ToyMlpGenerator, type ToyMlpConfig } from '../models/toyMlp';
import type { Module } from '../nn/module';

/**
 * An exported generator: `generator.json` (this spec: which model class, its config, class names and TF.js's
 * weights manifest) next to the weight file it lists. It needs only the library's model code and TF.js, so it loads
 * the same way in Node and in a browser (no Node modules are imported here).
 */
export interface GeneratorSpec {
  format: 'biggan-ts-generator';
  version: 1;
  model: 'toy' | 'dcgan' | 'biggan';
  arch: Record<string, unknown>;
  zDim: number;
  classes: number;
  classNames: string[];
  /** Where it came from: run preset, training step, EMA or raw weights. */
  source: { preset: string; step: number; which: 'ema' | 'raw' };
  weightsManifest: tf.io.WeightsManifestConfig;
}

export type SampleGenerator = Module & { apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor; cfg: { zDim: number } };

/**
 * The generator of a model kind and config: the one place model kinds map to generator classes. By default it is
 * built to receive trained weights, so BigGAN's orthogonal initialisation is skipped (O(n³) per layer, and the
 * weights are overwritten anyway); `forTraining` keeps the config's initialisation.
 */
export function generatorFor(model: GeneratorSpec['model'], arch: Record<string, unknown>, o: { forTraining?: boolean } = {}): SampleGenerator {
  if (model === 'toy') return new ToyMlpGenerator(arch as ToyMlpConfig) as unknown as SampleGenerator;
  if (model === 'dcgan') return new DcganGenerator(arch as DcganConfig) as unknown as SampleGenerator;
  if (model === 'biggan') return new BigGanGenerator({ ...(arch as unknown as BigGanConfig), ...(o.forTraining ? {} : { init: 'normal' as const }) }) as unknown as SampleGenerator;
  throw new Error(`unknown generator kind '${model}' (toy, dcgan or biggan)`);
}

/** Builds the generator a spec describes and loads its weights (float32 or quantised) from the weight file's bytes. */
export function generatorFromSpec(spec: GeneratorSpec, weights: ArrayBuffer): SampleGenerator {
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
