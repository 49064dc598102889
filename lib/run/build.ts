import * as tf from '@tensorflow/tfjs';
import { LOSSES } from '../losses';
import { discriminatorFor, generatorFor, type Generator } from '../models/registry';
import { Adam } from '../train/adam';
import { Trainer, type DiscriminatorLike, type BatchSource } from '../train/trainer';
import { batchSource } from '../../datasets/batches';
import { loadCifar10 } from '../../datasets/cifar10';
import { loadImageFolder } from '../../datasets/imageFolder';
import type { LabelledImages } from '../../datasets/labelled';
import { loadMnist } from '../../datasets/mnist';
import { grid25, ring8, type ToyMixture } from '../../datasets/toy';
import type { RunConfig } from './config';

/** The toy mixtures a run config names as its data. */
export const TOYS: Record<string, () => ToyMixture> = { ring8, grid25 };

/** A run's training data: points of a toy mixture, or labelled images. */
export type RunData =
  | { kind: 'toy'; mixture: ToyMixture }
  | {
      kind: 'images';
      name: string;
      /** The images loaded (the split asked for; an image folder has only one, its training images). */
      train: LabelledImages;
      /** Which images these are, in words, for reports: "test split", or "training folder" for an image folder. */
      split?: string;
    };

/** Loads the data a config names (`split` 'test' for evaluation references). */
export async function loadRunData(cfg: RunConfig, split: 'train' | 'test' = 'train'): Promise<RunData> {
  const limit = cfg.dataLimit || undefined;
  if (cfg.data in TOYS) return { kind: 'toy', mixture: TOYS[cfg.data]() };
  if (cfg.data === 'fashion-mnist' || cfg.data === 'mnist') return { kind: 'images', name: cfg.data, split: `${split} split`, train: await loadMnist({ name: cfg.data, split, pad32: true, limit: split === 'train' ? limit : undefined }) };
  if (cfg.data === 'cifar10') return { kind: 'images', name: 'cifar10', split: `${split} split`, train: await loadCifar10({ split, limit: split === 'train' ? limit : undefined }) };
  if (cfg.data.startsWith('folder:')) {
    const root = cfg.data.slice('folder:'.length);
    const resolution = Number(cfg.arch.resolution ?? 64);
    return { kind: 'images', name: root, split: 'training folder (an image folder has no test split)', train: await loadImageFolder({ root, resolution, channels: 3 }) };
  }
  throw new Error(`unknown data '${cfg.data}': use ring8, grid25, fashion-mnist, mnist, cifar10 or folder:<path>`);
}

/** Fills in what the data decides (side, channels, classes), so a saved config rebuilds the models alone. */
export function completeArch(cfg: RunConfig, data: RunData): RunConfig {
  if (data.kind === 'toy') return { ...cfg, arch: { ...cfg.arch } };
  const [, h, , c] = data.train.images.shape;
  const resolution = Number(cfg.arch.resolution ?? h);
  if (resolution !== h) throw new Error(`the model's resolution is ${resolution} but ${data.name} images are ${h}×${h}; set arch.resolution to ${h}`);
  return { ...cfg, arch: { ...cfg.arch, resolution, channels: c, classes: cfg.conditional ? data.train.classNames.length : 0 } };
}

/** G and D (and G's EMA copy when the config has one) for a completed config. */
export function buildModels(cfg: RunConfig): { g: Generator; d: DiscriminatorLike; gEma?: Generator } {
  const seed = cfg.seed + 1;
  const arch = cfg.arch;
  const makeG = () => generatorFor(cfg.model, { ...arch, seed }, { forTraining: true });
  const d = discriminatorFor(cfg.model, { ...arch, seed });
  return { g: makeG(), d, gEma: cfg.emaDecay > 0 ? makeG() : undefined };
}

/** Real batches as a function of their position (what the Trainer's resumable loop wants). */
export function runBatches(cfg: RunConfig, data: RunData): BatchSource {
  if (data.kind === 'toy') {
    const n = cfg.batchSize;
    return (step, dStep, micro) => ({ x: tf.tensor2d(data.mixture.sample(n, ((cfg.seed * 7919 + step) * 131 + dStep * 17 + micro + 1) >>> 0), [n, 2]) });
  }
  const source = batchSource({ images: data.train.images, labels: cfg.conditional ? data.train.labels : undefined }, { batchSize: cfg.batchSize, seed: cfg.seed });
  return source;
}

/** The whole training setup of a completed config. */
export function buildTrainer(cfg: RunConfig, data: RunData): { trainer: Trainer; g: Generator; d: DiscriminatorLike; gEma?: Generator } {
  const { g, d, gEma } = buildModels(cfg);
  const zDim = g.cfg.zDim;
  const trainer = new Trainer({
    g,
    d,
    gEma,
    ema: { decay: cfg.emaDecay, startStep: cfg.emaStart },
    zDim,
    classes: Number(cfg.arch.classes ?? 0),
    batch: runBatches(cfg, data),
    loss: LOSSES[cfg.loss],
    gOptimizer: new Adam({ lr: cfg.gLr, beta1: cfg.beta1, beta2: cfg.beta2, epsilon: 1e-8 }),
    dOptimizer: new Adam({ lr: cfg.dLr, beta1: cfg.beta1, beta2: cfg.beta2, epsilon: 1e-8 }),
    dSteps: cfg.dSteps,
    accumulate: cfg.accumulate,
    gradientPenalty: cfg.gradientPenalty,
    r1: cfg.r1,
    orthoReg: cfg.orthoReg,
    modeSeeking: cfg.modeSeeking,
    entropy: cfg.entropy,
    weightClip: cfg.weightClip,
    seed: cfg.seed,
  });
  return { trainer, g, d, gEma };
}
