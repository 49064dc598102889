import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, nonSaturatingGeneratorLoss, saturatingGeneratorLoss } from './minimax';

/**
 * A GAN objective as its two sides, both on D's raw outputs (logits for the minimax losses, critic values for
 * Wasserstein, scores for hinge and least squares). Each side is a loss to minimise.
 */
export interface GanLoss {
  name: string;
  d(real: tf.Tensor, fake: tf.Tensor): tf.Scalar;
  g(fake: tf.Tensor): tf.Scalar;
}

/** Goodfellow et al.'s game as written: G minimises log(1 − D(G(z))), whose gradient vanishes when D wins. */
export const minimaxLoss: GanLoss = { name: 'minimax', d: discriminatorLoss, g: saturatingGeneratorLoss };

/** The same D, with G maximising log D(G(z)) instead: the "non-saturating" loss every GAN paper uses. */
export const nonSaturatingLoss: GanLoss = { name: 'non-saturating', d: discriminatorLoss, g: nonSaturatingGeneratorLoss };

/** WGAN: the critic maximises E[D(x)] − E[D(G(z))], an estimate of the Wasserstein-1 distance if D is 1-Lipschitz. */
export const wassersteinLoss: GanLoss = {
  name: 'wasserstein',
  d: (real, fake) => tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar,
  g: (fake) => tf.neg(tf.mean(fake)) as tf.Scalar,
};

/** Hinge (SNGAN, SAGAN, BigGAN): D minimises E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]; G minimises −E[D(G(z))]. */
export const hingeLoss: GanLoss = {
  name: 'hinge',
  d: (real, fake) => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar,
  g: (fake) => tf.neg(tf.mean(fake)) as tf.Scalar,
};

/** LSGAN (Mao et al.) with targets a = 0 (fake), b = 1 (real), c = 1: squared distances instead of log-likelihoods. */
export const leastSquaresLoss: GanLoss = {
  name: 'least-squares',
  d: (real, fake) => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake)))) as tf.Scalar,
  g: (fake) => tf.mul(0.5, tf.mean(tf.square(tf.sub(fake, 1)))) as tf.Scalar,
};

/** Every GAN loss, by the name a run config or CLI flag selects it with. */
export const LOSSES = { minimax: minimaxLoss, 'non-saturating': nonSaturatingLoss, wasserstein: wassersteinLoss, hinge: hingeLoss, 'least-squares': leastSquaresLoss };
/** A key of `LOSSES`. */
export type LossName = keyof typeof LOSSES;

export { discriminatorLoss, nonSaturatingGeneratorLoss, saturatingGeneratorLoss } from './minimax';
