import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolAttrs, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from '../wasm/compose';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../wasm/adamUpdate';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormInputsValid, batchNormTrainConfigs, rowsAndChannels, type BatchNormTrainAttrs } from '../wasm/batchNormTrain';
import { nativeWithFallback } from './conv2d';
import type { NativeAddon } from './load';

/** The addon's loops, once `nativeLoopKernels` has found them (addons built before them have none). */
type Loops = Required<Pick<NativeAddon, 'adam' | 'maxPoolGrad' | 'maxout'>>;
type NormLoops = Required<Pick<NativeAddon, 'batchNormTrain' | 'batchNormTrainGrad'>>;

const adamParams = new Int32Array(8);
const adamHyper = new Float64Array(6);
const poolParams = new Int32Array(15);
const maxoutParams = new Int32Array(4);
// Rows, channels and the offsets: six for the forward pass, eight for the gradient.
const normParams = new Map([6, 8].map((offsets) => [offsets, new Int32Array(2 + offsets)]));
const normHyper = new Float64Array(1);

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
 * The fused Adam update (GanAdamUpdate), MaxPool, MaxPoolGrad and training-mode batch norm (GanBatchNormTrain and its
 * gradient) on the wasm backend as the addon's compiled loops, where wasm runs JS one element at a time. Each gives
 * the same bits as the kernel it wraps (`fallback`), which still runs while `setNativeKernels(false)` and for what
 * the addon does not take. MaxPool runs natively only for maxout's geometry (one channel, 1 × k windows side by side
 * along a row), where XNNPACK has no channels to vectorise across; elsewhere XNNPACK keeps it. Empty for an addon
 * built before the loops existed.
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

  const loopKernels = [wrap(ADAM_UPDATE, adam as never), wrap('MaxPool', maxPool as never), wrap('MaxPoolGrad', maxPoolGrad as never)];
  return addon.batchNormTrain && addon.batchNormTrainGrad ? [...loopKernels, ...batchNormKernels(addon as NormLoops)] : loopKernels;
}

/** Runs one of the batch-norm loops with `outs` made as `shapes`, its params the geometry then every offset. */
function runNorm(backend: WasmBackend, ins: TensorInfo[], shapes: number[][], epsilon: number, loop: (heap: Float32Array, params: Int32Array, hyper: Float64Array) => void): TensorInfo[] {
  const outs: TensorInfo[] = [];
  filling(backend, outs, () => {
    for (const shape of shapes) outs.push(backend.makeOutput(shape, 'float32'));
    const params = normParams.get(ins.length + outs.length)!;
    params.set([...rowsAndChannels(ins[0].shape), ...[...ins, ...outs].map((t) => heapIndex(backend, t))]);
    normHyper[0] = epsilon;
    loop(backend.wasm.HEAPF32, params, normHyper);
  });
  return outs;
}

/**
 * The fused batch-norm kernels, which only the addon registers: their JS versions (lib/kernels/wasm/batchNormTrain.ts)
 * are the fallback and the reference for the bits, but alone they are no faster than TF.js's composed ops
 * (`npm run bench:loops`), so without the addon those run.
 */
function batchNormKernels(addon: NormLoops): KernelConfig[] {
  const js = (name: string) => batchNormTrainConfigs.find((c) => c.kernelName === name)!.kernelFunc;
  const wrap = (name: string, native: (args: never) => TensorInfo[] | null) => nativeWithFallback(name, native, js(name));
  const forward = (args: { inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo }; backend: WasmBackend; attrs: BatchNormTrainAttrs }) => {
    const { inputs: { x, gamma, beta }, backend, attrs } = args;
    if (!batchNormInputsValid(x, [gamma, beta])) return null;
    const channels = x.shape[x.shape.length - 1];
    return runNorm(backend, [x, gamma, beta], [x.shape, [channels], [channels]], attrs.epsilon, (h, p, e) => addon.batchNormTrain(h, p, e));
  };
  const backward = (args: { inputs: { dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo }; backend: WasmBackend; attrs: BatchNormTrainAttrs }) => {
    const { inputs: { dy, x, mean, variance, gamma }, backend, attrs } = args;
    const sameShape = dy.dtype === 'float32' && dy.shape.length === x.shape.length && dy.shape.every((d, i) => d === x.shape[i]);
    if (!sameShape || !batchNormInputsValid(x, [mean, variance, gamma])) return null;
    const channels = x.shape[x.shape.length - 1];
    return runNorm(backend, [dy, x, mean, variance, gamma], [x.shape, [channels], [channels]], attrs.epsilon, (h, p, e) => addon.batchNormTrainGrad(h, p, e));
  };
  return [wrap(BATCH_NORM_TRAIN, forward as never), wrap(BATCH_NORM_TRAIN_GRAD, backward as never)];
}
