import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { BackendUnavailableError, backendFromEnv, describeBackend, initBackend, nativeFromEnv, tf } from '../../lib';

/** Whether libtensorflow's binding is installed here (it is never in CI: its install needs Google's storage). */
function tensorflowInstalled(): boolean {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(name);
      return true;
    } catch {
      // not installed
    }
  }
  return false;
}

test('GAN_BACKEND is read, and a typo names the valid backends', () => {
  assert.equal(backendFromEnv({ GAN_BACKEND: 'cpu' }), 'cpu');
  assert.equal(backendFromEnv({}), undefined);
  assert.throws(() => backendFromEnv({ GAN_BACKEND: 'wsam' }), /GAN_BACKEND='wsam' is not a backend; use one of tensorflow, webgpu, wasm, cpu/);
});

test('the default choice on this machine is the threaded wasm backend, with every core and its patches', async () => {
  const saved = process.env.GAN_BACKEND;
  delete process.env.GAN_BACKEND;
  try {
    const info = await initBackend();
    // No libtensorflow and no GPU adapter on a CPU-only test machine (CI is one): wasm is the fastest that starts.
    if (process.env.CI === 'true') assert.equal(info.backend, 'wasm', 'CI machines have no GPU and no libtensorflow');
    if (info.backend === 'wasm') {
      assert.equal(info.threads, os.cpus().length, 'threads: the stock backend would use half the cores');
      assert.ok(info.patches.includes('added: Conv2DBackpropFilter'));
      assert.ok(info.patches.includes('gradient: Greater (zero)'));
      assert.ok(info.reason.some((r) => r.startsWith('webgpu skipped')), 'the report says why faster backends were skipped');
      assert.match(describeBackend(info), /backend {2}wasm\ndevice {3}.+\nthreads {2}\d+\npatches  gradients: .+\n {9}kernels added: Conv2DBackpropFilter/);
    } else if (info.backend === 'tensorflow') {
      assert.ok(tensorflowInstalled(), 'tensorflow chosen without its package');
    } else {
      // A faster backend than wasm was chosen: only a hardware GPU adapter justifies webgpu, never SwiftShader.
      assert.equal(info.backend, 'webgpu', `unexpected default ${info.backend}`);
      assert.doesNotMatch(info.device, /swiftshader/i, 'a software adapter is never picked by default');
    }
    assert.equal(tf.getBackend(), info.backend);
  } finally {
    if (saved != null) process.env.GAN_BACKEND = saved;
  }
});

test('the option overrides GAN_BACKEND', async () => {
  const saved = process.env.GAN_BACKEND;
  process.env.GAN_BACKEND = 'wasm';
  try {
    const info = await initBackend({ backend: 'cpu' });
    assert.equal(info.backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.match(info.reason[0], /backend option/);
  } finally {
    if (saved == null) delete process.env.GAN_BACKEND;
    else process.env.GAN_BACKEND = saved;
  }
});

test('a requested backend that cannot start is an error naming what to install', async (t) => {
  if (tensorflowInstalled()) {
    assert.notEqual(process.env.CI, 'true', 'CI machines cannot install libtensorflow');
    t.skip('libtensorflow is installed here, so the tensorflow backend may start');
    return;
  }
  await assert.rejects(
    () => initBackend({ backend: 'tensorflow' }),
    (e: unknown) =>
      e instanceof BackendUnavailableError && /install @tensorflow\/tfjs-node-gpu@4\.22\.0/.test(e.message) && /CUDA 11\.2/.test(e.message),
  );
});

test('GAN_NATIVE is read, and a typo says which values it takes', () => {
  assert.equal(nativeFromEnv({ GAN_NATIVE: '0' }), 'off');
  assert.equal(nativeFromEnv({ GAN_NATIVE: 'on' }), 'required');
  assert.equal(nativeFromEnv({}), undefined);
  assert.throws(() => nativeFromEnv({ GAN_NATIVE: 'fast' }), /GAN_NATIVE='fast' is not understood; use 0 .* or 1/);
});
