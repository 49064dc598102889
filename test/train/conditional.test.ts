import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, DcganDiscriminator, DcganGenerator, gaussian, nonSaturatingLoss, rng, tf, Trainer, type DcganConfig } from '../../lib';
import { on } from '../helpers';

/**
 * Learning, not just running, for conditioning: on a tiny two-class image set (class 0 bright on top, class 1
 * bright below) a conditional DCGAN must learn to draw each class as asked.
 */
function tinySet(n: number): { images: tf.Tensor4D; labels: Int32Array } {
  const noise = gaussian(rng(1));
  const px = new Float32Array(n * 64);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) px[i * 64 + y * 8 + x] = Math.max(-1, Math.min(1, ((y < 4) === (labels[i] === 0) ? 0.8 : -0.8) + 0.1 * noise()));
    }
  }
  return { images: tf.tensor4d(px, [n, 8, 8, 1]), labels };
}

/** Mean of the top half minus mean of the bottom half of G's samples for a class (+1.6 / −1.6 in the data). */
function topMinusBottom(g: DcganGenerator, cls: number): number {
  return tf.tidy(() => {
    g.eval();
    const x = g.apply(tf.randomNormal([64, g.cfg.zDim], 0, 1, 'float32', 9) as tf.Tensor2D, tf.fill([64], cls, 'int32') as tf.Tensor1D);
    g.train();
    return tf.sub(x.slice([0, 0, 0, 0], [64, 4, 8, 1]).mean(), x.slice([0, 4, 0, 0], [64, 4, 8, 1]).mean()).dataSync()[0];
  });
}

for (const variant of [
  { gConditioning: 'cbn', dConditioning: 'projection' },
  { gConditioning: 'concat', dConditioning: 'concat' },
] as const) {
  test(`a conditional DCGAN (G ${variant.gConditioning}, D ${variant.dConditioning}) draws the class it is asked for after 300 steps`, async () => {
    await on('wasm', () => undefined);
    const data = tinySet(256);
    const cfg: DcganConfig = { resolution: 8, ch: 8, channels: 1, classes: 2, zDim: 16, ...variant };
    const g = new DcganGenerator(cfg);
    const d = new DcganDiscriminator(cfg);
    const trainer = new Trainer({
      g,
      d,
      zDim: 16,
      classes: 2,
      loss: nonSaturatingLoss,
      gOptimizer: new Adam({ lr: 2e-3, beta1: 0.5 }),
      dOptimizer: new Adam({ lr: 2e-3, beta1: 0.5 }),
      batch: (step, s) => {
        const r = rng(step * 7 + s + 1);
        const ids = Int32Array.from({ length: 32 }, () => Math.floor(r() * 256));
        return { x: tf.gather(data.images, ids), y: tf.tensor1d(Int32Array.from(ids, (i) => data.labels[i]), 'int32') };
      },
    });
    const before = [topMinusBottom(g, 0), topMinusBottom(g, 1)];
    let last = { dLoss: 0 };
    for (let i = 0; i < 300; i++) last = trainer.trainStep();
    const after = [topMinusBottom(g, 0), topMinusBottom(g, 1)];
    assert.ok(Math.abs(before[0] - before[1]) < 0.2, `untrained samples do not depend on the class: ${before}`);
    assert.ok(after[0] > 0.8 && after[1] < -0.8, `class 0 bright on top, class 1 below: ${after}`);
    assert.ok(Math.abs(last.dLoss - Math.log(4)) < 0.25, `D's loss ${last.dLoss} near the equilibrium log 4 = 1.386`);
    g.dispose();
    d.dispose();
    data.images.dispose();
  });
}
