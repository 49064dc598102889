import type { TestContext } from 'node:test';
import { initBackend, tf, type BackendName } from '../../lib';

/**
 * Starts webgpu for a test, accepting a software adapter: test/run.ts points Dawn at SwiftShader (Chromium's
 * Vulkan on the CPU) where no Vulkan driver is chosen already. In CI, which installs Chromium, a missing adapter
 * fails the test; elsewhere the test is skipped with the reason. Returns whether webgpu runs.
 */
export async function startWebgpu(t: TestContext): Promise<boolean> {
  try {
    await initBackend({ backend: 'webgpu', softwareGpu: true });
    return true;
  } catch (e) {
    const why = [(e as Error).message, process.env.GAN_SWIFTSHADER_MISSING].filter((s) => s).join('; ');
    if (process.env.CI === 'true') throw new Error(`CI must test webgpu (on SwiftShader): ${why}`);
    t.skip(`webgpu not tested: ${why}`);
    return false;
  }
}

/** Switches to a backend by name; webgpu through `startWebgpu`'s rules (the caller has checked it runs). */
export async function use(backend: BackendName): Promise<void> {
  await initBackend(backend === 'webgpu' ? { backend, softwareGpu: true } : { backend });
}

/** A tensor's values, read asynchronously (webgpu in Node has no synchronous read). */
export async function read(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as Float32Array);
}
