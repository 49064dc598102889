import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendUnavailableError, initBackend, softwareGpuFromEnv, tf } from '../../lib';
import { startWebgpu } from './gpu';

/** Whether the Vulkan driver Dawn sees is SwiftShader (test/run.ts points it there on machines without a GPU). */
const swiftshader = /swiftshader/.test(process.env.VK_ICD_FILENAMES ?? '');

/** Runs first in its own process, before any test has started webgpu with the software adapter accepted. */
test('a software WebGPU adapter is refused unless asked for, and never picked as the fastest backend', async (t) => {
  delete process.env.GAN_WEBGPU_SOFTWARE;
  delete process.env.GAN_BACKEND;
  const fastest = await initBackend();
  assert.ok(fastest.backend !== 'webgpu' || !/swiftshader/i.test(fastest.device), `the fastest backend is not SwiftShader: ${fastest.device}`);
  if (swiftshader) {
    await assert.rejects(
      () => initBackend({ backend: 'webgpu' }),
      (e: unknown) => e instanceof BackendUnavailableError && /software adapter \(SwiftShader\).*GAN_WEBGPU_SOFTWARE=1/.test((e as Error).message),
    );
  }
  if (!(await startWebgpu(t))) return;
  assert.equal(tf.getBackend(), 'webgpu');
  if (!swiftshader) return;
  const info = await initBackend({ backend: 'webgpu', softwareGpu: true });
  assert.match(info.device, /swiftshader/i, `the report names the adapter: ${info.device}`);
  // Once started, the software adapter is still refused to callers that did not ask for it.
  const again = await initBackend();
  assert.notEqual(again.backend, 'webgpu', 'the search for the fastest backend does not reuse SwiftShader');
  await assert.rejects(() => initBackend({ backend: 'webgpu' }), /software adapter/);
});

test('GAN_WEBGPU_SOFTWARE is read, and a typo says which values it takes', () => {
  assert.equal(softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: '1' }), true);
  assert.equal(softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: 'off' }), false);
  assert.equal(softwareGpuFromEnv({}), false);
  assert.throws(() => softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: 'swiftshader' }), /GAN_WEBGPU_SOFTWARE='swiftshader' is not understood; use 1/);
});
