import * as tf from '@tensorflow/tfjs';

/**
 * Code that must read tensors back to the host, written once for both kinds of backend. On cpu and wasm a read is
 * synchronous (`dataSync`); on webgpu in Node it can only be asynchronous (a synchronous read needs the browser's
 * OffscreenCanvas). A plan is a generator that yields each tensor it needs the values of and receives them back;
 * `runPlan` drives it with synchronous reads, `runPlanAsync` with asynchronous ones. The plan keeps ownership of
 * the tensors it yields.
 */
export type ReadPlan<T> = Generator<tf.Tensor, T, Float32Array | Int32Array>;

/** Runs a plan with synchronous reads (cpu, wasm, tensorflow backends). */
export function runPlan<T>(plan: ReadPlan<T>): T {
  let r = plan.next(undefined as never);
  while (!r.done) {
    let values: Float32Array | Int32Array;
    try {
      values = r.value.dataSync() as Float32Array | Int32Array;
    } catch (e) {
      // Lets the plan's `finally` blocks free what it holds; the error comes back out of `throw`.
      r = plan.throw(e);
      continue;
    }
    r = plan.next(values);
  }
  return r.value;
}

/** Runs a plan with asynchronous reads (any backend, and the only way on webgpu in Node). */
export async function runPlanAsync<T>(plan: ReadPlan<T>): Promise<T> {
  let r = plan.next(undefined as never);
  while (!r.done) {
    let values: Float32Array | Int32Array;
    try {
      values = (await r.value.data()) as Float32Array | Int32Array;
    } catch (e) {
      r = plan.throw(e);
      continue;
    }
    r = plan.next(values);
  }
  return r.value;
}
