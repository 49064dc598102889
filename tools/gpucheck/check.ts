/**
 * The Node side of the GPU check (see run.sh): DCGAN and BigGAN-32 training steps on webgpu, timed as the CPU
 * benchmark times them (two warm-up steps, then `GPU_CHECK_STEPS` timed ones, each ending when its losses are back
 * on the host). Prints one JSON line. `--software` accepts SwiftShader and `--small` shrinks both models (batch 4,
 * width 4), for trying the check's plumbing without a GPU: SwiftShader takes minutes per full-size step.
 */
import { describeBackend, initBackend } from '../../lib/backend/init';
import { bigganBenchTrainer, dcganBenchTrainer, parameterCount, timeSteps, type BenchModels } from '../../test/bench/benchTrainers';

interface Timing {
  ms_per_step: number;
  ms_median: number;
  ms_min: number;
  g_params: number;
  d_params: number;
  leaked_tensors: number;
}

async function time(build: () => BenchModels, steps: number): Promise<Timing | { error: string }> {
  try {
    const { trainer, g, d } = build();
    const t = await timeSteps(trainer, steps);
    return {
      ms_per_step: t.ms_per_step,
      ms_median: t.ms_median,
      ms_min: t.ms_min,
      g_params: parameterCount(g),
      d_params: parameterCount(d),
      leaked_tensors: t.tensors_after_last - t.tensors_after_step2,
    };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

async function main(): Promise<void> {
  const software = process.argv.includes('--software');
  const small = process.argv.includes('--small');
  const steps = Number(process.env.GPU_CHECK_STEPS ?? 10);
  let info;
  try {
    info = await initBackend({ backend: 'webgpu', softwareGpu: software });
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message }));
    process.exit(1);
  }
  const device = describeBackend(info).split('\n')[1].replace(/^device\s+/, '');
  const sizes = small ? { dcgan: { batch: 4, ch: 4 }, biggan32: { batch: 4, ch: 4 } } : { dcgan: { batch: 64, ch: 32 }, biggan32: { batch: 64, ch: 64 } };
  const dcgan = await time(() => dcganBenchTrainer(sizes.dcgan), steps);
  const biggan32 = await time(() => bigganBenchTrainer({ ...sizes.biggan32, channels: 3, micro: 1 }), steps);
  console.log(JSON.stringify({ backend: 'webgpu', device, steps, small, sizes, node: process.version, dcgan, biggan32 }));
  process.exit(0);
}

void main();
