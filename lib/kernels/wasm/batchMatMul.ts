import { broadcast_util } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeConvolutionsActive } from '../native/conv2d';
import { nativeBatchedProduct } from '../native/matmul';
import { composite, heapIndex, type KernelScope, type WasmBackend } from './compose';

/**
 * The stock wasm BatchMatMul reaches XNNPACK only for a single, un-transposed product; the transposed products
 * every dense layer's gradient needs (dx = dy·Wᵀ, dW = xᵀ·dy) and batched ones run a naive loop. Where the native
 * oneDNN kernels run, every float32 product is one call to oneDNN's matmul, transposed operands read in place
 * through strides and a batch in one call (measured on the 2-core machine: XNNPACK's 23–46 GFLOP/s against
 * oneDNN's 64–87 for the products of PacGAN's toy players and BigGAN's dense layers; reading the transposes in
 * place rather than copying them made a PacGAN4 toy step 6% faster on one core, 9% on two). Otherwise a
 * transposed operand costs one pass over it and the product runs on XNNPACK one batch entry at a time — or, with
 * an addon built before its matmul, as a 1×1 convolution of an [1, 1, m, k] image with a [1, 1, k, n] filter. The
 * results agree to float rounding.
 */
export function makeBatchMatMul(stock: KernelFunc): KernelConfig {
  function batchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: WasmBackend; attrs: BatchMatMulAttrs }): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs;
    const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = size(outerA);
    const batchB = size(outerB);
    const native = nativeConvolutionsActive();
    const empty = a.shape.some((d) => d === 0) || b.shape.some((d) => d === 0);
    const plainSingle = !transposeA && !transposeB && batchA === 1 && batchB === 1;
    // Batch broadcasting other than "one side has a single matrix" stays with the stock kernel.
    const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (plainSingle && !native && !empty) || !(sameOuter || batchA === 1 || batchB === 1)) {
      return stock(args as never) as TensorInfo;
    }
    const [ra, ca] = a.shape.slice(-2);
    const [rb, cb] = b.shape.slice(-2);
    const m = transposeA ? ca : ra;
    const k = transposeA ? ra : ca;
    const n = transposeB ? rb : cb;
    const outShape = [...broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
    if (empty) {
      // oneDNN takes no empty sizes, and the stock kernel leaves the output of a k = 0 product unwritten: a sum over
      // nothing is 0.
      const out = backend.makeOutput(outShape, 'float32');
      if (size(outShape) > 0) backend.wasm.HEAPF32.fill(0, heapIndex(backend, out), heapIndex(backend, out) + size(outShape));
      return out;
    }
    // One native call however many products (attention's, one per image): the loop below pays a call's fixed cost
    // per matrix (BigGAN steps with attention ran 4× slower), and a copy per transposed operand.
    const direct = nativeBatchedProduct(backend, a, b, { batchA, batchB, m, k, n, transposeA, transposeB }, outShape);
    if (direct) return direct;
    return composite(backend, (s) => {
      const plain = { transposeA: false, transposeB: false };
      // One [1, m, k]·[1, k, n] product: stock XNNPACK, or the native 1×1 convolution.
      const single = (x: TensorInfo, y: TensorInfo): TensorInfo => (native ? asConvolution(s, x, y, m, k, n) : s.run('BatchMatMul', { a: x, b: y }, plain));
      const a3 = s.run('Reshape', { x: a }, { shape: [batchA, ra, ca] });
      const b3 = s.run('Reshape', { x: b }, { shape: [batchB, rb, cb] });
      const at = transposeA ? s.run('Transpose', { x: a3 }, { perm: [0, 2, 1] }) : a3;
      const bt = transposeB ? s.run('Transpose', { x: b3 }, { perm: [0, 2, 1] }) : b3;
      const batch = Math.max(batchA, batchB);
      let product: TensorInfo;
      if (batch === 1) {
        product = single(at, bt);
      } else {
        const parts: TensorInfo[] = [];
        for (let i = 0; i < batch; i++) {
          const ai = batchA === 1 ? at : s.run('Slice', { x: at }, { begin: [i, 0, 0], size: [1, m, k] });
          const bi = batchB === 1 ? bt : s.run('Slice', { x: bt }, { begin: [i, 0, 0], size: [1, k, n] });
          parts.push(single(ai, bi));
        }
        product = s.run('Concat', parts as unknown as { [name: string]: TensorInfo }, { axis: 0 });
      }
      return s.run('Reshape', { x: product }, { shape: outShape });
    });
  }
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul as unknown as KernelFunc };
}

/** [1, m, k]·[1, k, n] as the convolution of a 1 × m image with k channels by a 1×1 filter bank k → n. */
function asConvolution(s: KernelScope, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  const x = s.run('Reshape', { x: a }, { shape: [1, 1, m, k] });
  const filter = s.run('Reshape', { x: b }, { shape: [1, 1, k, n] });
  const y = s.run('Conv2D', { x, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  return s.run('Reshape', { x: y }, { shape: [1, m, n] });
}
