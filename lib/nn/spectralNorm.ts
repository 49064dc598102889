import * as tf from '@tensorflow/tfjs';
import { Module } from './module';
import { stopGradient } from './stopGradient';
import { fusedSpectralNormAvailable, SPECTRAL_NORM, type SpectralNormAttrs } from '../kernels/wasm/spectralNorm';
import { seededNormal } from './seededNormal';

/** Configures `SpectralNorm`: power iterations per step, the ε guarding u and v's normalisation, and u's seed. */
export interface SpectralNormConfig {
  /** Power iterations per training step (default 1, as in SNGAN and BigGAN). */
  iterations?: number;
  eps?: number;
  seed?: number;
}

/**
 * Spectral normalisation (Miyato et al., 2018): W / σ(W), σ the largest singular value of W viewed as a
 * [fan-in, out] matrix, estimated by power iteration with a persistent vector u (buffer `u0`, as BigGAN-PyTorch
 * names it) that moves one step per training call. σ's gradient flows through W only; u and v are constants.
 * The last estimate is kept in buffer `sv0`.
 */
export class SpectralNorm extends Module {
  readonly u: tf.Variable;
  readonly sv: tf.Variable;

  constructor(
    readonly outFeatures: number,
    readonly cfg: SpectralNormConfig = {},
  ) {
    super();
    const iterations = cfg.iterations ?? 1;
    if (!(Number.isInteger(iterations) && iterations >= 1)) throw new Error(`SpectralNorm: iterations must be a whole number ≥ 1, got ${iterations}`);
    this.u = this.buffer('u0', tf.tidy(() => unit(seededNormal([outFeatures], { seed: cfg.seed ?? 7 }), 1e-8)));
    this.sv = this.buffer('sv0', tf.ones([]));
  }

  /**
   * W / σ(W). Each call runs the power iteration from the stored u (v = Wu/‖Wu‖, u' = Wᵀv/‖Wᵀv‖, σ = u'ᵀWᵀv, in the
   * [fan-in, out] view), in evaluation too, exactly as BigGAN-PyTorch does, so imported weights give the same images;
   * only training mode stores u' and σ.
   */
  normalize(w: tf.Tensor): tf.Tensor {
    const eps = this.cfg.eps ?? 1e-8;
    if (fusedSpectralNormAvailable()) {
      // One kernel for the power step and W/σ (see lib/kernels/wasm/spectralNorm.ts); the same values as below.
      const attrs: SpectralNormAttrs = { outFeatures: this.outFeatures, iterations: this.cfg.iterations ?? 1, eps };
      const [wsn, uNew, sigma] = tf.engine().runKernel(SPECTRAL_NORM, { w, u: this.u }, attrs) as unknown as tf.Tensor[];
      if (this.training) {
        tf.tidy(() => {
          this.u.assign(tf.clone(uNew));
          this.sv.assign(tf.clone(sigma));
        });
      }
      return wsn;
    }
    const m = w.reshape([-1, this.outFeatures]) as tf.Tensor2D;
    let u = this.u as tf.Tensor;
    let v = u;
    for (let i = 0; i < (this.cfg.iterations ?? 1); i++) {
      v = unit(tf.matMul(m, u.reshape([-1, 1])).reshape([-1]), eps);
      u = unit(tf.matMul(m, v.reshape([-1, 1]), true, false).reshape([-1]), eps);
    }
    const uc = stopGradient(u);
    const vc = stopGradient(v);
    const sigma = tf.sum(tf.mul(uc, tf.matMul(m, vc.reshape([-1, 1]), true, false).reshape([-1])));
    if (this.training) {
      tf.tidy(() => {
        this.u.assign(tf.clone(uc));
        this.sv.assign(tf.clone(sigma));
      });
    }
    return tf.div(w, sigma);
  }
}

/** v / (‖v‖ + ε), as BigGAN-PyTorch's power iteration normalises. */
function unit(v: tf.Tensor, eps: number): tf.Tensor {
  return tf.div(v, tf.add(tf.norm(v), eps));
}
