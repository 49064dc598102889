import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { registerConv2dBackpropFilterGrad } from './conv2dBackpropFilterGrad';
import { registerLeakyReluGrad } from './leakyReluGrad';
import { registerZeroGradients } from './zeroGradients';
import { adamUpdateConfig } from './wasm/adamUpdate';
import { makeBatchMatMul } from './wasm/batchMatMul';
import { conv2DBackpropFilterConfig } from './wasm/conv2dBackpropFilter';
import { conv2DBackpropInputConfig } from './wasm/conv2dBackpropInput';
import { makeMean, makeSum } from './wasm/reduceLeadingAxes';
import { makeCast, makeIdentity } from './wasm/sharedIdentity';
import { tileConfig } from './wasm/tile';
import { makeFusedBatchNorm, makeLeakyRelu } from './wasm/xnnElementwise';
import { unsortedSegmentSumConfig } from './wasm/unsortedSegmentSum';

export { registerZeroGradients } from './zeroGradients';

/** Kernels we register where the backend has none: training would throw without them. */
const WASM_MISSING: KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, adamUpdateConfig];

/** Stock kernels we replace with faster ones (the stock one stays reachable as a fallback). */
function wasmReplacements(): KernelConfig[] {
  const wrapped: [string, (stock: tf.KernelFunc) => KernelConfig][] = [
    ['BatchMatMul', makeBatchMatMul],
    ['Sum', makeSum],
    ['Mean', makeMean],
    ['LeakyRelu', makeLeakyRelu],
    ['FusedBatchNorm', makeFusedBatchNorm],
    ['Identity', makeIdentity],
    ['Cast', makeCast],
  ];
  const wrappers = wrapped.flatMap(([name, make]) => {
    const stock = tf.getKernel(name, 'wasm');
    return stock ? [make(stock.kernelFunc)] : [];
  });
  return [conv2DBackpropInputConfig, tileConfig, ...wrappers];
}

let gradientPatches: string[] | null = null;
const backendPatches = new Map<string, string[]>();

/**
 * Patches are reported as `gradient: X`, `added: X` (a kernel the backend lacks) or `faster: X` (a stock kernel
 * replaced by a faster one that falls back to it).
 *
 * Makes a backend train GANs: gradients TF.js lacks (global, registered once) and, on wasm, the missing kernels
 * and the fast ones. Idempotent. Returns what is patched for this backend, for the backend report.
 */
export function registerGanKernels(backendName: string): string[] {
  gradientPatches ??= [
    ...registerZeroGradients().map((k) => `gradient: ${k} (zero)`),
    ...registerConv2dBackpropFilterGrad(),
    ...registerLeakyReluGrad(),
  ];
  let patches = backendPatches.get(backendName);
  if (patches == null) {
    patches = backendName === 'wasm' ? patchWasm() : [];
    backendPatches.set(backendName, patches);
  }
  return [...gradientPatches, ...patches];
}

function patchWasm(): string[] {
  const patches: string[] = [];
  for (const config of WASM_MISSING) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    patches.push(`added: ${config.kernelName}`);
  }
  for (const config of wasmReplacements()) {
    const stock = tf.getKernel(config.kernelName, 'wasm');
    if (stock != null) tf.unregisterKernel(config.kernelName, 'wasm');
    // Keep the stock setup: the fallback paths call the stock kernel, which needs its wasm bindings.
    tf.registerKernel({ ...config, setupFunc: stock?.setupFunc });
    patches.push(`faster: ${config.kernelName}`);
  }
  return patches;
}
