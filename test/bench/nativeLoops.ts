/**
 * `npm run bench:loops`: the toy step of PacGAN's protocol with the native addon's compiled loops (Adam's update,
 * maxout's pooling and its gradient) against the kernels they replace (JS; XNNPACK for the pooling), side by side in one process: the two kernel sets
 * are swapped in turn, rounds alternating, on the same trainer, everything else (oneDNN products) unchanged.
 * Prints the median step time of each and their ratio per preset, then one JSON line with the figures.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
// The stock MaxPool (XNNPACK) is registered when the wasm backend's module loads, and replaced when the library
// starts the backend: keep it first.
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../lib';
import { replaceKernel } from '../../lib/kernels';
import { loadNativeAddon } from '../../lib/kernels/native/load';
import { adamUpdateConfig, ADAM_UPDATE } from '../../lib/kernels/wasm/adamUpdate';
import { wasmMaxPoolGradConfig } from '../../lib/kernels/wasm/maxPoolGrad';
import { median } from '../../lib/metrics/spread';
import { buildTrainer, completeArch, loadRunData } from '../../lib/run/build';
import { resolveConfig } from '../../lib/run/config';

const PRESETS = ['toy-grid-pacgan4', 'toy-grid-gan', 'toy-ring-pacgan2'];
const ROUNDS = 8;
const STEPS_PER_ROUND = 30;
const NAMES = [ADAM_UPDATE, 'MaxPool', 'MaxPoolGrad'];

/** Registers these kernels in place of whatever runs under their names. */
const use = (configs: KernelConfig[]) => configs.forEach(replaceKernel);

async function main(): Promise<void> {
  const stockMaxPool = tf.getKernel('MaxPool', 'wasm');
  if (!stockMaxPool) throw new Error("the wasm backend registered no MaxPool: this TF.js differs from the one the library targets");
  await initBackend({ backend: 'wasm' });
  const addon = loadNativeAddon();
  if ('error' in addon || !addon.adam) throw new Error(`the native loops are not built (${'error' in addon ? addon.error : 'an addon without them'}): run npm run native`);
  const native = NAMES.map((n) => tf.getKernel(n, 'wasm')!);
  const js = [adamUpdateConfig, stockMaxPool, wasmMaxPoolGradConfig];
  const figures: Record<string, { nativeMs: number; jsMs: number; ratio: number }> = {};
  for (const preset of PRESETS) {
    let cfg = resolveConfig(preset, {});
    const data = await loadRunData(cfg);
    cfg = completeArch(cfg, data);
    const { trainer } = buildTrainer(cfg, data);
    for (let i = 0; i < 20; i++) trainer.trainStep();
    const times = { native: [] as number[], js: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [which, set] of [['native', native], ['js', js]] as const) {
        use(set);
        const t0 = performance.now();
        for (let i = 0; i < STEPS_PER_ROUND; i++) trainer.trainStep();
        times[which].push((performance.now() - t0) / STEPS_PER_ROUND);
      }
    }
    use(native);
    const [nativeMs, jsMs] = [median(times.native), median(times.js)];
    figures[preset] = { nativeMs, jsMs, ratio: jsMs / nativeMs };
    console.log(`${preset}: native loops ${nativeMs.toFixed(1)} ms a step, JS ${jsMs.toFixed(1)} ms (${(jsMs / nativeMs).toFixed(2)}×)`);
  }
  console.log(JSON.stringify({ rounds: ROUNDS, stepsPerRound: STEPS_PER_ROUND, threads: process.env.GAN_WASM_THREADS ?? 'all cores', figures }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
