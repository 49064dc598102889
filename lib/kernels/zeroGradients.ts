import * as tf from '@tensorflow/tfjs-core';

/**
 * Comparisons and logical kernels: piecewise constant in their inputs, so their gradient is zero almost everywhere.
 * TF.js 4.22 registers no gradient for these (it does for GreaterEqual, Floor, Ceil, Round, Sign, IsNan, IsInf,
 * IsFinite, ArgMax and ArgMin), and second-order gradients need one: the gradient penalty differentiates
 * leakyRelu's gradient, which calls `Greater`. All take inputs `a` and `b` except `LogicalNot` (`x`).
 */
const PIECEWISE_CONSTANT = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalNot', 'LogicalXor'] as const;

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
