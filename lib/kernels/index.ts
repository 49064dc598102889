import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { registerAvgPoolGradGrad } from './avgPoolGradGrad';
import { registerConv2dBackpropFilterGrad } from './conv2dBackpropFilterGrad';
import { registerLeakyReluGrad } from './leakyReluGrad';
import { registerMaxPoolGradGrad } from './maxPoolGradGrad';
import { registerZeroGradients } from './zeroGradients';
import { adamUpdateConfig } from './wasm/adamUpdate';
import { registerBatchNormTrainGrad } from './batchNormTrainGrad';
import { makeBatchMatMul } from './wasm/batchMatMul';
import { makeAvgPoolGrad, makeResizeNearestNeighborGrad } from './wasm/blockGrads';
import { wasmMaxPoolGradConfig } from './wasm/maxPoolGrad';
import { conv2DBackpropFilterConfig } from './wasm/conv2dBackpropFilter';
import { conv2DBackpropInputConfig } from './wasm/conv2dBackpropInput';
import { makeMean, makeSum } from './wasm/reduceLeadingAxes';
import { makeCast, makeIdentity } from './wasm/sharedIdentity';
import { tileConfig } from './wasm/tile';
import { makeCheckedSlice } from './wasm/checkedSlice';
import { makeFusedBatchNorm, makeLeakyRelu } from './wasm/xnnElementwise';
import { unsortedSegmentSumConfig } from './wasm/unsortedSegmentSum';
import { registerSpectralNormGrad, spectralNormConfigs } from './wasm/spectralNorm';
import { cpuResizeNearestNeighborGradConfig } from './cpu/resizeNearestNeighborGrad';
import { makeCpuConv2DBackpropFilter } from './cpu/conv2dBackpropFilter';
import { nativeConvKernels } from './native/conv2d';
import { useNativeProducts } from './native/matmul';
import { nativeLoopKernels } from './native/loops';
import { loadNativeAddon } from './native/load';

export { registerZeroGradients } from './zeroGradients';
export { setNativeKernels } from './native/conv2d';
export { setFusedSpectralNorm } from './wasm/spectralNorm';
export { setFusedBatchNorm } from './wasm/batchNormTrain';
export { NATIVE_HINT } from './native/load';

/** How the wasm backend's hot kernels run. */
export interface GanKernelOptions {
  /** Use the native oneDNN convolutions where the addon is built (default true). */
  native?: boolean;
  /** Threads for the native kernels (default: oneDNN's, one per core). */
  threads?: number;
}

/** Kernels we register where the backend has none: training would throw without them. */
const WASM_MISSING: KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, adamUpdateConfig, ...spectralNormConfigs];

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
    ['AvgPoolGrad', makeAvgPoolGrad],
    ['ResizeNearestNeighborGrad', makeResizeNearestNeighborGrad],
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
 * Patches are reported as `gradient: X`, `added: X` (a kernel the backend lacks), `faster: X` (a stock kernel
 * replaced by a faster one that falls back to it), `native: X` (computed by the oneDNN addon) or `fixed: X` (a
 * stock kernel that computes wrong results, replaced).
 *
 * Makes a backend train GANs: gradients TF.js lacks (global, registered once) and, on wasm, the missing kernels
 * and the fast ones. Idempotent (the options of the first call for a backend hold). Returns what is patched for
 * this backend, for the backend report.
 */
export function registerGanKernels(backendName: string, options: GanKernelOptions = {}): string[] {
  gradientPatches ??= [
    ...registerZeroGradients().map((k) => `gradient: ${k} (zero)`),
    ...registerConv2dBackpropFilterGrad(),
    ...registerLeakyReluGrad(),
    ...registerAvgPoolGradGrad(),
    ...registerMaxPoolGradGrad(),
    ...registerSpectralNormGrad(),
    ...registerBatchNormTrainGrad(),
  ];
  let patches = backendPatches.get(backendName);
  if (patches == null) {
    patches = backendName === 'wasm' ? [...patchWasm(), ...patchNative(options)] : backendName === 'cpu' ? patchCpu() : [];
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
    replaceKernel(config);
    patches.push(`faster: ${config.kernelName}`);
  }
  replaceKernel(wasmMaxPoolGradConfig);
  patches.push(`fixed: ${wasmMaxPoolGradConfig.kernelName}`);
  const slice = tf.getKernel('Slice', 'wasm');
  if (slice) {
    replaceKernel(makeCheckedSlice(slice.kernelFunc));
    patches.push('fixed: Slice (bounds checked)');
  }
  return patches;
}

/**
 * Registers `config` over the kernel of the same name and backend, keeping that kernel's setup: the replacements
 * fall back to the kernel they wrap, which needs its backend bindings.
 */
export function replaceKernel(config: KernelConfig): void {
  const previous = tf.getKernel(config.kernelName, config.backendName);
  if (previous != null) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel({ ...config, setupFunc: previous?.setupFunc });
}

/** Puts the oneDNN convolutions over whatever wasm kernels are registered (they stay as the fallback). */
function patchNative(options: GanKernelOptions): string[] {
  if (options.native === false) return [];
  const addon = loadNativeAddon();
  if ('error' in addon) return [];
  if (options.threads != null) addon.setThreads(options.threads);
  const configs = nativeConvKernels(addon, (name) => tf.getKernel(name, 'wasm')?.kernelFunc);
  for (const config of configs) replaceKernel(config);
  const loops = nativeLoopKernels(addon, (name) => tf.getKernel(name, 'wasm')?.kernelFunc);
  for (const config of loops) replaceKernel(config);
  const products = useNativeProducts(addon) ? ['native: BatchMatMul'] : [];
  const { version, isa } = addon.info();
  return [...configs, ...loops].map((c) => `native: ${c.kernelName}`).concat(products, `native: oneDNN ${version} on ${isa}`);
}

/** Replaces stock cpu kernels that compute wrong results, and one too slow to test against (see each one's comment). */
function patchCpu(): string[] {
  replaceKernel(cpuResizeNearestNeighborGradConfig);
  const stock = tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc;
  const faster = stock ? [makeCpuConv2DBackpropFilter(stock)] : [];
  for (const config of faster) replaceKernel(config);
  return [`fixed: ${cpuResizeNearestNeighborGradConfig.kernelName}`, ...faster.map((c) => `faster: ${c.kernelName}`)];
}
