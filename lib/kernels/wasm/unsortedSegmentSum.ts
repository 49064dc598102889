import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { composite, type WasmBackend } from './compose';

/**
 * out[k] = Σ_{i: ids[i] = k} x[i]: the gradient of `tf.gather`, so of every class embedding, missing from the
 * wasm backend. Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackend;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  const idCount = segmentIds.shape.reduce((p, d) => p * d, 1);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const row = rowShape.reduce((p, d) => p * d, 1);
  return composite(backend, (s) => {
    const out = s.alloc([numSegments, ...rowShape], x.dtype);
    const dst = backend.typedArrayFromHeap(out);
    const src = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    dst.fill(0);
    for (let i = 0; i < idCount; i++) {
      const k = ids[i];
      if (k < 0 || k >= numSegments) continue;
      const d = k * row;
      const o = i * row;
      for (let j = 0; j < row; j++) dst[d + j] += src[o + j];
    }
    return out;
  });
}

/** Registers UnsortedSegmentSum on the wasm backend, so that class embeddings can be trained there. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
