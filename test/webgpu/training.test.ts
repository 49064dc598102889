import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam,
  BigGanDiscriminator,
  BigGanGenerator,
  DcganDiscriminator,
  DcganGenerator,
  hingeLoss,
  nonSaturatingLoss,
  tf,
  ToyMlpDiscriminator,
  ToyMlpGenerator,
  Trainer,
  wassersteinLoss,
  type BackendName,
  type BigGanConfig,
  type TrainerConfig,
} from '../../lib';
import { maxAbsDiff, seeded } from '../helpers';
import { read, startWebgpu, use } from './gpu';

/**
 * Every model of the notebooks trains on webgpu as it does on cpu: the same seeds give the same losses (within
 * 1e-3 relative) and, after a few Adam steps, the same weights. Adam divides by the gradient's running scale, so a
 * coordinate whose gradient is ~0 can step by ±lr on either backend from rounding alone: at most 0.5% of the
 * weights may differ by more than lr/10, none by more than 2·lr per step — while most weights moved by > lr/2.
 */
const STEPS = 3;

interface Case {
  name: string;
  lr: number;
  build: () => Omit<TrainerConfig, 'batch' | 'gOptimizer' | 'dOptimizer'>;
  /** Shape of one real example and the classes (0: unconditional). */
  example: number[];
  classes: number;
}

const CASES: Case[] = [
  {
    name: 'toy MLP, WGAN-GP (second order, n_dis 2)',
    lr: 1e-3,
    build: () => ({ g: new ToyMlpGenerator({ seed: 1 }), d: new ToyMlpDiscriminator({ seed: 1 }), zDim: 2, loss: wassersteinLoss, gradientPenalty: 10, dSteps: 2 }),
    example: [2],
    classes: 0,
  },
  {
    name: 'DCGAN, non-saturating loss, R1 penalty',
    lr: 2e-4,
    build: () => {
      const cfg = { resolution: 16, ch: 4, channels: 1, seed: 1 } as const;
      return { g: new DcganGenerator(cfg), d: new DcganDiscriminator(cfg), zDim: 128, loss: nonSaturatingLoss, r1: 1 };
    },
    example: [16, 16, 1],
    classes: 0,
  },
  {
    name: 'SNGAN (spectral norm in D), hinge loss',
    lr: 2e-4,
    build: () => {
      const cfg = { resolution: 16, ch: 4, channels: 1, seed: 2 } as const;
      return { g: new DcganGenerator(cfg), d: new DcganDiscriminator({ ...cfg, spectralNorm: true }), zDim: 128, loss: hingeLoss };
    },
    example: [16, 16, 1],
    classes: 0,
  },
  {
    name: 'conditional DCGAN, conditional BN + projection',
    lr: 2e-4,
    build: () => {
      const cfg = { resolution: 16, ch: 4, channels: 1, classes: 3, gConditioning: 'cbn', dConditioning: 'projection', seed: 3 } as const;
      return { g: new DcganGenerator(cfg), d: new DcganDiscriminator(cfg), zDim: 128, classes: 3, loss: hingeLoss };
    },
    example: [16, 16, 1],
    classes: 3,
  },
  {
    name: 'conditional DCGAN, concatenation',
    lr: 2e-4,
    build: () => {
      const cfg = { resolution: 16, ch: 4, channels: 1, classes: 3, gConditioning: 'concat', dConditioning: 'concat', seed: 4 } as const;
      return { g: new DcganGenerator(cfg), d: new DcganDiscriminator(cfg), zDim: 128, classes: 3, loss: nonSaturatingLoss };
    },
    example: [16, 16, 1],
    classes: 3,
  },
  {
    name: 'BigGAN-32 with self-attention, orthogonal regularisation and EMA',
    lr: 2e-4,
    build: () => {
      const cfg: BigGanConfig = { resolution: 32, ch: 4, channels: 1, classes: 3, attention: [16], seed: 5 };
      const g = new BigGanGenerator(cfg);
      return {
        g,
        d: new BigGanDiscriminator(cfg),
        gEma: new BigGanGenerator(cfg),
        ema: { decay: 0.9, startStep: 0 },
        zDim: g.cfg.zDim,
        classes: 3,
        orthoReg: 1e-4,
        dSteps: 2,
      };
    },
    example: [32, 32, 1],
    classes: 3,
  },
];

interface Outcome {
  losses: number[][];
  initial: Float32Array[];
  weights: Float32Array[];
  /** Live tensors after step 2 and after the last step: equal when a step frees everything it creates. */
  tensorsMid: number;
  tensorsEnd: number;
}

async function train(backend: BackendName, c: Case): Promise<Outcome> {
  await use(backend);
  const parts = c.build();
  const batch = 4;
  const size = c.example.reduce((a, b) => a * b, 1);
  const trainer = new Trainer({
    ...parts,
    gOptimizer: new Adam({ lr: c.lr, beta1: 0.5, beta2: 0.999 }),
    dOptimizer: new Adam({ lr: c.lr, beta1: 0.5, beta2: 0.999 }),
    seed: 11,
    batch: (step, s, micro) => ({
      x: tf.tensor(seeded(batch * size, 1 + step * 17 + s * 5 + micro), [batch, ...c.example]),
      y: c.classes ? tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => (i + step + s) % c.classes), 'int32') : undefined,
    }),
  });
  const models = [parts.g, parts.d, ...(parts.gEma ? [parts.gEma] : [])];
  const initial = await Promise.all(models.flatMap((m) => m.parameters()).map(read));
  const losses: number[][] = [];
  let tensorsMid = 0;
  for (let i = 0; i < STEPS; i++) {
    const s = await trainer.trainStepAsync();
    losses.push([s.dLoss, s.gLoss, s.penalty, s.ortho]);
    if (i === 1) tensorsMid = tf.memory().numTensors;
  }
  const tensorsEnd = tf.memory().numTensors;
  const weights = await Promise.all(models.flatMap((m) => m.parameters()).map(read));
  for (const m of models) m.dispose();
  return { losses, initial, weights, tensorsMid, tensorsEnd };
}

function flat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Fraction of coordinates where |a − b| > bound. */
function fraction(a: Float32Array, b: Float32Array, bound: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > bound) n++;
  return n / a.length;
}

for (const c of CASES) {
  test(`webgpu trains ${c.name} as cpu does`, async (t) => {
    if (!(await startWebgpu(t))) return;
    const cpu = await train('cpu', c);
    const gpu = await train('webgpu', c);
    for (let i = 0; i < STEPS; i++) {
      for (let k = 0; k < 4; k++) {
        const [a, b] = [cpu.losses[i][k], gpu.losses[i][k]];
        assert.ok(Number.isFinite(b) && Math.abs(a - b) <= 1e-3 * (1 + Math.abs(a)), `step ${i + 1}, statistic ${k}: cpu ${a}, webgpu ${b}`);
      }
    }
    assert.ok(maxAbsDiff(flat(cpu.initial), flat(gpu.initial)) < 1e-6, 'the same seeds give the same initial weights');
    const [a, b, start] = [flat(cpu.weights), flat(gpu.weights), flat(cpu.initial)];
    const worst = maxAbsDiff(a, b);
    assert.ok(worst <= 2 * c.lr * STEPS, `weights after ${STEPS} steps differ by up to ${worst} (bound ${2 * c.lr * STEPS})`);
    const differ = fraction(a, b, c.lr / 10);
    assert.ok(differ <= 0.005, `${(100 * differ).toFixed(2)}% of the weights differ by more than lr/10`);
    const moved = fraction(a, start, c.lr / 2);
    assert.ok(moved > 0.5, `training moved ${(100 * moved).toFixed(1)}% of the weights by more than lr/2 (the comparison is not vacuous)`);
    assert.equal(gpu.tensorsEnd, gpu.tensorsMid, 'a webgpu training step leaves no tensor behind');
  });
}
