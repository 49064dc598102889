import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module';
import { loadCheckpoint } from '../train/checkpoint';
import type { GeneratorLike } from '../train/trainer';
import type { RunConfig } from './config';
import { buildModels } from './build';
import { RunFolder } from './runFolder';

export interface LoadedGenerator {
  g: GeneratorLike & { cfg: { zDim: number } };
  cfg: RunConfig;
  step: number;
  /** Which weights: the EMA copy (when the run kept one and it was asked for) or the raw generator. */
  which: 'ema' | 'raw';
}

/** A trained generator from a run folder, in evaluation mode (running batch-norm statistics). */
export function loadGenerator(dir: string, o: { ema?: boolean } = {}): LoadedGenerator {
  const folder = new RunFolder(dir);
  const cfg = folder.readConfig();
  if (!folder.hasCheckpoint()) throw new Error(`${dir} has a config but no checkpoint/ yet: train it first`);
  const { manifest, tensors } = loadCheckpoint(folder.checkpointDir);
  const { g, gEma, d } = buildModels(cfg);
  const useEma = (o.ema ?? true) && gEma != null;
  const gen = useEma ? gEma! : g;
  const prefix = useEma ? 'G_ema.' : 'G.';
  try {
    (gen as Module).loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t])), { source: `${dir} (${prefix.slice(0, -1)})` });
  } finally {
    tf.dispose([...tensors.values()]);
  }
  // Only G is wanted: free the other models' weights.
  for (const m of [d, useEma ? g : gEma]) if (m) tf.dispose([...(m as Module).stateDict().values()]);
  (gen as Module).eval();
  return { g: gen, cfg, step: manifest.step, which: useEma ? 'ema' : 'raw' };
}
