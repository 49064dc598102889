import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './compose';

/**
 * The stock wasm Identity, and Cast to the same dtype, copy the whole buffer; backprop calls them about 170 times
 * per DCGAN step (relu's gradient casts a float mask to float, clones seed the gradients). Tensors are immutable
 * and no wasm kernel writes into an input, so the result can share the input's buffer, counted by reference —
 * what the cpu backend's Identity and every backend's Reshape already do.
 */
interface RefCountingBackend extends WasmBackend {
  incRef(dataId: object): void;
}

function share(x: TensorInfo, backend: RefCountingBackend): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Wraps the stock wasm Identity so that its result shares the input's buffer (string tensors are still copied). */
export function makeIdentity(stock: KernelFunc): KernelConfig {
  const identity = (args: { inputs: { x: TensorInfo }; backend: RefCountingBackend }): TensorInfo =>
    args.inputs.x.dtype === 'string' ? (stock(args as never) as TensorInfo) : share(args.inputs.x, args.backend);
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity as unknown as KernelFunc };
}

/** Wraps the stock wasm Cast so that a cast to the input's own dtype shares its buffer; real casts run as before. */
export function makeCast(stock: KernelFunc): KernelConfig {
  const cast = (args: { inputs: { x: TensorInfo }; backend: RefCountingBackend; attrs: CastAttrs }): TensorInfo =>
    args.inputs.x.dtype === args.attrs.dtype && args.inputs.x.dtype !== 'string'
      ? share(args.inputs.x, args.backend)
      : (stock(args as never) as TensorInfo);
  return { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
}
