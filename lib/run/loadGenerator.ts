import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readGeneratorFiles } from '../export/exportGenerator';
import { generatorFromSpec } from '../export/generatorSpec';
import { generatorFor, type Generator } from '../models/registry';
import { loadCheckpoint } from '../train/checkpoint';
import type { RunConfig } from './config';
import { RunFolder } from './runFolder';

/** A trained generator restored from a run folder or an exported one, with its run's config and training step. */
export interface LoadedGenerator {
  g: Generator;
  cfg: RunConfig;
  step: number;
  /** Which weights: the EMA copy (when the run kept one and it was asked for) or the raw generator. */
  which: 'ema' | 'raw';
  /** Class names of the training data, where the run recorded them. */
  classNames?: string[];
  /** Batches of standing statistics already in G's batch norms (an exported generator that was given them). */
  standingBatches?: number;
}

/** Whether `dir` holds an exported generator (`npm run export`) rather than a training run. */
export function isExportedGenerator(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'generator.json')) && !fs.existsSync(path.join(dir, 'config.json'));
}

/**
 * Where `npm run evaluate` (kind 'eval') and `npm run sample` (kind 'samples') write by default for a generator
 * folder: a run keeps its outputs beside its checkpoint; an exported generator's folder (the kit's weights) is
 * left as it came, so its outputs go to build/KIND/NAME.
 */
export function outputFolder(dir: string, kind: 'eval' | 'samples'): string {
  return isExportedGenerator(dir) ? path.join('build', kind, path.basename(path.resolve(dir))) : dir;
}

/**
 * A trained generator in evaluation mode (running batch-norm statistics), from a run folder's checkpoint or from
 * a folder written by `npm run export` (such as the kit's weights in results/weights/), which holds one G only.
 */
export function loadGenerator(dir: string, o: { ema?: boolean } = {}): LoadedGenerator {
  if (isExportedGenerator(dir)) return loadExported(dir, o);
  const folder = new RunFolder(dir);
  const cfg = folder.readConfig();
  if (!folder.hasCheckpoint()) throw new Error(`${dir} has a config but no checkpoint/ yet: train it first`);
  const { manifest, tensors } = loadCheckpoint(folder.checkpointDir);
  const g = generatorFor(cfg.model, { ...cfg.arch, seed: cfg.seed + 1 });
  const useEma = (o.ema ?? true) && cfg.emaDecay > 0;
  const prefix = useEma ? 'G_ema.' : 'G.';
  try {
    g.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t])), { source: `${dir} (${prefix.slice(0, -1)})` });
  } finally {
    tf.dispose([...tensors.values()]);
  }
  g.eval();
  return { g, cfg, step: manifest.step, which: useEma ? 'ema' : 'raw', classNames: folder.readDataInfo()?.classNames };
}

function loadExported(dir: string, o: { ema?: boolean }): LoadedGenerator {
  const { spec, weights } = readGeneratorFiles(dir);
  if (spec.run == null) throw new Error(`${dir}/generator.json does not record its training config (exported by an older version): export it again from its run folder with npm run export`);
  const asked = (o.ema ?? true) ? 'ema' : 'raw';
  // Only an EMA export can answer for the EMA G; a run without EMA has only its raw G, which either request means.
  if (asked !== spec.source.which && spec.run.emaDecay > 0) {
    throw new Error(`${dir} holds the ${spec.source.which} generator only, not the ${asked} one: ${asked === 'raw' ? 'drop --raw' : 'pass --raw'}, or use the training run folder`);
  }
  return { g: generatorFromSpec(spec, weights), cfg: spec.run, step: spec.source.step, which: spec.source.which, classNames: spec.classNames, standingBatches: spec.source.standingBatches };
}
