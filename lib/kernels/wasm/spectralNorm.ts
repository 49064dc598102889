import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex as at, type WasmBackend } from './compose';

/** The fused spectral-norm kernel (registered on wasm only; elsewhere `SpectralNorm` composes ops). */
export const SPECTRAL_NORM = 'GanSpectralNorm';
/** Its gradient kernel, with respect to W. */
export const SPECTRAL_NORM_GRAD = 'GanSpectralNormGrad';

/** Attributes of `GanSpectralNorm`: the output count (columns of W's [fan-in, out] view), power steps and ε. */
export interface SpectralNormAttrs extends NamedAttrMap {
  outFeatures: number;
  iterations: number;
  eps: number;
}

let fused = true;

/** Turns the fused kernel on or off (tests compare it with the composed ops); returns the previous setting. */
export function setFusedSpectralNorm(on: boolean): boolean {
  const previous = fused;
  fused = on;
  return previous;
}

/** Whether `SpectralNorm` should run the fused kernel on the current backend. */
export function fusedSpectralNormAvailable(): boolean {
  return fused && tf.getKernel(SPECTRAL_NORM, tf.getBackend()) != null;
}

/**
 * BigGAN-PyTorch's power step and W/σ in one pass over the heap, instead of the ~30 small kernels (three products,
 * two norms, divisions, reshapes) the composed version launches per layer and call: a BigGAN-32 step normalises
 * about 70 weights. With M = W viewed as [rows, out]:
 *   v = Mu/(‖Mu‖ + ε),  t = Mᵀv,  u' = t/(‖t‖ + ε),  σ = u'ᵀt,  out = W/σ
 * (repeated `iterations` times from u' for v). Sums run in float64. Outputs: W/σ, u', σ, v.
 */
function spectralNorm(args: { inputs: { w: TensorInfo; u: TensorInfo }; backend: WasmBackend; attrs: SpectralNormAttrs }): TensorInfo[] {
  const { inputs: { w, u }, backend, attrs } = args;
  const out = attrs.outFeatures;
  const size = w.shape.reduce((a, b) => a * b, 1);
  const rows = size / out;
  const wsn = backend.makeOutput(w.shape, 'float32');
  const uOut = backend.makeOutput([out], 'float32');
  const sigmaOut = backend.makeOutput([], 'float32');
  const vOut = backend.makeOutput([rows], 'float32');
  const heap = backend.wasm.HEAPF32;
  const m = at(backend, w);
  let uu = Float64Array.from(heap.subarray(at(backend, u), at(backend, u) + out));
  const v = new Float64Array(rows);
  const t = new Float64Array(out);
  let sigma = 0;
  for (let it = 0; it < attrs.iterations; it++) {
    let vv = 0;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const row = m + i * out;
      for (let j = 0; j < out; j++) s += heap[row + j] * uu[j];
      v[i] = s;
      vv += s * s;
    }
    const vScale = 1 / (Math.sqrt(vv) + attrs.eps);
    for (let i = 0; i < rows; i++) v[i] = Math.fround(v[i] * vScale);
    t.fill(0);
    for (let i = 0; i < rows; i++) {
      const row = m + i * out;
      const vi = v[i];
      for (let j = 0; j < out; j++) t[j] += heap[row + j] * vi;
    }
    let tt = 0;
    for (let j = 0; j < out; j++) tt += t[j] * t[j];
    const uScale = 1 / (Math.sqrt(tt) + attrs.eps);
    const next = new Float64Array(out);
    sigma = 0;
    for (let j = 0; j < out; j++) {
      next[j] = Math.fround(t[j] * uScale);
      sigma += next[j] * t[j];
    }
    uu = next;
  }
  const dst = at(backend, wsn);
  const inv = 1 / Math.fround(sigma);
  for (let k = 0; k < size; k++) heap[dst + k] = heap[m + k] * inv;
  heap.set(uu, at(backend, uOut));
  heap[at(backend, sigmaOut)] = sigma;
  heap.set(v, at(backend, vOut));
  return [wsn, uOut, sigmaOut, vOut];
}

/**
 * The gradient of W/σ with u' and v held constant (σ = vᵀMu'): dW = dy/σ − (Σ dy⊙W)/σ² · v u'ᵀ, in two passes.
 * Inputs: dy, W, u', σ, v as `GanSpectralNorm` produced them.
 */
function spectralNormGrad(args: { inputs: { dy: TensorInfo; w: TensorInfo; u: TensorInfo; sigma: TensorInfo; v: TensorInfo }; backend: WasmBackend; attrs: SpectralNormAttrs }): TensorInfo {
  const { inputs: { dy, w, u, sigma, v }, backend, attrs } = args;
  const out = attrs.outFeatures;
  const size = w.shape.reduce((a, b) => a * b, 1);
  const rows = size / out;
  const dw = backend.makeOutput(w.shape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const [g, x, uu, vv, d] = [at(backend, dy), at(backend, w), at(backend, u), at(backend, v), at(backend, dw)];
  const s = heap[at(backend, sigma)];
  let dot = 0;
  for (let k = 0; k < size; k++) dot += heap[g + k] * heap[x + k];
  const c = dot / (s * s);
  const inv = 1 / s;
  for (let i = 0; i < rows; i++) {
    const cv = c * heap[vv + i];
    const row = i * out;
    for (let j = 0; j < out; j++) heap[d + row + j] = heap[g + row + j] * inv - cv * heap[uu + j];
  }
  return dw;
}

/** The two wasm kernels. */
export const spectralNormConfigs: KernelConfig[] = [
  { kernelName: SPECTRAL_NORM, backendName: 'wasm', kernelFunc: spectralNorm as unknown as KernelFunc },
  { kernelName: SPECTRAL_NORM_GRAD, backendName: 'wasm', kernelFunc: spectralNormGrad as unknown as KernelFunc },
];

/** The fused kernel's gradient: to W through its own gradient kernel; none to u (a buffer, not a parameter). */
export function registerSpectralNormGrad(): string[] {
  if (tf.getGradient(SPECTRAL_NORM) != null) return [];
  tf.registerGradient({
    kernelName: SPECTRAL_NORM,
    inputsToSave: ['w', 'u'],
    outputsToSave: [false, true, true, true],
    gradFunc: (dy, saved, attrs) => {
      const [w, u, uNew, sigma, v] = saved;
      const g = Array.isArray(dy) ? dy[0] : dy;
      return {
        w: () => tf.engine().runKernel(SPECTRAL_NORM_GRAD, { dy: g, w, u: uNew, sigma, v }, attrs as NamedAttrMap) as tf.Tensor,
        u: () => tf.zerosLike(u),
      };
    },
  });
  return [`gradient: ${SPECTRAL_NORM}`];
}
