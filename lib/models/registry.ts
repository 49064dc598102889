import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module';
import { BigGanDiscriminator, BigGanGenerator, type BigGanConfig } from './biggan';
import { DcganDiscriminator, DcganGenerator, type DcganConfig } from './dcgan';
import { ToyMlpDiscriminator, ToyMlpGenerator, type ToyMlpConfig } from './toyMlp';

/** The model kinds a run config or an exported generator names. */
export type ModelKind = 'toy' | 'dcgan' | 'biggan';

/** What training needs of a generator: latents [n, zDim] (and class ids, when conditional) to samples. */
export interface GeneratorLike extends Module {
  apply(z: tf.Tensor2D, y?: tf.Tensor1D): tf.Tensor;
  /** The weights orthogonal regularisation applies to; default: every parameter of rank ≥ 2. */
  orthoWeights?(): tf.Variable[];
  /** The parameters the current forward pass uses (a growing model's current stage); default: all of them. */
  activeParameters?(): tf.Variable[];
}

/** Every generator of the kit: trainable, and carrying its config so samplers know the latent size. */
export interface Generator extends GeneratorLike {
  readonly cfg: { zDim: number };
}

/** Every discriminator of the kit: samples (and class ids, when conditional) to one score each. */
export interface Discriminator extends Module {
  apply(x: tf.Tensor, y?: tf.Tensor1D): tf.Tensor1D;
  /** The parameters the current forward pass uses (a growing model's current stage); default: all of them. */
  activeParameters?(): tf.Variable[];
  /**
   * True when one sample's score depends on the rest of its batch (batch norm in D): the Trainer then judges real
   * and fake batches in separate passes, as DCGAN's authors did, so that D sees the same kind of batch in its own
   * step and in G's.
   */
  readonly batchStatistics?: boolean;
}

/**
 * One player's options from a run's `arch`: the shared keys, overridden by the player's own object under `g` or
 * `d` (PacGAN's toy players differ in width, depth and activation: `{ g: { hidden: 400 }, d: { maxout: 5 } }`).
 */
export function playerArch(arch: Record<string, unknown>, player: 'g' | 'd'): Record<string, unknown> {
  const { g, d, ...shared } = arch;
  const own = player === 'g' ? g : d;
  if (own != null && (typeof own !== 'object' || Array.isArray(own))) throw new Error(`arch.${player} must be an object of ${player === 'g' ? 'generator' : 'discriminator'} options, got ${JSON.stringify(own)}`);
  return { ...shared, ...(own as Record<string, unknown> | undefined) };
}

/**
 * The generator of a model kind and config: the one place model kinds map to generator classes. By default it is
 * built to receive trained weights, so BigGAN's orthogonal initialisation is skipped (O(n³) per layer, and the
 * weights are overwritten anyway); `forTraining` keeps the config's initialisation.
 */
export function generatorFor(model: ModelKind, config: Record<string, unknown>, o: { forTraining?: boolean } = {}): Generator {
  const arch = playerArch(config, 'g');
  if (model === 'toy') return new ToyMlpGenerator(arch as ToyMlpConfig);
  if (model === 'dcgan') return new DcganGenerator(arch as DcganConfig);
  if (model === 'biggan') return new BigGanGenerator({ ...(arch as unknown as BigGanConfig), ...(o.forTraining ? {} : { init: 'normal' as const }) });
  throw new Error(`unknown generator kind '${model}' (toy, dcgan or biggan)`);
}

/** The discriminator of a model kind and config (for training: its own initialisation). */
export function discriminatorFor(model: ModelKind, config: Record<string, unknown>): Discriminator {
  const arch = playerArch(config, 'd');
  if (model === 'toy') return new ToyMlpDiscriminator(arch as ToyMlpConfig);
  if (model === 'dcgan') return new DcganDiscriminator(arch as DcganConfig);
  if (model === 'biggan') return new BigGanDiscriminator(arch as unknown as BigGanConfig);
  throw new Error(`unknown discriminator kind '${model}' (toy, dcgan or biggan)`);
}
