import type { KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { resizeNearestAdjoint } from '../resizeNearestAdjoint';

/** The parts of the cpu backend's class this kernel uses (it does not export these types). */
interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function resizeNearestNeighborGrad(args: { inputs: { images: TensorInfo; dy: TensorInfo }; backend: CpuBackend; attrs: ResizeNearestNeighborGradAttrs }): TensorInfo {
  const { inputs: { images, dy }, backend, attrs } = args;
  const out = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
  const dyValues = backend.data.get(dy.dataId).values;
  resizeNearestAdjoint({ dy: dyValues, dyAt: 0, out, outAt: 0, inShape: images.shape, dyShape: dy.shape, ...attrs });
  return backend.makeTensorInfo(images.shape, 'float32', out);
}

/** The cpu backend's ResizeNearestNeighborGrad, replaced: TF.js 4.22's sums the wrong pixels for batches > 1. */
export const cpuResizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: 'ResizeNearestNeighborGrad',
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
