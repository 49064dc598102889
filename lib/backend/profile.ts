import * as tf from '@tensorflow/tfjs';

/** One kernel's row in a `profileKernels` report: how often it ran and its total milliseconds. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Times every kernel the current backend runs while `fn` executes (synchronous backends only: cpu, wasm),
 * counting a kernel that calls other kernels once, at the outermost level. Returns the kernels by total time.
 */
export function profileKernels(fn: () => void): KernelTime[] {
  const backendName = tf.getBackend();
  const totals = new Map<string, KernelTime>();
  const restore: (() => void)[] = [];
  let depth = 0;
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const timed: tf.KernelFunc = (args) => {
      if (depth > 0) return original(args);
      depth++;
      const t0 = performance.now();
      try {
        return original(args);
      } finally {
        depth--;
        const entry = totals.get(config.kernelName) ?? { kernel: config.kernelName, calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t0;
        totals.set(config.kernelName, entry);
      }
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc: timed });
    restore.push(() => {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel({ ...config, kernelFunc: original });
    });
  }
  try {
    fn();
  } finally {
    for (const r of restore) r();
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
