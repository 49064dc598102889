import { slice_util, type KernelConfig, type KernelFunc, type SliceAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The wasm backend's Slice with the bounds check the cpu and webgl kernels make: the stock wasm kernel reads past
 * the end of its input without an error (a slice of 3 rows from row 2 of a 3-row tensor returns zeros and
 * whatever lies after it in the heap), which turned a bug in a notebook into a plausible number.
 */
export function makeCheckedSlice(stock: KernelFunc): KernelConfig {
  return {
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      const { begin, size } = args.attrs as unknown as SliceAttrs;
      const [b, s] = slice_util.parseSliceParams(x, begin, size);
      slice_util.assertParamsValid(x, b, s);
      // assertParamsValid lets a negative begin through (the cpu kernel then fails on the element it reads).
      b.forEach((v, i) => {
        if (v < 0 || s[i] < 0) throw new Error(`Error in slice${x.shape.length}D: begin[${i}] = ${v} and size[${i}] = ${s[i]} must be ≥ 0 (input shape [${x.shape}])`);
      });
      return stock(args);
    },
  };
}
