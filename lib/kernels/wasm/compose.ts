import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend's class the kernels here use (it does not export these types). */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
  wasm: { HEAPF32: Float32Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number }; has(dataId: object): boolean };
}

/** A tensor's first element as an index into the wasm heap's float32 view (`wasm.HEAPF32`). */
export function heapIndex(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
}

/**
 * Runs registered wasm kernels inside another kernel and frees every intermediate result on `dispose()`,
 * so that a composite kernel leaks nothing even when a step throws.
 */
export class KernelScope {
  private readonly owned: TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel == null) throw new Error(`wasm kernel ${kernelName} is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend as never }) as TensorInfo;
    this.owned.push(out);
    return out;
  }

  /** A new output buffer owned by the scope (zero-filled by wasm's allocator is not guaranteed: fill it). */
  alloc(shape: number[], dtype: tf.DataType = 'float32'): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.owned.push(out);
    return out;
  }

  /** Hands `t` to the caller: the scope will not free it. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.owned.lastIndexOf(t);
    if (i >= 0) this.owned.splice(i, 1);
    return t;
  }

  /** A float32 view on the wasm heap; re-take it after any allocation (the heap may grow and move). */
  f32(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /**
   * The whole heap as one Float32Array, with `at(t)` giving a tensor's first element in it. Loops over this one
   * view stay monomorphic, and `copyWithin` moves data between tensors without making a view per copy.
   * Re-take it after any allocation.
   */
  heap(): Float32Array {
    return this.backend.wasm.HEAPF32;
  }

  at(t: TensorInfo): number {
    return heapIndex(this.backend, t);
  }

  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

/** Runs `body` in a scope and frees all it made except the returned tensor. */
export function composite(backend: WasmBackend, body: (s: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
