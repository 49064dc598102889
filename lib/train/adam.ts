import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../kernels/wasm/adamUpdate';

/** Configures `Adam`: its learning rate, the moments' decay rates and ε. */
export interface AdamConfig {
  /** Step size (default 2e-4, the DCGAN/BigGAN G rate). */
  lr?: number;
  /** First-moment decay (default 0.5, as GANs use since DCGAN; 0.9 is the general-purpose default). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba) over an explicit variable list, with its moments kept per variable so that checkpoints can
 * carry them. Same arithmetic as `tf.train.adam`; on wasm each parameter is updated by one fused kernel.
 */
export class Adam {
  /** Learning rate; may be changed between steps (schedules). */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates applied so far. */
  step = 0;
  /**
   * Per variable: its moments and t, the updates it has had (the t of its bias correction). A variable that joins
   * late — a progressive model's new layer — starts at t = 1, as if its Adam were new: with the optimiser's t its
   * first steps would be √((1 − β₂^t) / (1 − β₂)) times too large (about 30× after 5,000 steps).
   */
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable; t: number }>();

  constructor(cfg: AdamConfig = {}) {
    this.lr = cfg.lr ?? 2e-4;
    this.beta1 = cfg.beta1 ?? 0.5;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.epsilon = cfg.epsilon ?? 1e-7;
  }

  /** Computes the gradients of `loss` w.r.t. `vars`, applies them, and returns the loss. */
  minimize(loss: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, vars);
    this.apply(vars.map((v) => [v, grads[v.name]] as [tf.Variable, tf.Tensor]));
    tf.dispose(Object.values(grads));
    return value;
  }

  /** Applies one update from (variable, gradient) pairs; the gradients stay the caller's. */
  apply(pairs: [tf.Variable, tf.Tensor][]): void {
    this.step++;
    const fused = tf.getKernel(ADAM_UPDATE, tf.getBackend()) != null;
    for (const [param, grad] of pairs) {
      const state = this.state(param);
      state.t++;
      tf.tidy(() => {
        const [p, m, v] = fused ? this.fusedUpdate(param, grad, state) : this.opUpdate(param, grad, state);
        state.m.assign(m);
        state.v.assign(v);
        param.assign(p);
      });
    }
  }

  private fusedUpdate(param: tf.Tensor, grad: tf.Tensor, s: { m: tf.Tensor; v: tf.Tensor; t: number }): tf.Tensor[] {
    const attrs: AdamUpdateAttrs = { lr: this.lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: s.t };
    return tf.engine().runKernel(ADAM_UPDATE, { param, grad, m: s.m, v: s.v }, attrs) as unknown as tf.Tensor[];
  }

  private opUpdate(param: tf.Tensor, grad: tf.Tensor, s: { m: tf.Tensor; v: tf.Tensor; t: number }): tf.Tensor[] {
    const m = tf.add(tf.mul(s.m, this.beta1), tf.mul(grad, 1 - this.beta1));
    const v = tf.add(tf.mul(s.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
    const mHat = tf.div(m, 1 - this.beta1 ** s.t);
    const vHat = tf.div(v, 1 - this.beta2 ** s.t);
    const p = tf.sub(param, tf.div(tf.mul(mHat, this.lr), tf.add(tf.sqrt(vHat), this.epsilon)));
    return [p, m, v];
  }

  private state(param: tf.Variable): { m: tf.Variable; v: tf.Variable; t: number } {
    let s = this.moments.get(param);
    if (s == null) {
      s = { m: tf.variable(tf.zerosLike(param), false), v: tf.variable(tf.zerosLike(param), false), t: 0 };
      this.moments.set(param, s);
    }
    return s;
  }

  /** The moments of `param` (for checkpoints), or undefined before its first update. */
  momentsOf(param: tf.Variable): { m: tf.Variable; v: tf.Variable } | undefined {
    return this.moments.get(param);
  }

  /** The updates `param` has had (its t), or undefined before its first. */
  updatesOf(param: tf.Variable): number | undefined {
    return this.moments.get(param)?.t;
  }

  /** Restores the moments of `param` (from a checkpoint) and its t, the updates it has had (default: `step`). */
  setMoments(param: tf.Variable, m: tf.Tensor, v: tf.Tensor, t = this.step): void {
    const s = this.state(param);
    s.m.assign(m);
    s.v.assign(v);
    s.t = t;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
