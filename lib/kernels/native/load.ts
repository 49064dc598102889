import * as fs from 'node:fs';
import * as path from 'node:path';

/** The compiled oneDNN addon (`dnnl_conv.cc`): convolutions and matrix products on the wasm heap. */
export interface NativeAddon {
  /**
   * One convolution in place on `heap`. `params`: n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, padTop,
   * padLeft, then element offsets of its inputs a, b and output (see `dnnl_conv.cc` for which is which).
   */
  conv(kind: 0 | 1 | 2, heap: Float32Array, params: Int32Array): void;
  /**
   * A matrix product, or a batch of them, in place on `heap`. `params`: batchA, batchB, m, k, n, transposeA, transposeB (0 or
   * 1), then element offsets of A, B and the output (see `dnnl_conv.cc`). Absent from addons built before it.
   */
  matmul?(heap: Float32Array, params: Int32Array): void;
  /**
   * Adam's update: `params` n, then the element offsets of p, g, m, v and of the outputs p', m', v'; `hyper` lr, β₁,
   * β₂, ε and the bias corrections 1/(1−β₁ᵗ), 1/(1−β₂ᵗ). Absent from addons built before it, as is `maxPoolGrad`.
   */
  adam?(heap: Float32Array, params: Int32Array, hyper: Float64Array): void;
  /**
   * Max pooling's gradient: `params` n, h, w, c, oh, ow, fh, fw, sh, sw, padTop, padLeft, then the offsets of x, dy
   * and dx.
   */
  maxPoolGrad?(heap: Float32Array, params: Int32Array): void;
  /** Maxout's forward pass: `params` count, pieces, then the offsets of x and y (y[i] = max of x's i-th run). */
  maxout?(heap: Float32Array, params: Int32Array): void;
  /**
   * Training-mode batch norm over [rows, channels]: `params` rows, channels, then the offsets of x, γ, β and of the
   * outputs y, mean, variance; `hyper` [ε]. Absent from addons built before it, as is `batchNormTrainGrad`.
   */
  batchNormTrain?(heap: Float32Array, params: Int32Array, hyper: Float64Array): void;
  /** Its gradient: `params` rows, channels, then the offsets of dy, x, mean, variance, γ, dx, dγ, dβ; `hyper` [ε]. */
  batchNormTrainGrad?(heap: Float32Array, params: Int32Array, hyper: Float64Array): void;
  /** oneDNN's version, the instruction set it dispatches to, and its thread count. */
  info(): { version: string; isa: string; threads: number };
  setThreads(n: number): void;
}

/** What to do when the addon is absent; printed once by the backend report. */
export const NATIVE_HINT =
  'for native CPU kernels (2-3x faster training) install a C++ compiler and oneDNN (Debian/Ubuntu: ' +
  'apt-get install g++ make libdnnl-dev; macOS: brew install onednn libomp), then run `npm run native`';

/** Where node-gyp puts the addon, from this file's folder in the source tree or in `build/`. */
export function addonPath(): string {
  const candidates = [
    path.join(__dirname, 'build', 'Release', 'dnnl_conv.node'),
    path.resolve(__dirname, '..', '..', '..', '..', 'lib', 'kernels', 'native', 'build', 'Release', 'dnnl_conv.node'),
  ];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[1];
}

let loaded: NativeAddon | { error: string } | null = null;

/** Loads the addon once; on failure says why (not built, or oneDNN's shared library missing). */
export function loadNativeAddon(): NativeAddon | { error: string } {
  if (loaded) return loaded;
  const file = addonPath();
  if (!fs.existsSync(file)) {
    loaded = { error: `the native addon is not built (${path.relative(process.cwd(), file) || file} missing)` };
  } else {
    try {
      // OpenMP's threads spin after each convolution by default, taking the cores from the wasm threads that run
      // the next kernels (measured on the DCGAN step, 2 cores: 421 ms spinning, 349 ms passive). libgomp reads this
      // when it loads, so it is set before the addon pulls it in; a user's own setting wins.
      process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      loaded = require(file) as NativeAddon;
    } catch (e) {
      loaded = { error: `the native addon did not load: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  return loaded;
}
