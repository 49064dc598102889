import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { composite, type WasmBackend } from './compose';

/**
 * The stock wasm BatchMatMul reaches XNNPACK only for a single, un-transposed product; the transposed products
 * every dense layer's gradient needs (dx = dy·Wᵀ, dW = xᵀ·dy) and batched ones run a naive loop. Transposing an
 * operand costs one pass over it; the product then runs on XNNPACK, one batch entry at a time.
 */
export function makeBatchMatMul(stock: KernelFunc): KernelConfig {
  function batchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: WasmBackend; attrs: BatchMatMulAttrs }): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== 3 || b.shape.length !== 3) {
      return stock(args as never) as TensorInfo;
    }
    const batchA = a.shape[0];
    const batchB = b.shape[0];
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return stock(args as never) as TensorInfo;
    return composite(backend, (s) => {
      const plain = { transposeA: false, transposeB: false };
      const at = transposeA ? s.run('Transpose', { x: a }, { perm: [0, 2, 1] }) : a;
      const bt = transposeB ? s.run('Transpose', { x: b }, { perm: [0, 2, 1] }) : b;
      const batch = Math.max(batchA, batchB);
      if (batch === 1) return s.run('BatchMatMul', { a: at, b: bt }, plain);
      const [, m, k] = at.shape;
      const nCols = bt.shape[2];
      const products: TensorInfo[] = [];
      for (let i = 0; i < batch; i++) {
        const ai = batchA === 1 ? at : s.run('Slice', { x: at }, { begin: [i, 0, 0], size: [1, m, k] });
        const bi = batchB === 1 ? bt : s.run('Slice', { x: bt }, { begin: [i, 0, 0], size: [1, k, nCols] });
        products.push(s.run('BatchMatMul', { a: ai, b: bi }, plain));
      }
      return s.run('Concat', products as unknown as { [name: string]: TensorInfo }, { axis: 0 });
    });
  }
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul as unknown as KernelFunc };
}
