import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendUnavailableError, initBackend, softwareGpuFromEnv, tf } from '../../lib';
import { startWebgpu } from './gpu';

/** Runs first in its own process, before any test has started webgpu with the software adapter accepted. */
test('a software WebGPU adapter is refused unless asked for, and never picked as the fastest backend', async (t) => {
  delete process.env.GAN_WEBGPU_SOFTWARE;
  delete process.env.GAN_BACKEND;
  const fastest = await initBackend();
  assert.notEqual(fastest.backend, 'webgpu', 'SwiftShader is slower than wasm');
  await assert.rejects(
    () => initBackend({ backend: 'webgpu' }),
    (e: unknown) => {
      const m = (e as Error).message;
      // Where SwiftShader is visible the refusal must say how to accept it; elsewhere there is no adapter at all.
      const visible = /swiftshader/.test(process.env.VK_ICD_FILENAMES ?? '');
      return e instanceof BackendUnavailableError && (visible ? /software adapter \(SwiftShader\).*GAN_WEBGPU_SOFTWARE=1/ : /adapter|Vulkan|webgpu/).test(m);
    },
  );
  if (!(await startWebgpu(t))) return;
  assert.equal(tf.getBackend(), 'webgpu');
  const info = await initBackend({ backend: 'webgpu', softwareGpu: true });
  assert.match(info.device, /swiftshader/i, `the report names the adapter: ${info.device}`);
});

test('GAN_WEBGPU_SOFTWARE is read, and a typo says which values it takes', () => {
  assert.equal(softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: '1' }), true);
  assert.equal(softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: 'off' }), false);
  assert.equal(softwareGpuFromEnv({}), false);
  assert.throws(() => softwareGpuFromEnv({ GAN_WEBGPU_SOFTWARE: 'swiftshader' }), /GAN_WEBGPU_SOFTWARE='swiftshader' is not understood; use 1/);
});
