/**
 * `npm run bench:loops`: the toy step of PacGAN's protocol with the native addon's compiled loops (Adam's update,
 * maxout's pooling and its gradient, batch norm's training pass and gradient) against the kernels they replace (JS;
 * XNNPACK for the pooling), and each with batch norm as TF.js composes it (`moments`, `batchNorm` and their
 * gradients) instead of the fused kernels: four arms side by side in one process, swapped in turn, rounds
 * alternating, on the same trainer, everything else (oneDNN products) unchanged. Prints the median step time of
 * each arm and the ratios per preset, then one JSON line with the figures.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
// The stock MaxPool (XNNPACK) is registered when the wasm backend's module loads, and replaced when the library
// starts the backend: keep it first.
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../lib';
import { replaceKernel, setFusedBatchNorm } from '../../lib/kernels';
import { loadNativeAddon } from '../../lib/kernels/native/load';
import { adamUpdateConfig, ADAM_UPDATE } from '../../lib/kernels/wasm/adamUpdate';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTrainConfigs } from '../../lib/kernels/wasm/batchNormTrain';
import { wasmMaxPoolGradConfig } from '../../lib/kernels/wasm/maxPoolGrad';
import { median } from '../../lib/metrics/spread';
import { buildTrainer, completeArch, loadRunData } from '../../lib/run/build';
import { resolveConfig } from '../../lib/run/config';

const PRESETS = ['toy-grid-pacgan4', 'toy-grid-gan', 'toy-ring-pacgan2'];
const ROUNDS = 8;
const STEPS_PER_ROUND = 30;
const NAMES = [ADAM_UPDATE, 'MaxPool', 'MaxPoolGrad', BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD];
/** The arms: which kernel set, and whether batch norm runs fused. */
const ARMS = [
  { name: 'native', kernels: 'native', fusedNorm: true },
  { name: 'native, TF.js batch norm', kernels: 'native', fusedNorm: false },
  { name: 'JS', kernels: 'js', fusedNorm: true },
  { name: 'JS, TF.js batch norm', kernels: 'js', fusedNorm: false },
] as const;

/** Registers these kernels in place of whatever runs under their names. */
const use = (configs: KernelConfig[]) => configs.forEach(replaceKernel);

async function main(): Promise<void> {
  const stockMaxPool = tf.getKernel('MaxPool', 'wasm');
  if (!stockMaxPool) throw new Error("the wasm backend registered no MaxPool: this TF.js differs from the one the library targets");
  await initBackend({ backend: 'wasm' });
  const addon = loadNativeAddon();
  if ('error' in addon || !addon.adam || !addon.batchNormTrain) throw new Error(`the native loops are not built (${'error' in addon ? addon.error : 'an addon without them'}): run npm run native`);
  const native = NAMES.map((n) => tf.getKernel(n, 'wasm')!);
  const js = [adamUpdateConfig, stockMaxPool, wasmMaxPoolGradConfig, ...batchNormTrainConfigs];
  const figures: Record<string, Record<string, number>> = {};
  for (const preset of PRESETS) {
    let cfg = resolveConfig(preset, {});
    const data = await loadRunData(cfg);
    cfg = completeArch(cfg, data);
    const { trainer } = buildTrainer(cfg, data);
    for (let i = 0; i < 20; i++) trainer.trainStep();
    const times: Record<string, number[]> = Object.fromEntries(ARMS.map((a) => [a.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const arm of ARMS) {
        use(arm.kernels === 'native' ? native : js);
        setFusedBatchNorm(arm.fusedNorm);
        const t0 = performance.now();
        for (let i = 0; i < STEPS_PER_ROUND; i++) trainer.trainStep();
        times[arm.name].push((performance.now() - t0) / STEPS_PER_ROUND);
      }
    }
    use(native);
    setFusedBatchNorm(true);
    const ms = Object.fromEntries(ARMS.map((a) => [a.name, median(times[a.name])]));
    figures[preset] = ms;
    const line = ARMS.map((a) => `${a.name} ${ms[a.name].toFixed(1)}`).join(', ');
    const fusedGain = ms['native, TF.js batch norm'] / ms.native;
    const nativeGain = ms['JS'] / ms.native;
    console.log(`${preset}: ms a step: ${line}; fused batch norm ${fusedGain.toFixed(2)}× (native), native loops ${nativeGain.toFixed(2)}× (over JS), all ${(ms['JS, TF.js batch norm'] / ms.native).toFixed(2)}×`);
  }
  console.log(JSON.stringify({ rounds: ROUNDS, stepsPerRound: STEPS_PER_ROUND, threads: process.env.GAN_WASM_THREADS ?? 'all cores', figures }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
