import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapIndex, type WasmBackend } from '../wasm/compose';
import { nativeConvolutionsActive } from './conv2d';
import type { NativeAddon } from './load';

/** The addon's product, once `useNativeProducts` has found it (an addon built before `matmul` existed has none). */
let matmul: ((heap: Float32Array, params: Int32Array) => void) | null = null;

/** Lets BatchMatMul's products run natively (called where the native convolutions are registered). */
export function useNativeProducts(addon: NativeAddon): boolean {
  matmul = addon.matmul ? addon.matmul.bind(addon) : null;
  return matmul !== null;
}

const params = new Int32Array(10);

/** A (batched) product oneDNN can take: float32, the batches equal or B's a single matrix. */
export interface BatchedProduct {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * C[i] = op(A[i])·op(B[i]) in one oneDNN call on the wasm heap, into a new tensor of `outShape` (the batch's
 * dimensions, then m, n); null where the native kernels are off or cannot take it (the caller then computes it
 * otherwise). On an error the output is freed before the error goes on.
 */
export function nativeBatchedProduct(backend: WasmBackend, a: TensorInfo, b: TensorInfo, p: BatchedProduct, outShape: number[]): TensorInfo | null {
  if (!matmul || !nativeConvolutionsActive() || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (p.batchA !== p.batchB && p.batchB !== 1) return null;
  const out = backend.makeOutput(outShape, 'float32');
  params.set([p.batchA, p.batchB, p.m, p.k, p.n, p.transposeA ? 1 : 0, p.transposeB ? 1 : 0]);
  // Offsets after the output exists: allocating may grow and move the heap.
  params[7] = heapIndex(backend, a);
  params[8] = heapIndex(backend, b);
  params[9] = heapIndex(backend, out);
  try {
    matmul(backend.wasm.HEAPF32, params);
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  }
  return out;
}
