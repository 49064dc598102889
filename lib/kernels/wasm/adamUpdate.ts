import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackend } from './compose';

/**
 * One Adam update for one parameter in a single pass — m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g²,
 * p' = p − lr·(m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) — instead of the dozen element-wise kernels (and their
 * per-call overhead) TF.js's optimizer runs per parameter. Outputs are new tensors [p', m', v']: inputs are
 * never written, as TF.js tensors are immutable.
 */
export const ADAM_UPDATE = 'GanAdamUpdate';

/** The Adam hyperparameters and step count that the fused update kernel takes as attributes. */
export interface AdamUpdateAttrs extends NamedAttrMap {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 for the first update. */
  step: number;
}

function adamUpdate(args: {
  inputs: { param: TensorInfo; grad: TensorInfo; m: TensorInfo; v: TensorInfo };
  backend: WasmBackend;
  attrs: AdamUpdateAttrs;
}): TensorInfo[] {
  const { param, grad, m, v } = args.inputs;
  const { lr, beta1, beta2, epsilon, step } = args.attrs;
  const s = new KernelScope(args.backend);
  try {
    const outs = [s.alloc(param.shape), s.alloc(param.shape), s.alloc(param.shape)];
    const heap = s.heap();
    const [P, G, M, V] = [param, grad, m, v].map((t) => s.at(t));
    const [P2, M2, V2] = outs.map((t) => s.at(t));
    const c1 = 1 / (1 - beta1 ** step);
    const c2 = 1 / (1 - beta2 ** step);
    const n = param.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) {
      const g = heap[G + i];
      const mi = beta1 * heap[M + i] + (1 - beta1) * g;
      const vi = beta2 * heap[V + i] + (1 - beta2) * g * g;
      heap[M2 + i] = mi;
      heap[V2 + i] = vi;
      heap[P2 + i] = heap[P + i] - (lr * mi * c1) / (Math.sqrt(vi * c2) + epsilon);
    }
    return outs.map((t) => s.keep(t));
  } finally {
    s.dispose();
  }
}

/** Registers the fused Adam update on the wasm backend. */
export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
