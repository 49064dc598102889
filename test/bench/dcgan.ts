/**
 * `npm run bench`: DCGAN 32×32 training steps (batch 64, G 1.21M / D 0.96M parameters, Adam, non-saturating loss)
 * on every backend that starts here (wasm with and without the native kernels), each in its own process, and the
 * same model in PyTorch where Debian's python3-torch is installed; then BigGAN-32 steps at two widths against a
 * PyTorch BigGAN-32 of the same architecture (`biggan_torch.py`). Prints tables, then as the last line one JSON
 * object with the figures.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKEND_NAMES, type BackendName, describeBackend, initBackend } from '../../lib';
import { profileKernels } from '../../lib/backend/profile';
import { bigganBenchTrainer, dcganBenchTrainer, parameterCount, round, timeSteps } from './benchTrainers';

interface RunResult {
  backend: BackendName;
  label: string;
  batch: number;
  ch: number;
  threads?: number;
  native?: boolean;
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
  /** wasm only: false runs the wasm kernels without the native ones (the comparison row). */
  native?: boolean;
}

/** One configuration, in this process: warm up two steps, then time `steps` more. */
async function run(o: RunOptions): Promise<RunResult> {
  const info = await initBackend({ backend: o.backend, threads: o.threads, native: o.native });
  const { trainer } = dcganBenchTrainer(o);
  const timing = await timeSteps(trainer, o.steps);
  const top = o.backend === 'wasm' || o.backend === 'cpu' ? profileKernels(() => trainer.trainStep()).slice(0, 6) : undefined;
  return {
    backend: o.backend,
    label: o.label,
    batch: o.batch,
    ch: o.ch,
    threads: info.threads,
    native: o.native,
    device: describeBackend(info).split('\n')[1].replace(/^device\s+/, ''),
    ...timing,
    top_kernels: top?.map((k) => ({ kernel: k.kernel, ms: round(k.ms) })),
  };
}


/** A BigGAN-32 configuration of the benchmark: width, image channels, and micro-batches per batch of 64. */
interface BigganOptions {
  backend: BackendName;
  ch: number;
  channels: number;
  /** Micro-batches the batch of 64 is split into (wasm's heap is at most 4 GB: the ch-64 tape needs a split). */
  micro: number;
  steps: number;
}

interface BigganResult {
  ms_per_step: number;
  ms_median: number;
  g_params: number;
  d_params: number;
  tensors_after_step2: number;
  tensors_after_last: number;
  top_kernels?: { kernel: string; ms: number }[];
}

/**
 * One BigGAN-32 training step (conditional, 10 classes, hinge loss, one D and one G update, Adam, no EMA or
 * orthogonal regularisation) at an effective batch of 64, as `biggan_torch.py` runs it.
 */
async function runBiggan(o: BigganOptions): Promise<BigganResult> {
  await initBackend({ backend: o.backend });
  const { trainer, g, d } = bigganBenchTrainer(o);
  const timing = await timeSteps(trainer, o.steps);
  // The tensor count is taken before profiling, which adds a step of its own.
  const top = o.backend === 'wasm' && o.ch <= 16 ? profileKernels(() => trainer.trainStep()).slice(0, 6) : undefined;
  return {
    ms_per_step: timing.ms_per_step,
    ms_median: timing.ms_median,
    g_params: parameterCount(g),
    d_params: parameterCount(d),
    tensors_after_step2: timing.tensors_after_step2,
    tensors_after_last: timing.tensors_after_last,
    top_kernels: top?.map((k) => ({ kernel: k.kernel, ms: round(k.ms) })),
  };
}

/** The BigGAN-32 widths the benchmark compares: the CPU preset's and the biggan32 preset's. */
const BIGGAN_WIDTHS = [
  { key: 'ch16', ch: 16, channels: 1 },
  { key: 'ch64', ch: 64, channels: 3 },
] as const;

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
function torchPeer(steps: number, script = 'dcgan_torch.py', args: string[] = []): { ms_per_step: number; ms_median: number; ms_min: number; torch: string; g_params?: number; d_params?: number; note?: string } | { error: string } {
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: 'python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)' };
  const file = path.join(__dirname, '..', '..', '..', 'test', 'bench', script);
  const r = spawnSync(python, [file, ...args, String(steps)], {
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
      console.log(JSON.stringify(await runBiggan(JSON.parse(args[1]) as BigganOptions)));
    } catch (e) {
      console.log(JSON.stringify({ error: (e as Error).message }));
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
      if (backend === 'wasm') {
        configs.push({ backend, label: 'wasm (no native kernels)', batch: 64, ch: 32, steps: Math.min(steps, 4), native: false });
        configs.push({ backend, label: 'wasm (1 thread)', batch: 64, ch: 32, steps: Math.min(steps, 3), threads: 1 });
      }
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

  // BigGAN-32 at both widths on the backends that run the DCGAN at full size (the stock cpu backend would take
  // hours), each beside the PyTorch peer of the same architecture, rounds alternating as above.
  const bigganSteps = Number(process.env.BENCH_BIGGAN_STEPS ?? 2);
  const biggan: Record<string, Record<string, BigganResult & { micro: number }>> = {};
  const bigganTorch: Record<string, { ms_median: number; g_params?: number; d_params?: number }> = {};
  const bigganRatio: Record<string, number | null> = {};
  if (bigganSteps > 0) {
    const backends = results.filter((x) => !x.error && x.batch === 64 && x.threads !== 1 && x.native !== false).map((x) => x.backend);
    for (const w of BIGGAN_WIDTHS) {
      console.log(`\nBigGAN-32 training step, ch ${w.ch}, ${w.channels} channel(s), batch 64, 10 classes; median of ${bigganSteps} timed step(s) after 2, best of ${rounds} round(s)\n`);
      for (let round = 0; round < rounds; round++) {
        for (const backend of backends) {
          // wasm's heap is at most 4 GB: the ch-64 tape at batch 64 needs two micro-batches.
          const micro = w.ch > 16 && (backend === 'wasm' || backend === 'cpu') ? 2 : 1;
          const o: BigganOptions = { backend, ch: w.ch, channels: w.channels, micro, steps: bigganSteps };
          const out = spawnSync(process.execPath, [__filename, '--biggan', JSON.stringify(o)], { encoding: 'utf8', timeout: 60 * 60_000 });
          try {
            const b = JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as BigganResult & { error?: string };
            if (b.error) throw new Error(b.error);
            const prev = (biggan[backend] ??= {})[w.key];
            if (!prev || b.ms_median < prev.ms_median) biggan[backend][w.key] = { ...b, micro };
          } catch (e) {
            if (round === 0) console.log(`${backend.padEnd(28)}${'-'.padStart(10)}  not run: ${(e as Error).message || out.stderr.slice(-300)}`);
          }
        }
        const t = torchPeer(bigganSteps, 'biggan_torch.py', [String(w.ch), String(w.channels)]);
        if ('ms_median' in t && (!bigganTorch[w.key] || t.ms_median < bigganTorch[w.key].ms_median)) bigganTorch[w.key] = t;
        else if (!('ms_median' in t) && round === 0) console.log(`${'pytorch (cpu, 2 threads)'.padEnd(28)}${'-'.padStart(10)}  not run: ${t.error}`);
      }
      for (const backend of backends) {
        const b = biggan[backend]?.[w.key];
        if (!b) continue;
        console.log(`${backend.padEnd(28)}${b.ms_median.toFixed(0).padStart(10)} ms/step  G ${b.g_params} / D ${b.d_params} parameters, ${b.micro} micro-batch(es), tensors ${b.tensors_after_step2} → ${b.tensors_after_last}`);
        if (b.top_kernels) console.log(`${''.padEnd(28)}top kernels: ${b.top_kernels.map((k) => `${k.kernel} ${k.ms} ms`).join(', ')}`);
      }
      const peer = bigganTorch[w.key];
      if (peer) console.log(`${'pytorch (cpu, 2 threads)'.padEnd(28)}${peer.ms_median.toFixed(0).padStart(10)} ms/step  G ${peer.g_params} / D ${peer.d_params} parameters`);
      const bestMs = Math.min(...backends.map((b) => biggan[b]?.[w.key]?.ms_median ?? Infinity));
      bigganRatio[w.key] = peer && Number.isFinite(bestMs) ? Math.round((bestMs / peer.ms_median) * 100) / 100 : null;
      const ours = backends.map((b) => biggan[b]?.[w.key]).find((b) => b);
      if (peer && ours && (ours.g_params !== peer.g_params || ours.d_params !== peer.d_params)) {
        console.log(`  MISMATCH: the PyTorch peer's parameter counts differ from this library's; the ratio compares different models`);
      }
    }
  }

  const full = results.filter((r) => !r.error && r.batch === 64 && r.threads !== 1 && r.native !== false);
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
          r.threads === 1 && r.backend === 'wasm' ? 'wasm_1thread' : r.native === false ? 'wasm_no_native' : r.backend,
          { ms_per_step: r.ms_median, ms_mean: r.ms_per_step, batch: r.batch, tensors_after_step2: r.tensors_after_step2, tensors_after_last: r.tensors_after_last },
        ]),
    ),
    torch_ms_per_step: torchMs,
    best_backend: best?.backend ?? null,
    // Medians of the timed steps on both sides: one slow step (a neighbour on the machine) moves neither.
    ratio_vs_torch: best && torchMs ? Math.round((best.ms_median / torchMs) * 100) / 100 : null,
    biggan32: biggan,
    biggan32_torch_ms_per_step: Object.fromEntries(Object.entries(bigganTorch).map(([k, v]) => [k, v.ms_median])),
    biggan32_ratio_vs_torch: bigganRatio,
  };
  console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
