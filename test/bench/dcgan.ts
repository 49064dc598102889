/**
 * `npm run bench`: DCGAN 32×32 training steps (batch 64, G 1.21M / D 0.96M parameters, Adam, non-saturating loss)
 * on every backend that starts here, each in its own process, and the same model in PyTorch where Debian's
 * python3-torch is installed. Prints a table, then as the last line one JSON object with the figures.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKEND_NAMES, type BackendName, describeBackend, initBackend, tf } from '../../lib';
import { DcganDiscriminator, DcganGenerator } from '../../lib/models/dcgan';
import { Adam } from '../../lib/train/adam';
import { nonSaturatingLoss } from '../../lib/losses';
import { BigGanDiscriminator, BigGanGenerator, BIGGAN_PRESETS } from '../../lib/models/biggan';
import { Trainer } from '../../lib/train/trainer';
import { profileKernels } from '../../lib/backend/profile';

interface RunResult {
  backend: BackendName;
  label: string;
  batch: number;
  ch: number;
  threads?: number;
  device: string;
  ms_per_step: number;
  ms_median: number;
  ms_min: number;
  tensors_after_step2: number;
  tensors_after_last: number;
  top_kernels?: { kernel: string; ms: number }[];
  error?: string;
}

interface RunOptions {
  backend: BackendName;
  label: string;
  batch: number;
  ch: number;
  steps: number;
  threads?: number;
}

/** One configuration, in this process: warm up two steps, then time `steps` more. */
async function run(o: RunOptions): Promise<RunResult> {
  const info = await initBackend({ backend: o.backend, threads: o.threads });
  const cfg = { zDim: 128, ch: o.ch, resolution: 32, channels: 3, seed: 1 };
  const g = new DcganGenerator(cfg);
  const d = new DcganDiscriminator(cfg);
  const gOptimizer = new Adam();
  const dOptimizer = new Adam();
  const real = tf.randomUniform([o.batch, 32, 32, 3], -1, 1, 'float32', 7);
  const trainer = new Trainer({ g, d, gOptimizer, dOptimizer, zDim: cfg.zDim, loss: nonSaturatingLoss, batch: () => ({ x: real }), seed: 1 });
  const step = (_i: number) => trainer.trainStep();
  step(0);
  step(1);
  const afterStep2 = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < o.steps; i++) {
    const t0 = performance.now();
    step(2 + i);
    times.push(performance.now() - t0);
  }
  const afterLast = tf.memory().numTensors;
  const top = o.backend === 'wasm' || o.backend === 'cpu' ? profileKernels(() => step(99)).slice(0, 6) : undefined;
  return {
    backend: o.backend,
    label: o.label,
    batch: o.batch,
    ch: o.ch,
    threads: info.threads,
    device: describeBackend(info).split('\n')[1].replace(/^device\s+/, ''),
    ms_per_step: round(times.reduce((a, b) => a + b, 0) / times.length),
    ms_median: round(median(times)),
    ms_min: round(Math.min(...times)),
    tensors_after_step2: afterStep2,
    tensors_after_last: afterLast,
    top_kernels: top?.map((k) => ({ kernel: k.kernel, ms: round(k.ms) })),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One BigGAN-32 training step (the biggan32 preset: ch 64, 10 classes; hinge loss, one D and one G update) at an
 * effective batch of 64. On wasm the batch runs as 4 accumulated micro-batches of 16: at 64 at once the tape
 * exceeds wasm's 4 GB.
 */
async function runBiggan(backend: BackendName, steps: number): Promise<{ backend: BackendName; ms_per_step: number; micro_batches: number; tensors_after_step2: number; tensors_after_last: number } | { backend: BackendName; error: string }> {
  await initBackend({ backend });
  const micro = backend === 'wasm' || backend === 'cpu' ? 4 : 1;
  const cfg = BIGGAN_PRESETS.biggan32;
  const g = new BigGanGenerator(cfg);
  const d = new BigGanDiscriminator(cfg);
  const n = 64 / micro;
  const trainer = new Trainer({
    g,
    d,
    zDim: 128,
    classes: 10,
    accumulate: micro,
    batch: (step, s, m) => ({
      x: tf.randomUniform([n, 32, 32, 3], -1, 1, 'float32', step * 100 + s * 10 + m),
      y: tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32'),
    }),
  });
  trainer.trainStep();
  trainer.trainStep();
  const afterStep2 = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.trainStep();
  return { backend, ms_per_step: round((performance.now() - t0) / steps), micro_batches: micro, tensors_after_step2: afterStep2, tensors_after_last: tf.memory().numTensors };
}

/**
 * Multiply-adds ×2 of one benchmark step, convolutions and dense layers only. Per sample, with Gf and Df the
 * forward costs: the D step runs G forward and D forward+backward on 2 batches (≈ 1·Gf + 6·Df), the G step G
 * forward+backward and D forward+input-gradient (≈ 3·Gf + 2·Df).
 */
function stepFlops(batch: number, ch: number): number {
  const conv = (pixels: number, k: number, cin: number, cout: number) => 2 * pixels * k * k * cin * cout;
  const top = 8 * ch;
  const gf = 2 * 128 * 16 * top + conv(16, 4, top, top / 2) + conv(64, 4, top / 2, top / 4) + conv(256, 4, top / 4, top / 8) + conv(1024, 3, top / 8, 3);
  const df = conv(256, 4, 3, 2 * ch) + conv(64, 4, 2 * ch, 4 * ch) + conv(16, 4, 4 * ch, 8 * ch) + conv(16, 3, 8 * ch, 4 * ch) + 2 * 16 * 4 * ch;
  return batch * (4 * gf + 8 * df);
}

/** Runs one configuration in a child process, so each backend starts fresh (wasm threads are fixed at start). */
function child(o: RunOptions): RunResult {
  const r = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(o)], { encoding: 'utf8', timeout: 20 * 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as RunResult;
    return parsed.error ? { ...parsed, device: '', ms_per_step: NaN, ms_median: NaN, ms_min: NaN, tensors_after_step2: NaN, tensors_after_last: NaN } : parsed;
  } catch {
    const why = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-3).join(' ');
    return { ...o, device: '', ms_per_step: NaN, ms_median: NaN, ms_min: NaN, tensors_after_step2: NaN, tensors_after_last: NaN, error: why || `exit ${r.status}` };
  }
}

/** Debian's python3-torch, at its best: OpenBLAS single-threaded, two intra-op threads (see the issue). */
function torchPeer(steps: number): { ms_per_step: number; ms_median: number; ms_min: number; torch: string; note?: string } | { error: string } {
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: 'python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)' };
  const script = path.join(__dirname, '..', '..', '..', 'test', 'bench', 'dcgan_torch.py');
  const r = spawnSync(python, [script, String(steps)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', TORCH_THREADS: '2' },
    timeout: 10 * 60_000,
  });
  try {
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    const openblas = fs.existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread');
    return { ...out, note: openblas ? undefined : 'libopenblas0-pthread missing: torch links the reference BLAS (~6x slower)' };
  } catch {
    return { error: (r.stderr || 'torch peer failed').trim().split('\n').slice(-2).join(' ') };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--biggan') {
    try {
      console.log(JSON.stringify(await runBiggan(args[1] as BackendName, Number(args[2] ?? 1))));
    } catch (e) {
      console.log(JSON.stringify({ backend: args[1], error: (e as Error).message }));
    }
    process.exit(0);
  }
  if (args[0] === '--child') {
    const o = JSON.parse(args[1]) as RunOptions;
    try {
      console.log(JSON.stringify(await run(o)));
    } catch (e) {
      console.log(JSON.stringify({ ...o, error: (e as Error).message }));
    }
    process.exit(0);
  }
  const steps = Number(process.env.BENCH_STEPS ?? 8);
  const only = process.env.GAN_BACKEND ? [process.env.GAN_BACKEND as BackendName] : BACKEND_NAMES;
  const configs: RunOptions[] = [];
  for (const backend of only) {
    if (backend === 'cpu') {
      // The stock cpu backend takes ~1,000 s per full step: only a tiny shape, reported apart.
      configs.push({ backend, label: 'cpu (tiny: batch 2, ch 4)', batch: 2, ch: 4, steps: 2 });
    } else {
      configs.push({ backend, label: backend, batch: 64, ch: 32, steps });
      if (backend === 'wasm') configs.push({ backend, label: 'wasm (1 thread)', batch: 64, ch: 32, steps: Math.min(steps, 3), threads: 1 });
    }
  }
  // Rounds alternate every backend with the PyTorch peer, and each side keeps its best round's median: the
  // machine's speed drifts by ±15% between minutes here, and alternating exposes both sides to the same drift.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
  let results: RunResult[] = [];
  let torch: ReturnType<typeof torchPeer> = { error: 'not run' };
  for (let round = 0; round < rounds; round++) {
    const now = configs.filter((c) => round === 0 || c.backend !== 'cpu').map(child);
    results = round === 0 ? now : results.map((r) => now.find((n) => n.label === r.label && !n.error && (r.error || n.ms_median < r.ms_median)) ?? r);
    const t = torchPeer(steps);
    if ('ms_median' in t && (!('ms_median' in torch) || t.ms_median < torch.ms_median)) torch = t;
    else if (!('ms_median' in torch)) torch = t;
  }

  console.log(`\nDCGAN 32x32 training step (D step on real+fake, then G step), batch 64 unless noted; best of ${rounds} round(s) per row\n`);
  console.log(`step: ${(stepFlops(64, 32) / 1e9).toFixed(1)} GFLOP in convolutions and dense layers\n`);
  console.log(`${'backend'.padEnd(28)}${'mean ms'.padStart(10)}${'median'.padStart(10)}${'min'.padStart(10)}${'tensors@2'.padStart(11)}${'@last'.padStart(8)}${'GFLOP/s'.padStart(9)}  device`);
  for (const r of results) {
    if (r.error) {
      console.log(`${r.label.padEnd(28)}${'-'.padStart(10)}  not run: ${r.error}`);
      continue;
    }
    const gflops = stepFlops(r.batch, r.ch) / r.ms_median / 1e6;
    console.log(
      `${r.label.padEnd(28)}${r.ms_per_step.toFixed(1).padStart(10)}${r.ms_median.toFixed(1).padStart(10)}${r.ms_min.toFixed(1).padStart(10)}${String(r.tensors_after_step2).padStart(11)}${String(r.tensors_after_last).padStart(8)}${gflops.toFixed(1).padStart(9)}  ${r.device}${r.threads ? `, ${r.threads} threads` : ''}`,
    );
    if (r.batch !== 64 || r.ch !== 32) {
      const fullSeconds = (r.ms_median * stepFlops(64, 32)) / stepFlops(r.batch, r.ch) / 1000;
      console.log(`${''.padEnd(28)}at the benchmark size this would take about ${Math.round(fullSeconds)} s per step (scaled by FLOPs)`);
    }
    if (r.top_kernels) console.log(`${''.padEnd(28)}top kernels: ${r.top_kernels.map((k) => `${k.kernel} ${k.ms} ms`).join(', ')}`);
  }
  const torchMs = 'ms_median' in torch ? torch.ms_median : null;
  const t = torch as { ms_per_step: number; ms_median: number; ms_min: number; torch: string; error: string };
  console.log(
    `${'pytorch (cpu, 2 threads)'.padEnd(28)}${torchMs == null ? '-'.padStart(10) + '  not run: ' + t.error : t.ms_per_step.toFixed(1).padStart(10) + t.ms_median.toFixed(1).padStart(10) + t.ms_min.toFixed(1).padStart(10) + `  torch ${t.torch}`}`,
  );
  if ('note' in torch && torch.note) console.log(`  note: ${torch.note}`);

  // BigGAN-32 on the backends that run the DCGAN at full size (the stock cpu backend would take hours).
  const bigganSteps = Number(process.env.BENCH_BIGGAN_STEPS ?? 1);
  const biggan: Record<string, { ms_per_step: number; micro_batches: number; tensors_after_step2: number; tensors_after_last: number }> = {};
  if (bigganSteps > 0) {
    console.log(`\nBigGAN-32 training step (biggan32 preset: G 4.37M, D 4.21M parameters; batch 64; ${bigganSteps} timed step(s) after 2)\n`);
    for (const r of results.filter((x) => !x.error && x.batch === 64 && x.threads !== 1)) {
      const out = spawnSync(process.execPath, [__filename, '--biggan', r.backend, String(bigganSteps)], { encoding: 'utf8', timeout: 60 * 60_000 });
      try {
        const b = JSON.parse(out.stdout.trim().split('\n').pop() ?? '');
        if (b.error) throw new Error(b.error);
        biggan[r.backend] = { ms_per_step: b.ms_per_step, micro_batches: b.micro_batches, tensors_after_step2: b.tensors_after_step2, tensors_after_last: b.tensors_after_last };
        console.log(`${r.backend.padEnd(28)}${b.ms_per_step.toFixed(0).padStart(10)} ms/step  (${b.micro_batches} micro-batch(es); tensors ${b.tensors_after_step2} → ${b.tensors_after_last})`);
      } catch (e) {
        console.log(`${r.backend.padEnd(28)}${'-'.padStart(10)}  not run: ${(e as Error).message || out.stderr.slice(-300)}`);
      }
    }
  }

  const full = results.filter((r) => !r.error && r.batch === 64 && r.threads !== 1);
  const best = full.sort((a, b) => a.ms_median - b.ms_median)[0];
  const leaks = results.filter((r) => !r.error && r.tensors_after_last !== r.tensors_after_step2);
  if (leaks.length) console.log(`LEAK: live tensors grew on ${leaks.map((r) => r.label).join(', ')}`);
  const summary = {
    model: 'dcgan32',
    batch: 64,
    results: Object.fromEntries(
      results
        .filter((r) => !r.error)
        .map((r) => [
          r.threads === 1 && r.backend === 'wasm' ? 'wasm_1thread' : r.backend,
          { ms_per_step: r.ms_median, ms_mean: r.ms_per_step, batch: r.batch, tensors_after_step2: r.tensors_after_step2, tensors_after_last: r.tensors_after_last },
        ]),
    ),
    torch_ms_per_step: torchMs,
    best_backend: best?.backend ?? null,
    // Medians of the timed steps on both sides: one slow step (a neighbour on the machine) moves neither.
    ratio_vs_torch: best && torchMs ? Math.round((best.ms_median / torchMs) * 100) / 100 : null,
    biggan32: biggan,
  };
  console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
