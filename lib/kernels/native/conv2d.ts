import { backend_util } from '@tensorflow/tfjs-core';
import type {
  Conv2DAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from '../wasm/compose';
import type { NativeAddon } from './load';

type Kind = 0 | 1 | 2;
const FORWARD: Kind = 0;
const BACKWARD_DATA: Kind = 1;
const BACKWARD_WEIGHTS: Kind = 2;

/** Whether the native kernels compute (a switch for tests and benchmarks: off, each falls back to wasm's). */
let enabled = true;

/** Whether the native kernels are registered on wasm (by `nativeConvKernels`). */
let registered = false;

/** Whether wasm's Conv2D runs natively now: registered and switched on (the dense products use it too). */
export function nativeConvolutionsActive(): boolean {
  return registered && enabled;
}

/** Turns the native convolutions on or off at run time; returns the previous setting. */
export function setNativeKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

const params = new Int32Array(18);

function geometry(info: backend_util.Conv2DInfo): void {
  params.set([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
}

/**
 * Runs the addon; the heap view is taken after the output exists (allocating may grow and move the heap). On an
 * error the output is freed before the error goes on.
 */
function call(addon: NativeAddon, backend: WasmBackend, kind: Kind, a: TensorInfo, b: TensorInfo, out: TensorInfo): TensorInfo {
  params[15] = heapIndex(backend, a);
  params[16] = heapIndex(backend, b);
  params[17] = heapIndex(backend, out);
  try {
    addon.conv(kind, backend.wasm.HEAPF32, params);
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  }
  return out;
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Whether the tensors are the shapes the geometry says: TF.js does not check every dimension (a transposed
 * convolution's dy against its output size, say), and the addon would read past a tensor that is smaller.
 */
function consistent(info: backend_util.Conv2DInfo, x: number[] | null, filter: number[] | null, y: number[] | null): boolean {
  return (
    info.outShape.every((d) => d > 0) &&
    (x == null || same(x, info.inShape)) &&
    (filter == null || same(filter, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels])) &&
    (y == null || same(y, info.outShape))
  );
}

/**
 * A wasm kernel computed by `native` while the native kernels are on, by `stock` (the kernel it replaces) while they
 * are off or where `native` returns null for an input it does not take.
 */
export function nativeWithFallback(name: string, native: (args: never) => TensorInfo | TensorInfo[] | null, stock: KernelFunc | undefined): KernelConfig {
  const kernelFunc = ((args: never) => {
    const out = nativeConvolutionsActive() ? native(args) : null;
    if (out) return out;
    if (!stock) throw new Error(`${name}: no wasm kernel to fall back to for this input`);
    return stock(args);
  }) as KernelFunc;
  return { kernelName: name, backendName: 'wasm', kernelFunc };
}

/** Shapes the addon handles: float32 NHWC with something to compute; the rest go to the wasm kernel. */
const handles = (dataFormat: string, ...ts: TensorInfo[]) =>
  dataFormat === 'NHWC' && ts.every((t) => t.dtype === 'float32' && t.shape.every((d) => d > 0));

/**
 * Conv2D, Conv2DBackpropInput (every transposed convolution's forward pass) and Conv2DBackpropFilter on the wasm
 * backend, computed by oneDNN on the wasm heap. Each wraps the kernel it replaces (`fallback`), which still runs
 * for layouts the addon does not take and while `setNativeKernels(false)`.
 */
export function nativeConvKernels(addon: NativeAddon, fallback: (name: string) => KernelFunc | undefined): KernelConfig[] {
  registered = true;
  const withFallback = (name: string, native: (args: never) => TensorInfo | null) => nativeWithFallback(name, native, fallback(name));

  const conv2d = (args: { inputs: { x: TensorInfo; filter: TensorInfo }; backend: WasmBackend; attrs: Conv2DAttrs }) => {
    const { inputs: { x, filter }, backend, attrs } = args;
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
    if (!handles(dataFormat, x, filter)) return null;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
    );
    if (!consistent(info, x.shape, filter.shape, null)) return null;
    geometry(info);
    return call(addon, backend, FORWARD, x, filter, backend.makeOutput(info.outShape, 'float32'));
  };

  const backpropInput = (args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackend; attrs: Conv2DBackpropInputAttrs }) => {
    const { inputs: { dy, filter }, backend, attrs } = args;
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
    if (!handles(dataFormat, dy, filter) || inputShape.some((d) => d <= 0)) return null;
    const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
    if (!consistent(info, null, filter.shape, dy.shape)) return null;
    geometry(info);
    return call(addon, backend, BACKWARD_DATA, dy, filter, backend.makeOutput(info.inShape, 'float32'));
  };

  const backpropFilter = (args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackend; attrs: Conv2DBackpropFilterAttrs }) => {
    const { inputs: { x, dy }, backend, attrs } = args;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    if (!handles(dataFormat, x, dy)) return null;
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
    if (!consistent(info, x.shape, null, dy.shape)) return null;
    geometry(info);
    return call(addon, backend, BACKWARD_WEIGHTS, x, dy, backend.makeOutput(filterShape, 'float32'));
  };

  return [
    withFallback('Conv2D', conv2d as never),
    withFallback('Conv2DBackpropInput', backpropInput as never),
    withFallback('Conv2DBackpropFilter', backpropFilter as never),
  ];
}
