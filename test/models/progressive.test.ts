import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Adam, ProgressiveDiscriminator, ProgressiveGenerator, Trainer, fadeInReal, growthSchedule, hingeLoss, tf, truncatedLatents } from '../../lib';
import { maxAbsDiff, on } from '../helpers';

const CFG = { zDim: 8, ch: 2, resolution: 32, startResolution: 8, channels: 1, seed: 3 };

/** max |a − b| relative to max |b|: untrained N(0, 0.02) layers give outputs of 1e-5 and below. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return maxAbsDiff(a, b) / Math.max(...Array.from(b, Math.abs));
}

test('a progressive generator grows without a jump: a stage at α = 0 draws what the previous stage drew', async () => {
  await on('cpu', () => undefined);
  const g = new ProgressiveGenerator(CFG);
  g.eval();
  const z = truncatedLatents(3, 8, { seed: 1 });
  const at = (stage: number, alpha: number) => g.setGrowth({ stage, alpha }).apply(z).dataSync();
  assert.equal(g.stages, 3);
  for (const stage of [1, 2]) assert.ok(relative(at(stage, 0), at(stage - 1, 1)) < 1e-4, `stage ${stage} starts where ${stage - 1} ended`);
  assert.ok(relative(at(2, 0.5), at(2, 1)) > 0.1, 'the fade-in moves the image');
  // Stage 0 draws 8×8 images, upsampled: every 4×4 patch of the 32×32 output is one value.
  const img = g.setGrowth({ stage: 0, alpha: 1 }).apply(z);
  const blocky = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.avgPool(img, 4, 4, 'valid') as tf.Tensor4D, [32, 32]));
  assert.ok(relative(blocky.dataSync(), img.dataSync()) < 1e-5);
  assert.throws(() => g.setGrowth({ stage: 3, alpha: 1 }), /stage must be 0 … 2/);
  tf.dispose([z, img, blocky]);
});

test('a progressive discriminator grows without a jump, and sees only the stage side of its input', async () => {
  await on('cpu', () => undefined);
  const d = new ProgressiveDiscriminator(CFG);
  const x = tf.randomUniform([3, 32, 32, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
  const at = (stage: number, alpha: number, input = x) => d.setGrowth({ stage, alpha }).apply(input).dataSync();
  for (const stage of [1, 2]) assert.ok(relative(at(stage, 0), at(stage - 1, 1)) < 1e-4, `stage ${stage} starts where ${stage - 1} ended`);
  // At stage 0 (8×8) detail finer than 4×4 pixels is invisible: its 8×8 average pooling is all D gets.
  const pooled = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.avgPool(x, 4, 4, 'valid') as tf.Tensor4D, [32, 32])) as tf.Tensor4D;
  assert.ok(relative(at(0, 1, pooled), at(0, 1)) < 1e-4);
  assert.ok(relative(at(2, 1, pooled), at(2, 1)) > 0.01, 'at full size it does see the detail');
  tf.dispose([x, pooled]);
});

test("fadeInReal blends a real batch between the stage's side and the one before, as G's images are blended", async () => {
  await on('cpu', () => undefined);
  const g = new ProgressiveGenerator(CFG);
  const x = tf.randomUniform([2, 32, 32, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
  const blocky = (side: number) => tf.tidy(() => tf.image.resizeNearestNeighbor(tf.avgPool(x, 32 / side, 32 / side, 'valid') as tf.Tensor4D, [32, 32]));
  const [s8, s16] = [blocky(8), blocky(16)];
  const at = (stage: number, alpha: number) => fadeInReal(x, g.setGrowth({ stage, alpha })).dataSync();
  assert.ok(maxAbsDiff(at(1, 0), s8.dataSync()) < 1e-6, 'stage 1 at α = 0: the 8×8 image');
  assert.ok(maxAbsDiff(at(1, 1), x.dataSync()) === 0, 'outside a fade: the batch itself');
  const half = tf.tidy(() => tf.add(tf.mul(0.5, s8), tf.mul(0.5, s16)).dataSync());
  assert.ok(maxAbsDiff(at(1, 0.5), half) < 1e-6, 'halfway: the mean of the 8×8 and 16×16 images');
  tf.dispose([x, s8, s16]);
});

test('growthSchedule: stage 0, then fade-in and stable phases per stage, then the last stage', () => {
  const s = growthSchedule({ stages: 3, fadeSteps: 10, stableSteps: 20 });
  assert.deepEqual(s(0), { stage: 0, alpha: 1 });
  assert.deepEqual(s(19), { stage: 0, alpha: 1 });
  assert.deepEqual(s(20), { stage: 1, alpha: 0 });
  assert.deepEqual(s(25), { stage: 1, alpha: 0.5 });
  assert.deepEqual(s(30), { stage: 1, alpha: 1 });
  assert.deepEqual(s(50), { stage: 2, alpha: 0 });
  assert.deepEqual(s(1000), { stage: 2, alpha: 1 });
  assert.throws(() => growthSchedule({ stages: 3, fadeSteps: 0, stableSteps: 0 }), /no stage would last a step/);
});

test('the Trainer trains a growing pair: layers of later stages get no update until their stage', async () => {
  await on('cpu', () => undefined);
  const g = new ProgressiveGenerator(CFG);
  const d = new ProgressiveDiscriminator(CFG);
  const data = tf.randomUniform([16, 32, 32, 1], -1, 1, 'float32', 4);
  const t = new Trainer({
    g, d, zDim: 8, loss: hingeLoss, gOptimizer: new Adam({ lr: 1e-3 }), dOptimizer: new Adam({ lr: 1e-3 }),
    batch: () => ({ x: tf.clone(data) }),
  });
  const later = g.stateDict().get('up32.weight')!;
  const before = later.dataSync().slice();
  const dLater = d.stateDict().get('from_image32.weight')!;
  const dBefore = dLater.dataSync().slice();
  const schedule = growthSchedule({ stages: 3, fadeSteps: 2, stableSteps: 2 });
  const grow = () => {
    const s = schedule(t.step);
    g.setGrowth(s);
    d.setGrowth(s);
  };
  grow();
  t.trainStep();
  t.trainStep();
  assert.deepEqual(Array.from(later.dataSync()), Array.from(before), 'side-32 layer untouched at stage 0');
  assert.deepEqual(Array.from(dLater.dataSync()), Array.from(dBefore), "and D's");
  for (let i = 0; i < 8; i++) {
    grow();
    t.trainStep();
  }
  assert.deepEqual(g.growth, { stage: 2, alpha: 1 });
  // Every layer has joined (and got its Adam moments): from here the count must stay flat.
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    grow();
    t.trainStep();
  }
  assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind by a step');
  assert.ok(maxAbsDiff(later.dataSync(), before) > 0, 'and trained once its stage came');
  // It joined at step 6 (stage 2's fade-in): its Adam t counts its own 6 updates, not the optimiser's 12.
  assert.equal(t.gOptimizer.updatesOf(later), 6);
  assert.equal(t.gOptimizer.step, 12);
  tf.dispose(data);
  t.gOptimizer.dispose();
  t.dOptimizer.dispose();
});

test("a growing pair resumes exactly: the late layers' Adam t travels in the checkpoint", async () => {
  await on('cpu', () => undefined);
  const data = tf.randomUniform([8, 32, 32, 1], -1, 1, 'float32', 6);
  const schedule = growthSchedule({ stages: 3, fadeSteps: 1, stableSteps: 1 });
  const make = () => {
    const g = new ProgressiveGenerator(CFG);
    const d = new ProgressiveDiscriminator(CFG);
    const t = new Trainer({ g, d, zDim: 8, loss: hingeLoss, gOptimizer: new Adam({ lr: 1e-3 }), dOptimizer: new Adam({ lr: 1e-3 }), batch: () => ({ x: tf.clone(data) }), seed: 2 });
    const step = () => {
      const s = schedule(t.step);
      g.setGrowth(s);
      d.setGrowth(s);
      return t.trainStep();
    };
    return { g, t, step };
  };
  const straight = make();
  for (let i = 0; i < 4; i++) straight.step();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'progressive-'));
  straight.t.save(dir);
  const late = straight.g.stateDict().get('up32.weight')!;
  const tAt4 = straight.t.gOptimizer.updatesOf(late);
  assert.ok(tAt4 != null && tAt4 < 4, `the side-32 layer joined late (t ${tAt4})`);
  const next = [straight.step(), straight.step()];
  const resumed = make();
  resumed.t.load(dir);
  assert.equal(resumed.t.gOptimizer.updatesOf(resumed.g.stateDict().get('up32.weight')!), tAt4);
  const again = [resumed.step(), resumed.step()];
  for (const k of [0, 1]) assert.equal(again[k].gLoss, next[k].gLoss, `step ${5 + k}: same G loss after resuming`);
  assert.ok(maxAbsDiff(resumed.g.stateDict().get('up32.weight')!.dataSync(), late.dataSync()) === 0, 'same weights');
  tf.dispose(data);
  for (const r of [straight, resumed]) {
    r.t.gOptimizer.dispose();
    r.t.dOptimizer.dispose();
  }
});
