import * as tf from '@tensorflow/tfjs';
import { generatorFor, type Generator } from '../models/registry';
import { loadCheckpoint } from '../train/checkpoint';
import type { RunConfig } from './config';
import { RunFolder } from './runFolder';

/** A generator restored from a run folder, with the run's config and the step its checkpoint was taken at. */
export interface LoadedGenerator {
  g: Generator;
  cfg: RunConfig;
  step: number;
  /** Which weights: the EMA copy (when the run kept one and it was asked for) or the raw generator. */
  which: 'ema' | 'raw';
  /** Class names of the training data, where the run recorded them. */
  classNames?: string[];
}

/** A trained generator from a run folder, in evaluation mode (running batch-norm statistics). */
export function loadGenerator(dir: string, o: { ema?: boolean } = {}): LoadedGenerator {
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
