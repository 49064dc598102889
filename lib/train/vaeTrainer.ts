import * as tf from '@tensorflow/tfjs';
import { elbo } from '../losses/elbo';
import { Vae } from '../models/vae';
import { Adam } from './adam';

/** Configures `VaeTrainer`: the model, its data and the optimiser. */
export interface VaeTrainerConfig {
  /** The model to train (put in training mode at every step). */
  vae: Vae;
  /** The real batch (images in [-1, 1]) for a step, a function of the step so a run is reproducible; the trainer disposes it. */
  batch: (step: number) => tf.Tensor4D;
  /** Default Adam 1e-3, β (0.9, 0.999): the usual VAE settings (no adversary, so no GAN-style β₁ of 0.5). */
  optimizer?: Adam;
  /** Seed of the reparameterisation noise (step k draws from seed·1,000,003 + k). */
  seed?: number;
}

/** What one VAE step reports: the loss terms as means per image in nats, and the decoder's σ². */
export interface VaeStepStats {
  step: number;
  /** −ELBO. */
  loss: number;
  reconstruction: number;
  kl: number;
  /** The decoder's fitted σ² (mean squared error per pixel, images in [-1, 1]). */
  variance: number;
}

/**
 * Maximises the ELBO of a `Vae` by Adam, one batch per step: encode, draw z by the reparameterisation trick,
 * decode, and step on −ELBO (`elbo`). Everything a step allocates is freed within it.
 */
export class VaeTrainer {
  readonly optimizer: Adam;
  step = 0;
  constructor(readonly cfg: VaeTrainerConfig) {
    this.optimizer = cfg.optimizer ?? new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999 });
  }

  /** One update; returns its statistics. A non-finite loss stops before the update, naming the step. */
  trainStep(): VaeStepStats {
    const { vae } = this.cfg;
    vae.train();
    const x = this.cfg.batch(this.step);
    const seed = (this.cfg.seed ?? 0) * 1_000_003 + this.step;
    const vars = vae.parameters();
    let terms: number[] = [];
    try {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const { mu, logVar } = vae.encode(x);
          const out = elbo(x, vae.apply(Vae.sample(mu, logVar, seed)), mu, logVar);
          terms = [out.reconstruction, out.kl, out.variance].map((t) => t.dataSync()[0]);
          return out.loss;
        }, vars);
        const loss = value.dataSync()[0];
        if (!Number.isFinite(loss)) throw new Error(`VAE training diverged at step ${this.step}: −ELBO = ${loss}; no update was applied. Lower the learning rate or check the data for NaN.`);
        this.optimizer.apply(vars.map((v) => [v, grads[v.name]] as [tf.Variable, tf.Tensor]));
        terms.unshift(loss);
      });
    } finally {
      x.dispose();
    }
    this.step++;
    return { step: this.step, loss: terms[0], reconstruction: terms[1], kl: terms[2], variance: terms[3] };
  }
}
