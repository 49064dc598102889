import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module';

/** Configures `Ema`: the average's decay and the step at which averaging starts. */
export interface EmaConfig {
  /** Weight of the old average per update (BigGAN: 0.9999). */
  decay?: number;
  /** Before this step the average just copies the source (BigGAN starts averaging at 20k iterations). */
  startStep?: number;
}

/**
 * An exponential moving average of a generator's weights, kept in a second module of the same architecture:
 * θ_ema ← d·θ_ema + (1 − d)·θ, over parameters and buffers alike (batch-norm statistics, spectral-norm vectors), as
 * BigGAN-PyTorch does. Sampling from the average gives markedly better images than the raw generator.
 */
export class Ema {
  readonly decay: number;
  readonly startStep: number;
  private readonly pairs: [tf.Variable, tf.Variable][];

  constructor(
    readonly source: Module,
    readonly target: Module,
    cfg: EmaConfig = {},
  ) {
    this.decay = cfg.decay ?? 0.9999;
    this.startStep = cfg.startStep ?? 0;
    const state = (m: Module) => [...m.namedParameters(), ...m.namedBuffers()];
    const targets = new Map(state(target));
    this.pairs = state(source).map(([name, v]) => {
      const t = targets.get(name);
      if (t == null || t.shape.join() !== v.shape.join()) throw new Error(`EMA target has no matching '${name}' [${v.shape}]: build it with the same config as the source`);
      return [v, t];
    });
    this.copy();
  }

  private copy(): void {
    for (const [s, t] of this.pairs) tf.tidy(() => t.assign(tf.clone(s)));
  }

  /** Call after each generator update with the step just completed. */
  update(step: number): void {
    if (step < this.startStep) return this.copy();
    for (const [s, t] of this.pairs) tf.tidy(() => t.assign(tf.add(tf.mul(t, this.decay), tf.mul(s, 1 - this.decay))));
  }
}
