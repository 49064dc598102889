/**
 * BigGAN.ts: the library the notebooks build and scripts import. `tf` is re-exported so that a notebook and the
 * library share one TF.js engine (two copies would keep two sets of tensors and backends).
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export * from './backend';
export { profileKernels, type KernelTime } from './backend/profile';
export { registerGanKernels } from './kernels';
export * from './nn';
export * from './models/dcgan';
export * from './models/vae';
export * from './models/biggan';
export * from './losses';
export { elbo, gaussianKl, type ElboTerms } from './losses/elbo';
export * from './regularizers';
export { Adam, type AdamConfig } from './train/adam';
export * from './viz';
export { Ema, type EmaConfig } from './train/ema';
export * from './sample';
export { Trainer, NonFiniteLossError, type TrainerConfig, type StepStats, type BatchSource, type GeneratorLike, type DiscriminatorLike, type RunOptions, type StepCallback } from './train/trainer';
export { VaeTrainer, type VaeTrainerConfig, type VaeStepStats } from './train/vaeTrainer';
export { saveCheckpoint, loadCheckpoint, type CheckpointManifest } from './train/checkpoint';
export * from './models/toyMlp';
export * from './models/progressive';
export { packSamples } from './models/pack';
export * from './models/registry';
export * from './metrics';
export * from './run';
export * from './export';
export * from './compress';
export * from './interop';
