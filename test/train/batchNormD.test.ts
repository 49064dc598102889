import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DcganDiscriminator, DcganGenerator, nonSaturatingLoss, tf, ToyMlpDiscriminator, Trainer } from '../../lib';
import { seeded } from '../helpers';

const ARCH = { ch: 4, channels: 1, resolution: 16, seed: 3 };

test("DCGAN's batch-norm D: every layer but the input one is normalised, so a score depends on its batch", () => {
  const plain = new DcganDiscriminator(ARCH);
  const bn = new DcganDiscriminator({ ...ARCH, batchNorm: true });
  // Two downsamplings (16 → 8 → 4) and the 3×3 layer: batch norm on the second and the third, γ and β each.
  assert.equal(bn.numParameters() - plain.numParameters(), 2 * (4 * ARCH.ch) + 2 * (4 * ARCH.ch));
  assert.equal(plain.batchStatistics, false);
  assert.equal(bn.batchStatistics, true);
  const x = tf.tensor4d(seeded(8 * 16 * 16, 4), [8, 16, 16, 1]);
  const spread = (d: DcganDiscriminator) => tf.tidy(() => {
    // The first four images scored alone and among four other images.
    const alone = d.apply(x.slice([0, 0, 0, 0], [4, -1, -1, -1]) as tf.Tensor4D);
    const among = d.apply(x).slice([0], [4]);
    return tf.max(tf.abs(tf.sub(alone, among))).dataSync()[0];
  });
  assert.ok(spread(plain) < 1e-5, 'without batch norm a score is the sample’s alone');
  assert.ok(spread(bn) > 1e-3, 'with batch norm it moves with the batch');
  tf.dispose([x]);
  plain.dispose();
  bn.dispose();
});

test('the Trainer judges real and fake apart for a batch-statistics D, and refuses a gradient penalty with it', () => {
  const g = new DcganGenerator({ ...ARCH, zDim: 8 });
  const d = new DcganDiscriminator({ ...ARCH, batchNorm: true });
  const sizes: number[] = [];
  const apply = d.apply.bind(d);
  d.apply = (x: tf.Tensor4D, y?: tf.Tensor1D) => {
    sizes.push(x.shape[0]);
    return apply(x, y);
  };
  const batch = (step: number) => ({ x: tf.tensor4d(seeded(4 * 16 * 16, step + 1), [4, 16, 16, 1]) });
  const trainer = new Trainer({ g, d, zDim: 8, loss: nonSaturatingLoss, batch, seed: 1 });
  trainer.trainStep();
  // D's step: real (4) and fake (4) in separate passes; G's step: fake (4).
  assert.deepEqual(sizes, [4, 4, 4]);
  // The separate passes free what they make: a later step leaves the live count where the one before it did.
  const live = tf.memory().numTensors;
  trainer.trainStep();
  assert.equal(tf.memory().numTensors, live);
  // Refused when built, before any run folder or checkpoint could be written.
  assert.throws(() => new Trainer({ g, d, zDim: 8, loss: nonSaturatingLoss, batch, gradientPenalty: 10, seed: 1 }), /a gradient penalty needs each sample's score to depend on that sample alone, but this D has batch norm/);
  assert.throws(() => new Trainer({ g, d, zDim: 8, loss: nonSaturatingLoss, batch, r1: 0.1, seed: 1 }), /this D has batch norm/);
  const toyD = new ToyMlpDiscriminator({ batchNorm: true });
  assert.equal(toyD.batchStatistics, true, 'the toy D with batch norm declares it too');
  toyD.dispose();
  trainer.gOptimizer.dispose();
  trainer.dOptimizer.dispose();
  g.dispose();
  d.dispose();
});
