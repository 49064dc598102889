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
      return stock(args);
    },
  };
}
