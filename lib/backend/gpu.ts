import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** Starts libtensorflow through tfjs-node-gpu (or the CPU build tfjs-node). Returns a device description. */
export async function startTensorflow(): Promise<string> {
  let flavour = '';
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      flavour = pkg;
      break;
    } catch (e) {
      if (!String((e as Error).message).includes(`Cannot find module '${pkg}'`)) {
        throw new Error(`${pkg} is installed but failed to load (${(e as Error).message.split('\n')[0]})`);
      }
    }
  }
  if (!flavour) throw new Error('neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed');
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${flavour} loaded but its backend did not initialise`);
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
  return `libtensorflow via ${flavour} (${backend.isUsingGpuDevice ? 'CUDA GPU' : 'CPU'})`;
}

/**
 * On Linux Dawn reaches the GPU through the Vulkan loader; without it Dawn prints a native warning and finds no
 * adapter. Checking first gives the user the actual cause. Returns the reason, or null where a loader exists.
 */
function vulkanLoaderMissing(): string | null {
  if (process.platform !== 'linux') return null;
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib/x86_64-linux-gnu',
  ];
  if (dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')))) return null;
  return 'no Vulkan loader (libvulkan.so.1) is installed, so Dawn cannot reach a GPU; install libvulkan1 and your GPU vendor\'s Vulkan driver';
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

/** Whether `GAN_WEBGPU_SOFTWARE` asks for a software WebGPU adapter to be accepted (1/on); typos are errors. */
export function softwareGpuFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.GAN_WEBGPU_SOFTWARE?.trim().toLowerCase();
  if (!value || ['0', 'off', 'false', 'no'].includes(value)) return false;
  if (['1', 'on', 'true', 'yes'].includes(value)) return true;
  throw new Error(`GAN_WEBGPU_SOFTWARE='${env.GAN_WEBGPU_SOFTWARE}' is not understood; use 1 to accept a software adapter (SwiftShader) or 0.`);
}

/**
 * Starts WebGPU on Dawn (the `webgpu` package). A software adapter (SwiftShader: Vulkan on the CPU) is slower
 * than wasm, so it counts only where `allowSoftware` is set — for testing the GPU code path on a machine without
 * a GPU. Returns the adapter's description and whether it is a software one.
 */
export async function startWebgpu(allowSoftware = false): Promise<{ device: string; software: boolean }> {
  let dawn: { create(flags: string[]): { requestAdapter(o?: object): Promise<GpuAdapterLike | null> }; globals: object };
  try {
    dawn = require('webgpu');
  } catch (e) {
    throw new Error(`the webgpu package (Dawn) is not installed or failed to load (${(e as Error).message.split('\n')[0]})`);
  }
  const loaderMissing = vulkanLoaderMissing();
  if (loaderMissing) throw new Error(loaderMissing);
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) throw new Error('Dawn found no WebGPU adapter (no GPU with Vulkan/Metal/D3D12 drivers is visible)');
  // Dawn 0.6 reports the flag on `info`, as the current WebGPU spec does; older builds on the adapter itself.
  const software = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  if (software && !allowSoftware) throw new Error(SOFTWARE_REFUSED);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator == null) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (g.navigator.gpu == null) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('a WebGPU adapter exists but the tfjs webgpu backend did not initialise');
  const info = adapter.info ?? {};
  return { device: [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'WebGPU adapter', software };
}

/** Why a software adapter was not used, and how to use it anyway. */
export const SOFTWARE_REFUSED =
  'Dawn offered only a software adapter (SwiftShader), which is slower than wasm; ' +
  'pass { softwareGpu: true } or set GAN_WEBGPU_SOFTWARE=1 to use it anyway (for testing the GPU code path)';
