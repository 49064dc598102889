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
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/**
 * Starts WebGPU on Dawn (the `webgpu` package). Only a hardware adapter counts: a software one would be slower
 * than wasm. Returns the adapter's description.
 */
export async function startWebgpu(): Promise<string> {
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
  if (adapter.isFallbackAdapter) throw new Error('Dawn offered only a software (fallback) adapter');
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator == null) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (g.navigator.gpu == null) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('a WebGPU adapter exists but the tfjs webgpu backend did not initialise');
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'WebGPU adapter';
}
