import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels whose output is piecewise constant in their inputs, so their gradient is zero almost everywhere.
 * TF.js registers none for these, and second-order gradients need one: the gradient penalty differentiates
 * leakyRelu's gradient, which calls `Greater`.
 */
const PIECEWISE_CONSTANT = [
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
  'LogicalXor',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'IsNan',
  'IsInf',
  'IsFinite',
  'ArgMax',
  'ArgMin',
] as const;

/** Registers a zero gradient for each piecewise-constant kernel that has none. Returns the kernels patched. */
export function registerZeroGradients(): string[] {
  const patched: string[] = [];
  for (const kernelName of PIECEWISE_CONSTANT) {
    if (tf.getGradient(kernelName) != null) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const names = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
        return Object.fromEntries(names.map((name, i) => [name, () => tf.zerosLike(saved[i])]));
      },
    });
    patched.push(kernelName);
  }
  return patched;
}
