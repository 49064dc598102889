import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Adam,
  BigGanDiscriminator,
  BigGanGenerator,
  modeCoverage,
  NonFiniteLossError,
  nonSaturatingLoss,
  tf,
  ToyMlpDiscriminator,
  ToyMlpGenerator,
  Trainer,
  hingeLoss,
  type BigGanConfig,
  type GanLoss,
  wassersteinLoss,
} from '../../lib';
import { ring8 } from '../../datasets';
import { on, seeded } from '../helpers';

const SMALL: BigGanConfig = { resolution: 32, ch: 4, classes: 3, zDim: 32, sharedDim: 8, attention: [16], seed: 2 };

/** A conditional BigGAN-32 trainer on fixed pseudo-random data (a function of the step, as resumption requires). */
function bigganTrainer(extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}): Trainer {
  return new Trainer({
    g: new BigGanGenerator(SMALL),
    d: new BigGanDiscriminator(SMALL),
    gEma: new BigGanGenerator(SMALL),
    ema: { decay: 0.9, startStep: 2 },
    zDim: 32,
    classes: 3,
    dSteps: 2,
    orthoReg: 1e-4,
    batch: (step, s, micro) => ({
      x: tf.tensor4d(seeded(4 * 32 * 32 * 3, 1 + step * 10 + s * 3 + micro), [4, 32, 32, 3]),
      y: tf.tensor1d([0, 1, 2, (step + s) % 3], 'int32'),
    }),
    seed: 5,
    ...extra,
  });
}

function disposeTrainer(t: Trainer): void {
  t.cfg.g.dispose();
  t.cfg.d.dispose();
  t.cfg.gEma?.dispose();
  t.gOptimizer.dispose();
  t.dOptimizer.dispose();
}

test('a BigGAN-32 training loop frees every tensor: the live count after step 2 equals the count after step 50', async () => {
  await on('wasm', () => undefined);
  const t = bigganTrainer({ dSteps: 1, orthoReg: 0 });
  const counts: number[] = [];
  for (let i = 0; i < 50; i++) {
    t.trainStep();
    counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[49], counts[1], `live tensors: ${counts.slice(0, 3)} … ${counts[49]}`);
  disposeTrainer(t);
});

test('resuming from a checkpoint gives the same next losses as an uninterrupted run (EMA, moments, buffers included)', async () => {
  await on('wasm', () => undefined);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gan-ckpt-')), 'run');
  const straight = bigganTrainer();
  const losses: number[][] = [];
  for (let i = 0; i < 6; i++) {
    if (i === 3) straight.save(dir);
    const s = straight.trainStep();
    losses.push([s.dLoss, s.gLoss]);
  }
  const emaAfter = Float32Array.from(straight.cfg.gEma!.parameters()[3].dataSync());
  disposeTrainer(straight);

  const resumed = bigganTrainer();
  resumed.load(dir);
  assert.equal(resumed.step, 3);
  const again: number[][] = [];
  for (let i = 3; i < 6; i++) {
    const s = resumed.trainStep();
    again.push([s.dLoss, s.gLoss]);
  }
  assert.deepEqual(again, losses.slice(3), 'identical losses after resuming');
  assert.deepEqual(Array.from(resumed.cfg.gEma!.parameters()[3].dataSync()), Array.from(emaAfter), 'identical EMA weights');
  disposeTrainer(resumed);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'));
  const names: string[] = manifest.tensors.map((t: { name: string }) => t.name);
  for (const n of ['G.blocks.0.conv1.weight', 'G.blocks.0.conv1.sn.u0', 'G.blocks.0.bn1.bn.running_mean', 'G_opt.linear.weight.m', 'D.embed.weight', 'G_ema.shared.weight']) {
    assert.ok(names.includes(n), `checkpoint holds ${n}`);
  }
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

// TF.js takes a zero seed for none: before seededNormal, a run seeded 0 drew its first latent batch from
// Math.random, and two runs of one config and seed parted at the first step.
test('two trainers seeded 0 take the same steps', () => {
  const losses = [0, 1].map(() => {
    const t = bigganTrainer({ seed: 0 });
    const out = [t.trainStep(), t.trainStep()].map((s) => [s.dLoss, s.gLoss]);
    disposeTrainer(t);
    return out;
  });
  assert.deepEqual(losses[1], losses[0]);
});

test("the gradient penalty's interpolation weights follow the run's seed: two seeds draw different ones", async () => {
  await on('wasm', () => undefined);
  const ring = ring8();
  // G's weights all zero but its output bias: every fake is the point (3, −2) whatever its latent, so two seeds'
  // first steps differ only in the penalty's random interpolation between the real batch and the fakes. (Not the
  // origin: D, with zero biases at initialisation, has the same gradient all along a ray from it.)
  const firstPenalty = (seed: number) => {
    const g = new ToyMlpGenerator({ seed: 1 });
    tf.tidy(() => {
      for (const [name, v] of g.namedParameters()) v.assign(name === 'out.bias' ? tf.tensor1d([3, -2]) : tf.zerosLike(v));
    });
    const t = new Trainer({
      g,
      d: new ToyMlpDiscriminator({ seed: 1 }),
      zDim: 2,
      loss: wassersteinLoss,
      gradientPenalty: 10,
      batch: (step) => ({ x: tf.tensor2d(ring.sample(64, step + 1), [64, 2]) }),
      seed,
    });
    const { penalty } = t.trainStep();
    disposeTrainer(t);
    return penalty;
  };
  const [a, again, b] = [firstPenalty(3), firstPenalty(3), firstPenalty(4)];
  assert.ok(a > 0, `a penalty to compare: ${a}`);
  assert.equal(again, a, 'a seed repeats its draws');
  assert.notEqual(b, a, 'another seed draws other interpolation weights');
});

test('a damaged or mismatched checkpoint is a clear error', async () => {
  await on('wasm', () => undefined);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-ckpt-'));
  const t = bigganTrainer();
  assert.throws(() => t.load(path.join(root, 'nothing')), /no checkpoint at .*checkpoint\.json missing/);
  t.save(path.join(root, 'ok'));
  fs.truncateSync(path.join(root, 'ok', 'tensors.bin'), 100);
  assert.throws(() => t.load(path.join(root, 'ok')), /tensors\.bin is truncated .*damaged/);
  const other = new Trainer({ ...t.cfg, g: new BigGanGenerator({ ...SMALL, ch: 8 }), d: t.cfg.d, gEma: undefined });
  t.save(path.join(root, 'small'));
  assert.throws(() => other.load(path.join(root, 'small')), /checkpoint .* \(G\): '\S+' is \[.*\], the model wants \[/);
  other.cfg.g.dispose();
  disposeTrainer(t);
  fs.rmSync(root, { recursive: true, force: true });
});

test('a NaN in the data stops training with a clear error and no update applied', async () => {
  // The hinge loss can read as finite (relu(NaN) is 0 on XNNPACK); the gradient norm still gives it away.
  await on('wasm', () => undefined);
  const t = bigganTrainer({ batch: () => ({ x: tf.fill([4, 32, 32, 3], NaN), y: tf.tensor1d([0, 1, 2, 0], 'int32') }) });
  const before = Float32Array.from(t.cfg.d.parameters()[0].dataSync());
  assert.throws(() => t.trainStep(), (e: unknown) => e instanceof NonFiniteLossError && /training diverged at step 1: .*NaN/.test((e as Error).message) && /check the data for NaN/.test((e as Error).message));
  assert.deepEqual(Array.from(t.cfg.d.parameters()[0].dataSync()), Array.from(before));
  assert.equal(t.step, 0);
  disposeTrainer(t);
});

test('gradient accumulation draws one real micro-batch per part and reports their mean loss', async () => {
  await on('wasm', () => undefined);
  const calls: string[] = [];
  const seenD: number[] = [];
  const seenG: number[] = [];
  const recording: GanLoss = {
    name: 'hinge (recorded)',
    d: (real, fake) => {
      const l = hingeLoss.d(real, fake);
      seenD.push(l.dataSync()[0]);
      return l;
    },
    g: (fake) => {
      const l = hingeLoss.g(fake);
      seenG.push(l.dataSync()[0]);
      return l;
    },
  };
  const t = bigganTrainer({
    dSteps: 1,
    accumulate: 3,
    loss: recording,
    batch: (step, s, micro) => {
      calls.push(`${step}/${s}/${micro}`);
      return { x: tf.tensor4d(seeded(2 * 32 * 32 * 3, 7 + micro), [2, 32, 32, 3]), y: tf.tensor1d([0, 1], 'int32') };
    },
  });
  const stats = t.trainStep();
  assert.deepEqual(calls, ['0/0/0', '0/0/1', '0/0/2']);
  // The loss seen by each micro-batch, recorded as the trainer computes it: the step reports their mean.
  assert.equal(seenD.length, 3);
  assert.equal(seenG.length, 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(new Set(seenD.map((v) => v.toFixed(6))).size > 1, 'the micro-batches differ, so the mean is not any one of them');
  assert.ok(Math.abs(stats.dLoss - mean(seenD)) < 1e-5, `D loss ${stats.dLoss} vs mean ${mean(seenD)}`);
  assert.ok(Math.abs(stats.gLoss - mean(seenG)) < 1e-5, `G loss ${stats.gLoss} vs mean ${mean(seenG)}`);
  disposeTrainer(t);
});

test('learning, not just running: the toy MLP GAN covers ≥ 6 of the ring’s 8 modes within 2,000 steps', async () => {
  await on('wasm', () => undefined);
  const ring = ring8();
  const g = new ToyMlpGenerator({ seed: 1 });
  const d = new ToyMlpDiscriminator({ seed: 1 });
  const trainer = new Trainer({
    g,
    d,
    zDim: 2,
    loss: nonSaturatingLoss,
    gOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
    dOptimizer: new Adam({ lr: 1e-3, beta1: 0.5 }),
    batch: (step, s) => ({ x: tf.tensor2d(ring.sample(256, step * 10 + s + 1), [256, 2]) }),
    seed: 3,
  });
  const coverage = () => modeCoverage(tf.tidy(() => g.apply(tf.randomNormal([2500, 2], 0, 1, 'float32', 5)).dataSync()), ring.centres, ring.sigma);
  const before = coverage();
  for (let i = 0; i < 2000; i++) trainer.trainStep();
  const after = coverage();
  assert.ok(before.modesCovered <= 2, `untrained G covers ${before.modesCovered} modes`);
  assert.ok(after.modesCovered >= 6, `covered ${after.modesCovered} modes (${after.counts})`);
  assert.ok(after.highQualityFraction > 0.1, `high-quality fraction ${after.highQualityFraction}`);
  g.dispose();
  d.dispose();
});

test('run(): callbacks every step, periodic checkpoints, and a divergence that names the last good checkpoint', async () => {
  await on('wasm', () => undefined);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gan-run-')), 'ckpt');
  let poison = false;
  const t = bigganTrainer({
    dSteps: 1,
    batch: (step) => ({
      x: poison ? tf.fill([4, 32, 32, 3], NaN) : tf.tensor4d(seeded(4 * 32 * 32 * 3, 1 + step), [4, 32, 32, 3]),
      y: tf.tensor1d([0, 1, 2, 0], 'int32'),
    }),
  });
  const seen: number[] = [];
  const history = t.run({ until: 4, checkpointDir: dir, checkpointEvery: 2, callbacks: [(s) => seen.push(s.step)] });
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(history.length, 4);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')).step, 4);
  poison = true;
  assert.throws(
    () => t.run({ until: 8, checkpointDir: dir, checkpointEvery: 2 }),
    (e: unknown) => e instanceof NonFiniteLossError && e.step === 5 && e.lastCheckpoint === dir && (e as Error).message.includes(`last good checkpoint is ${dir}`),
  );
  assert.equal(t.step, 4, 'the diverging step was not applied');
  disposeTrainer(t);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('the asynchronous step, run and save (the webgpu path) give what the synchronous ones give', async () => {
  await on('wasm', () => undefined);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-async-'));
  const sync = bigganTrainer();
  const a = [sync.trainStep(), ...sync.run({ until: 3, checkpointDir: path.join(root, 'sync') })];
  const async_ = bigganTrainer();
  const b = [await async_.trainStepAsync(), ...(await async_.runAsync({ until: 3, checkpointDir: path.join(root, 'async') }))];
  const numbers = (s: { dLoss: number; gLoss: number; penalty: number; ortho: number }[]) => s.map((x) => [x.dLoss, x.gLoss, x.penalty, x.ortho]);
  assert.deepEqual(numbers(b), numbers(a), 'identical losses, penalties and orthogonality terms');
  const blob = (dir: string) => fs.readFileSync(path.join(root, dir, 'tensors.bin'));
  assert.ok(blob('async').equals(blob('sync')), 'byte-identical checkpoints');
  await async_.saveAsync(path.join(root, 'again'));
  assert.ok(fs.readFileSync(path.join(root, 'again', 'tensors.bin')).equals(blob('sync')));
  disposeTrainer(sync);
  disposeTrainer(async_);

  const poisoned = bigganTrainer({ batch: () => ({ x: tf.fill([4, 32, 32, 3], NaN), y: tf.tensor1d([0, 1, 2, 0], 'int32') }) });
  const live = tf.memory().numTensors;
  await assert.rejects(() => poisoned.trainStepAsync(), (e: unknown) => e instanceof NonFiniteLossError && e.step === 1);
  assert.equal(poisoned.step, 0, 'no update applied');
  assert.equal(tf.memory().numTensors, live, 'a refused asynchronous step frees its gradients');
  disposeTrainer(poisoned);
  fs.rmSync(root, { recursive: true, force: true });
});
