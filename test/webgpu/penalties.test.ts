import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigGanDiscriminator, DcganDiscriminator, gradientPenalty, r1Penalty, tf, type BackendName, type Discriminator } from '../../lib';
import { maxAbs, maxAbsDiff, seeded } from '../helpers';
import { read, startWebgpu, use } from './gpu';

/**
 * WGAN-GP and R1 need second-order gradients: the gradient, with respect to D's weights, of a norm of D's input
 * gradient. On webgpu they must equal cpu's (whose own are checked against finite differences in
 * test/kernels/gradientPenalty.test.ts), through convolutions, leaky ReLU, spectral norm and self-attention.
 * Weights are scaled up from their N(0, 0.02²) init so that the penalties are far from zero.
 */
const CRITICS: { name: string; make: () => Discriminator; shape: number[] }[] = [
  { name: 'DCGAN critic', make: () => new DcganDiscriminator({ resolution: 16, ch: 4, channels: 1, seed: 1 }), shape: [3, 16, 16, 1] },
  {
    name: 'BigGAN-32 critic with spectral norm and attention',
    make: () => new BigGanDiscriminator({ resolution: 32, ch: 4, channels: 1, attention: [16], seed: 2 }),
    shape: [2, 32, 32, 1],
  },
];

async function penaltyGrads(backend: BackendName, c: (typeof CRITICS)[number], kind: 'gp' | 'r1'): Promise<{ value: number; grads: Float32Array[] }> {
  await use(backend);
  const d = c.make();
  const vars = d.parameters();
  for (const v of vars) if (v.rank >= 2) v.assign(tf.tidy(() => tf.mul(v, 10)));
  const size = c.shape.reduce((a, b) => a * b, 1);
  const real = tf.tensor(seeded(size, 3), c.shape);
  const fake = tf.tensor(seeded(size, 4), c.shape);
  const critic = (x: tf.Tensor) => d.apply(x as tf.Tensor4D);
  const { value, grads } = tf.variableGrads(() => (kind === 'gp' ? gradientPenalty(critic, real, fake, { lambda: 10, seed: 5 }) : r1Penalty(critic, real, 10)), vars);
    // A weight that cannot change D's input gradient (the last bias) gets none: its penalty gradient is zero.
  const out = { value: (await read(value))[0], grads: await Promise.all(vars.map((v) => (grads[v.name] ? read(grads[v.name]) : new Float32Array(v.size)))) };
  tf.dispose([value, real, fake, ...Object.values(grads)]);
  d.dispose();
  return out;
}

for (const c of CRITICS) {
  for (const kind of ['gp', 'r1'] as const) {
    test(`${kind === 'gp' ? 'WGAN-GP' : 'R1'} second-order gradients of a ${c.name} on webgpu equal cpu's`, async (t) => {
      if (!(await startWebgpu(t))) return;
      const cpu = await penaltyGrads('cpu', c, kind);
      const gpu = await penaltyGrads('webgpu', c, kind);
      assert.ok(cpu.value > 1e-3, `the penalty is not ~0 (${cpu.value}), so the comparison means something`);
      assert.ok(Math.abs(cpu.value - gpu.value) <= 1e-4 * (1 + cpu.value), `penalty: cpu ${cpu.value}, webgpu ${gpu.value}`);
      for (let i = 0; i < cpu.grads.length; i++) {
        const scale = maxAbs(cpu.grads[i]);
        const diff = maxAbsDiff(cpu.grads[i], gpu.grads[i]);
        assert.ok(diff <= 1e-6 + 1e-3 * scale, `weight ${i}: gradients differ by ${diff} (largest ${scale})`);
      }
      assert.ok(Math.max(...cpu.grads.map(maxAbs)) > 1e-4, 'the gradients are not all ~0');
    });
  }
}
