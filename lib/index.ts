/**
 * BigGAN.ts: the library the notebooks build and scripts import. `tf` is re-exported so that a notebook and the
 * library share one TF.js engine (two copies would keep two sets of tensors and backends).
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export * from './backend';
export { registerGanKernels } from './kernels';
