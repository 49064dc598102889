import type { BackendName } from './types';

/** What a user installs to get each backend; named in errors when a requested backend cannot start. */
export const INSTALL_HINT: Record<BackendName, string> = {
  tensorflow:
    'install @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA 11.2 and cuDNN 8.1 on Linux x64 with an NVIDIA GPU; ' +
    'its install script downloads libtensorflow, so it needs network access), or @tensorflow/tfjs-node@4.22.0 for a CPU build',
  webgpu:
    'install the `webgpu` package (Dawn for Node) and make sure a GPU with Vulkan, Metal or D3D12 drivers is visible ' +
    '(a CPU-only machine has no WebGPU adapter)',
  wasm: 'reinstall @tensorflow/tfjs-backend-wasm@4.22.0 (npm install)',
  cpu: 'reinstall @tensorflow/tfjs-backend-cpu@4.22.0 (npm install)',
};

/** Thrown when a requested backend cannot start; its message gives the reason and what to install. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`The '${backend}' backend cannot start: ${reason}. To use it, ${INSTALL_HINT[backend]}.`);
    this.name = 'BackendUnavailableError';
  }
}
