import * as tf from '@tensorflow/tfjs';
import { BigGanDiscriminator, BigGanGenerator, BIGGAN_PRESETS } from '../../lib/models/biggan';
import { DcganDiscriminator, DcganGenerator } from '../../lib/models/dcgan';
import { nonSaturatingLoss } from '../../lib/losses';
import { Adam } from '../../lib/train/adam';
import { Trainer } from '../../lib/train/trainer';
import { median } from '../../lib/metrics/spread';

/**
 * The training steps the benchmarks time, on whatever backend is current: built here once so that the CPU
 * benchmark (`npm run bench`) and the GPU check (tools/gpucheck) time the same thing as their PyTorch peers
 * (`dcgan_torch.py`, `biggan_torch.py`).
 */
export interface BenchModels {
  trainer: Trainer;
  g: { parameters(): tf.Variable[] };
  d: { parameters(): tf.Variable[] };
}

/** DCGAN 32×32 RGB: non-saturating loss, Adam 2e-4 / (0.5, 0.999), one fixed real batch. */
export function dcganBenchTrainer(o: { batch: number; ch: number }): BenchModels {
  const cfg = { zDim: 128, ch: o.ch, resolution: 32 as const, channels: 3, seed: 1 };
  const g = new DcganGenerator(cfg);
  const d = new DcganDiscriminator(cfg);
  const real = tf.randomUniform([o.batch, 32, 32, 3], -1, 1, 'float32', 7);
  const trainer = new Trainer({ g, d, gOptimizer: new Adam(), dOptimizer: new Adam(), zDim: cfg.zDim, loss: nonSaturatingLoss, batch: () => ({ x: real }), seed: 1 });
  return { trainer, g, d };
}

/**
 * BigGAN-32 (the biggan32 preset at width `ch`): conditional, 10 classes, hinge loss, one D and one G update,
 * Adam, no EMA or orthogonal regularisation, an effective batch of `batch` (default 64) in `micro` micro-batches.
 */
export function bigganBenchTrainer(o: { ch: number; channels: number; micro: number; batch?: number }): BenchModels {
  const cfg = { ...BIGGAN_PRESETS.biggan32, ch: o.ch, channels: o.channels };
  const g = new BigGanGenerator(cfg);
  const d = new BigGanDiscriminator(cfg);
  const n = (o.batch ?? 64) / o.micro;
  const trainer = new Trainer({
    g,
    d,
    zDim: 128,
    classes: 10,
    accumulate: o.micro,
    batch: (step, s, m) => ({
      x: tf.randomUniform([n, 32, 32, o.channels], -1, 1, 'float32', step * 100 + s * 10 + m),
      y: tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32'),
    }),
  });
  return { trainer, g, d };
}

/** What `timeSteps` measured: milliseconds per timed step, and live tensors after the warm-up and at the end. */
export interface StepTiming {
  ms_per_step: number;
  ms_median: number;
  ms_min: number;
  tensors_after_step2: number;
  tensors_after_last: number;
}

/**
 * Two warm-up steps (kernel caches, weight packing, shaders), then `steps` timed ones. Asynchronous reads: free on
 * cpu and wasm, the only way on webgpu, and each step ends only when its losses are on the host.
 */
export async function timeSteps(trainer: Trainer, steps: number): Promise<StepTiming> {
  await trainer.trainStepAsync();
  await trainer.trainStepAsync();
  const afterStep2 = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await trainer.trainStepAsync();
    times.push(performance.now() - t0);
  }
  return {
    ms_per_step: round(times.reduce((a, b) => a + b, 0) / times.length),
    ms_median: round(median(times)),
    ms_min: round(Math.min(...times)),
    tensors_after_step2: afterStep2,
    tensors_after_last: tf.memory().numTensors,
  };
}

/** Sum of a model's parameter sizes. */
export const parameterCount = (m: { parameters(): tf.Variable[] }): number => m.parameters().reduce((sum, v) => sum + v.size, 0);

/** x to one decimal, as the benchmark tables print. */
export const round = (x: number): number => Math.round(x * 10) / 10;

