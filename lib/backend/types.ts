/** The compute backends the library can run on, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** One of `BACKEND_NAMES`. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Configures `initBackend`: which backend to start, its threads, and whether to report what runs. */
export interface InitBackendOptions {
  /**
   * Backend to use. Overrides `GAN_BACKEND`; when both are absent the fastest backend that starts is chosen
   * (tensorflow > webgpu with a hardware adapter > wasm > cpu).
   */
  backend?: BackendName;
  /** Threads for the wasm backend (default: every logical core; `GAN_WASM_THREADS` overrides). */
  threads?: number;
  /**
   * On wasm, compute convolutions with the native oneDNN addon where it is built (default true; `GAN_NATIVE=0`
   * turns it off, `GAN_NATIVE=1` makes a missing addon an error).
   */
  native?: boolean;
  /**
   * With `backend: 'webgpu'`, accept a software adapter such as SwiftShader (default false; `GAN_WEBGPU_SOFTWARE=1`
   * sets it). For testing the GPU code path on a machine without a GPU: it runs slower than wasm, so the search
   * for the fastest backend never picks it.
   */
  softwareGpu?: boolean;
  /** Print the report of what runs to stdout (default false). */
  verbose?: boolean;
}

/** What runs, and why: the value of `initBackend`. */
export interface BackendInfo {
  backend: BackendName;
  /** Human-readable device: CPU model, GPU adapter name, or libtensorflow's device list. */
  device: string;
  /** Threads the backend computes with (1 for single-threaded backends, undefined for GPU backends). */
  threads?: number;
  /** Kernels and gradients this library registered to make GAN training work or run fast on this backend. */
  patches: string[];
  /** Why this backend was chosen, and why faster ones were not. */
  reason: string[];
}
