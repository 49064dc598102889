import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type BackendName } from '../../lib';
import { discriminatorLoss, nonSaturatingGeneratorLoss } from '../../lib/losses/minimax';
import { DcganDiscriminator, DcganGenerator } from '../../lib/models/dcgan';
import { Adam } from '../../lib/train/adam';
import { Trainer } from '../../lib/train/trainer';
import { nonSaturatingLoss } from '../../lib/losses';
import { maxAbs, maxAbsDiff, on, seeded } from '../helpers';

const SMALL = { zDim: 16, ch: 4, resolution: 16, channels: 3, seed: 5 };

/** Every parameter gradient of both players for one batch, by name. */
function gradients(): Map<string, Float32Array> {
  const g = new DcganGenerator(SMALL);
  const d = new DcganDiscriminator(SMALL);
  const out = new Map<string, Float32Array>();
  tf.tidy(() => {
    const z = tf.tensor2d(seeded(4 * SMALL.zDim, 1), [4, SMALL.zDim]);
    const real = tf.tensor4d(seeded(4 * 16 * 16 * 3, 2), [4, 16, 16, 3]);
    const dNamed = d.namedParameters();
    const gNamed = g.namedParameters();
    const dg = tf.variableGrads(() => discriminatorLoss(d.apply(real), d.apply(g.apply(z))), dNamed.map(([, v]) => v));
    const gg = tf.variableGrads(() => nonSaturatingGeneratorLoss(d.apply(g.apply(z))), gNamed.map(([, v]) => v));
    for (const [name, v] of dNamed) out.set(`D.${name}`, Float32Array.from(dg.grads[v.name].dataSync()));
    for (const [name, v] of gNamed) out.set(`G.${name}`, Float32Array.from(gg.grads[v.name].dataSync()));
  });
  g.dispose();
  d.dispose();
  return out;
}

test('every DCGAN parameter gradient on wasm matches cpu (small batch)', async () => {
  const ref = await on('cpu', gradients);
  const got = await on('wasm', gradients);
  assert.equal(got.size, ref.size);
  assert.ok(ref.size >= 15, 'both players contribute their parameters');
  for (const [name, r] of ref) {
    const err = maxAbsDiff(got.get(name)!, r);
    assert.ok(maxAbs(r) > 0, `${name} has a non-zero gradient`);
    assert.ok(err <= 1e-4 * Math.max(1e-2, maxAbs(r)) + 1e-7, `${name}: max abs error ${err} (scale ${maxAbs(r)})`);
  }
});

async function trainingRun(backend: BackendName, steps: number) {
  return on(backend, () => {
    const g = new DcganGenerator(SMALL);
    const d = new DcganDiscriminator(SMALL);
    const gOptimizer = new Adam();
    const dOptimizer = new Adam();
    const real = tf.tensor4d(seeded(8 * 16 * 16 * 3, 3), [8, 16, 16, 3]);
    const counts: number[] = [];
    const losses: number[] = [];
    const trainer = new Trainer({ g, d, gOptimizer, dOptimizer, zDim: SMALL.zDim, loss: nonSaturatingLoss, batch: () => ({ x: real }), seed: 100 });
    for (let i = 0; i < steps; i++) {
      const { dLoss, gLoss } = trainer.trainStep();
      losses.push(dLoss, gLoss);
      counts.push(tf.memory().numTensors);
    }
    g.dispose();
    d.dispose();
    gOptimizer.dispose();
    dOptimizer.dispose();
    real.dispose();
    return { counts, losses };
  });
}

test('a GAN training step frees every tensor it makes: the live count after step 2 equals the count after step 12', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    const { counts, losses } = await trainingRun(backend, 12);
    assert.equal(counts[11], counts[1], `${backend}: live tensors ${counts.join(',')}`);
    assert.ok(losses.every(Number.isFinite), `${backend}: finite losses`);
  }
});

test('training steps are deterministic for a seed and agree across cpu and wasm', async () => {
  const a = await trainingRun('wasm', 3);
  const b = await trainingRun('wasm', 3);
  assert.deepEqual(a.losses, b.losses);
  const c = await trainingRun('cpu', 3);
  assert.ok(maxAbsDiff(a.losses, c.losses) < 1e-4, `wasm ${a.losses} vs cpu ${c.losses}`);
});
