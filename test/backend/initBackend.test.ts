import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { BackendUnavailableError, backendFromEnv, describeBackend, initBackend, tf } from '../../lib';

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
    // No libtensorflow and no GPU adapter on a CPU-only test machine: wasm is the fastest that starts.
    if (info.backend === 'wasm') {
      assert.equal(info.threads, os.cpus().length, 'threads: the stock backend would use half the cores');
      assert.ok(info.patches.includes('added: Conv2DBackpropFilter'));
      assert.ok(info.patches.includes('gradient: Greater (zero)'));
      assert.ok(info.reason.some((r) => r.startsWith('webgpu skipped')), 'the report says why faster backends were skipped');
      assert.match(describeBackend(info), /backend {2}wasm\ndevice {3}.+\nthreads {2}\d+\npatches  gradients: .+\n {9}kernels added: Conv2DBackpropFilter/);
    } else {
      assert.ok(['tensorflow', 'webgpu'].includes(info.backend), `unexpected default ${info.backend}`);
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

test('a requested backend that cannot start is an error naming what to install', async () => {
  let tensorflowInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    tensorflowInstalled = false;
  }
  if (tensorflowInstalled) return;
  await assert.rejects(
    () => initBackend({ backend: 'tensorflow' }),
    (e: unknown) =>
      e instanceof BackendUnavailableError && /install @tensorflow\/tfjs-node-gpu@4\.22\.0/.test(e.message) && /CUDA 11\.2/.test(e.message),
  );
});
