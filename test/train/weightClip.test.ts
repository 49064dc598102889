import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tf, initBackend, Trainer, ToyMlpGenerator, ToyMlpDiscriminator, Adam, wassersteinLoss } from '../../lib';
import { ring8 } from '../../datasets';

test("the Trainer's weightClip keeps every D weight in [−c, c] after each of the critic's updates", async () => {
  await initBackend({ backend: 'wasm' });
  const ring = ring8();
  const d = new ToyMlpDiscriminator({ seed: 2 });
  const before = Math.max(...d.parameters().map((v) => tf.max(tf.abs(v)).dataSync()[0]));
  assert.ok(before > 0.05, 'the initial weights are larger than the bound, so clipping has work to do');
  const trainer = new Trainer({
    g: new ToyMlpGenerator({ seed: 2 }),
    d,
    zDim: 2,
    loss: wassersteinLoss,
    dSteps: 3,
    weightClip: 0.01,
    gOptimizer: new Adam({ lr: 1e-3 }),
    dOptimizer: new Adam({ lr: 1e-3 }),
    batch: (step, s) => ({ x: tf.tensor2d(ring.sample(64, step * 10 + s + 1), [64, 2]) }),
  });
  trainer.trainStep();
  const after = Math.max(...d.parameters().map((v) => tf.max(tf.abs(v)).dataSync()[0]));
  assert.ok(after <= 0.01 + 1e-7, `max |w| = ${after}`);
});
