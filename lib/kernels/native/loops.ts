import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolAttrs, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from '../wasm/compose';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../wasm/adamUpdate';
import { nativeWithFallback } from './conv2d';
import type { NativeAddon } from './load';

/** The addon's loops, once `nativeLoopKernels` has found them (addons built before them have none). */
type Loops = Required<Pick<NativeAddon, 'adam' | 'maxPoolGrad' | 'maxout'>>;

const adamParams = new Int32Array(8);
const adamHyper = new Float64Array(6);
const poolParams = new Int32Array(15);
const maxoutParams = new Int32Array(4);

/** Runs `body`, which makes and fills `outs`; on an error frees those made so far before the error goes on. */
function filling(backend: WasmBackend, outs: TensorInfo[], body: () => void): void {
  try {
    body();
  } catch (e) {
    for (const o of outs) backend.disposeData(o.dataId);
    throw e;
  }
}

function poolGeometry(info: tf.backend_util.Conv2DInfo): void {
  poolParams.set([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
}

/**
 * The fused Adam update (GanAdamUpdate), MaxPool and MaxPoolGrad on the wasm backend as the addon's compiled loops,
 * where wasm runs JS one element at a time. Each gives the same bits as the kernel it wraps (`fallback`), which still
 * runs while `setNativeKernels(false)` and for what the addon does not take. MaxPool runs natively only for
 * maxout's geometry (one channel, 1 × k windows side by side along a row), where XNNPACK has no channels to
 * vectorise across; elsewhere XNNPACK keeps it. Empty for an addon built before the loops existed.
 */
export function nativeLoopKernels(addon: NativeAddon, fallback: (name: string) => KernelFunc | undefined): KernelConfig[] {
  if (!addon.adam || !addon.maxPoolGrad || !addon.maxout) return [];
  const loops = addon as Loops;
  const wrap = (name: string, native: (args: never) => TensorInfo | TensorInfo[] | null) => nativeWithFallback(name, native, fallback(name));

  const adam = (args: { inputs: { param: TensorInfo; grad: TensorInfo; m: TensorInfo; v: TensorInfo }; backend: WasmBackend; attrs: AdamUpdateAttrs }) => {
    const { inputs: { param, grad, m, v }, backend, attrs } = args;
    if ([param, grad, m, v].some((t) => t.dtype !== 'float32')) return null;
    const n = tf.util.sizeFromShape(param.shape);
    if ([grad, m, v].some((t) => tf.util.sizeFromShape(t.shape) !== n)) return null;
    const { lr, beta1, beta2, epsilon, step } = attrs;
    adamHyper.set([lr, beta1, beta2, epsilon, 1 / (1 - beta1 ** step), 1 / (1 - beta2 ** step)]);
    const outs: TensorInfo[] = [];
    filling(backend, outs, () => {
      for (let i = 0; i < 3; i++) outs.push(backend.makeOutput(param.shape, 'float32'));
      // Offsets after the outputs exist: allocating may grow and move the heap.
      adamParams.set([n, ...[param, grad, m, v, ...outs].map((t) => heapIndex(backend, t))]);
      loops.adam(backend.wasm.HEAPF32, adamParams, adamHyper);
    });
    return outs;
  };

  const maxPool = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: MaxPoolAttrs }) => {
    const { inputs: { x }, backend, attrs } = args;
    if (x.dtype !== 'float32' || x.shape.length !== 4 || x.shape.some((d) => d <= 0)) return null;
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const maxout =
      info.inChannels === 1 && info.filterHeight === 1 && info.strideHeight === 1 && info.outHeight === info.inHeight &&
      info.strideWidth === info.filterWidth && info.outWidth * info.filterWidth === info.inWidth &&
      info.padInfo.top === 0 && info.padInfo.left === 0;
    if (!maxout) return null;
    const out = backend.makeOutput(info.outShape, 'float32');
    filling(backend, [out], () => {
      maxoutParams.set([info.batchSize * info.outHeight * info.outWidth, info.filterWidth, heapIndex(backend, x), heapIndex(backend, out)]);
      loops.maxout(backend.wasm.HEAPF32, maxoutParams);
    });
    return out;
  };

  const maxPoolGrad = (args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: WasmBackend; attrs: MaxPoolGradAttrs }) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32' || input.shape.length !== 4 || input.shape.some((d) => d <= 0)) return null;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    // An empty dy (a window larger than the input) is the JS kernel's to answer: zeros.
    if (!info.outShape.every((d, i) => d === dy.shape[i]) || info.outShape.some((d) => d <= 0)) return null;
    poolGeometry(info);
    const out = backend.makeOutput(input.shape, 'float32');
    poolParams[12] = heapIndex(backend, input);
    poolParams[13] = heapIndex(backend, dy);
    poolParams[14] = heapIndex(backend, out);
    filling(backend, [out], () => loops.maxPoolGrad(backend.wasm.HEAPF32, poolParams));
    return out;
  };

  return [wrap(ADAM_UPDATE, adam as never), wrap('MaxPool', maxPool as never), wrap('MaxPoolGrad', maxPoolGrad as never)];
}
