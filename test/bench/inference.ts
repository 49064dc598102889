/**
 * `npm run bench:inference`: generation time per image for the kit's generators on this machine's CPU — TF.js's
 * pure-JS cpu backend, wasm, wasm with the native oneDNN convolutions, and the same G exported to ONNX and run by
 * onnxruntime-node (each TF.js configuration in its own process; ONNX Runtime beside the wasm G it was exported
 * from, so the outputs are compared too); then, where Chromium is installed, the same G in the browser: TF.js on
 * WebGL/WebGPU against onnxruntime-web on wasm/WebGPU (test/bench/browser/page.ts). Prints tables, then as the
 * last line one JSON object with the figures.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { chromium } from 'playwright-core';
import { tf, initBackend, generatorFor, type BackendName, type ModelKind } from '../../lib';
import { bundlePage, serveFolder } from '../../lib/export/demoSite';
import { exportGenerator } from '../../lib/export/exportGenerator';
import { generatorToOnnx } from '../../lib/export/onnx';
import type { RunConfig } from '../../lib/run/config';
import { freePort } from '../browser/freePort';
import { maxAbsDiff } from '../helpers';
import { medianTime } from './timing';

/** The generators timed: the CPU BigGAN preset's and the DCGAN preset's. */
const MODELS: Record<string, { kind: ModelKind; arch: Record<string, unknown> }> = {
  'biggan32-cpu': { kind: 'biggan', arch: { resolution: 32, ch: 16, zDim: 128, channels: 1, classes: 10, seed: 1 } },
  dcgan32: { kind: 'dcgan', arch: { resolution: 32, ch: 32, zDim: 100, channels: 1, seed: 1 } },
};

interface Config {
  label: string;
  backend: BackendName;
  native?: boolean;
  /** Also time the ONNX export of this G in ONNX Runtime, and compare its outputs. */
  onnx?: boolean;
}

const CONFIGS: Config[] = [
  { label: 'tfjs cpu (pure JS)', backend: 'cpu' },
  { label: 'tfjs wasm', backend: 'wasm', native: false },
  { label: 'tfjs wasm + native oneDNN', backend: 'wasm', native: true, onnx: true },
];

type Row = { label: string; model: string; batch: number; ms_per_batch: number; ms_per_image: number; max_abs_diff?: number; note?: string };

async function child(c: Config, batches: number[], reps: number): Promise<Row[]> {
  await initBackend({ backend: c.backend, native: c.native });
  const rows: Row[] = [];
  for (const [name, m] of Object.entries(MODELS)) {
    const g = generatorFor(m.kind, m.arch).eval();
    const classes = Number(m.arch.classes ?? 0);
    const session = c.onnx ? await ort.InferenceSession.create(generatorToOnnx(g), { intraOpNumThreads: os.availableParallelism(), interOpNumThreads: 1 }) : null;
    for (const batch of batches) {
      const z = tf.randomNormal([batch, g.cfg.zDim], 0, 1, 'float32', 3) as tf.Tensor2D;
      const y = classes ? (tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32') as tf.Tensor1D) : undefined;
      const ms = await medianTime(c.backend === 'cpu' ? 1 : reps, async () => {
        const out = g.apply(z, y);
        await out.data();
        out.dispose();
      });
      rows.push({ label: c.label, model: name, batch, ms_per_batch: ms, ms_per_image: ms / batch });
      if (session) {
        const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z.dataSync() as Float32Array, z.shape) };
        if (y) feeds.y = new ort.Tensor('int32', y.dataSync() as Int32Array, [batch]);
        const ortMs = await medianTime(reps, async () => void (await session.run(feeds)));
        const ref = g.apply(z, y);
        const { samples } = await session.run(feeds);
        const diff = maxAbsDiff(samples.data as Float32Array, ref.dataSync());
        ref.dispose();
        rows.push({ label: `onnxruntime-node cpu (${os.availableParallelism()} threads)`, model: name, batch, ms_per_batch: ortMs, ms_per_image: ortMs / batch, max_abs_diff: diff });
      }
      tf.dispose([z, ...(y ? [y] : [])]);
    }
    await session?.release();
    g.dispose();
  }
  return rows;
}

/** Batch sizes timed in the browser: the kit's CPU rows use 1 and 64, but SwiftShader needs minutes for 64. */
const BROWSER_BATCHES = [1, 8];
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const ROOT = path.resolve(__dirname, '..', '..', '..');

type BrowserResult = { rows: { runtime: string; batch: number; ms_per_batch: number; max_abs_diff?: number }[]; notes: string[]; gpu: string };

/** The biggan32-cpu G in Chromium: exported both ways, served cross-origin isolated (wasm threads), timed by the page. */
async function browserRows(): Promise<BrowserResult> {
  await initBackend({ backend: 'cpu' });
  const m = MODELS['biggan32-cpu'];
  const g = generatorFor(m.kind, m.arch).eval();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-browser-'));
  const cfg = { model: m.kind, arch: m.arch, seed: Number(m.arch.seed) - 1, preset: 'biggan32-cpu (untrained)' } as unknown as RunConfig;
  exportGenerator({ g, cfg, step: 0, which: 'raw' }, path.join(site, 'model'));
  fs.writeFileSync(path.join(site, 'model', 'generator.onnx'), generatorToOnnx(g));
  await bundlePage(path.join(ROOT, 'test', 'bench', 'browser', 'page.ts'), path.join(site, 'page.js'));
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>inference bench</title><link rel="icon" href="data:,"><script src="page.js"></script>');
  const dist = path.join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
  fs.mkdirSync(path.join(site, 'ort'));
  for (const f of fs.readdirSync(dist).filter((f) => /^ort-wasm.*\.(wasm|mjs)$/.test(f))) fs.copyFileSync(path.join(dist, f), path.join(site, 'ort', f));
  const port = await freePort();
  const server = await serveFolder(site, port, { crossOriginIsolated: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.error(`page: ${m.text()}`));
    await page.goto(`http://127.0.0.1:${port}/?batches=${BROWSER_BATCHES.join(',')}&reps=5`);
    await page.waitForFunction(() => document.body.dataset.result != null || document.body.dataset.error != null, null, { timeout: Number(process.env.BENCH_BROWSER_TIMEOUT_S ?? 900) * 1000 });
    const error = await page.evaluate(() => document.body.dataset.error ?? null);
    if (error) throw new Error(error);
    const gpu = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl');
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'no WebGL';
    });
    return { ...(JSON.parse((await page.evaluate(() => document.body.dataset.result)) ?? '{}') as Omit<BrowserResult, 'gpu'>), gpu };
  } finally {
    await browser.close();
    server.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--browser') {
    try {
      console.log(JSON.stringify(await browserRows()));
    } catch (e) {
      console.log(JSON.stringify({ error: (e as Error).message }));
    }
    return;
  }
  const batches = [1, 64];
  const reps = Number(process.env.BENCH_REPS ?? 7);
  if (args[0] === '--child') {
    try {
      console.log(JSON.stringify(await child(JSON.parse(args[1]) as Config, batches, reps)));
    } catch (e) {
      console.log(JSON.stringify({ error: (e as Error).message }));
    }
    return;
  }
  const rows: Row[] = [];
  for (const c of CONFIGS) {
    const r = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(c)], { encoding: 'utf8', timeout: 20 * 60_000 });
    try {
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Row[] | { error: string };
      if (!Array.isArray(out)) throw new Error(out.error);
      rows.push(...out);
    } catch (e) {
      console.log(`${c.label}: not run: ${(e as Error).message || r.stderr.slice(-300)}`);
    }
  }
  console.log(`\nGeneration on ${os.cpus()[0]?.model ?? 'this CPU'} (${os.availableParallelism()} threads), median of ${reps} runs (cpu: 1) after a warm-up\n`);
  console.log(`${'runtime'.padEnd(36)}${'model'.padEnd(14)}${'batch'.padStart(6)}${'ms/batch'.padStart(11)}${'ms/image'.padStart(10)}  max |Δ| vs TF.js`);
  for (const r of rows) {
    const diff = r.max_abs_diff == null ? '' : `  ${r.max_abs_diff.toExponential(1)}`;
    console.log(`${r.label.padEnd(36)}${r.model.padEnd(14)}${String(r.batch).padStart(6)}${r.ms_per_batch.toFixed(1).padStart(11)}${r.ms_per_image.toFixed(2).padStart(10)}${diff}`);
  }
  const ratio = (model: string, batch: number) => {
    const find = (prefix: string) => rows.find((r) => r.model === model && r.batch === batch && r.label.startsWith(prefix));
    const a = find('onnxruntime');
    const b = find('tfjs wasm + native');
    return a && b ? Math.round((b.ms_per_batch / a.ms_per_batch) * 100) / 100 : null;
  };
  let browser: BrowserResult | { error: string } = { error: 'Chromium is not installed (apt-get install chromium)' };
  if (CHROMIUM) {
    const r = spawnSync(process.execPath, [__filename, '--browser'], { encoding: 'utf8', timeout: 20 * 60_000 });
    try {
      browser = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as BrowserResult | { error: string };
    } catch {
      browser = { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
    }
  }
  if ('rows' in browser) {
    console.log(`\nbiggan32-cpu in headless Chromium (WebGL renderer: ${browser.gpu}), median of 5 runs after a warm-up\n`);
    console.log(`${'runtime'.padEnd(36)}${'batch'.padStart(6)}${'ms/batch'.padStart(11)}${'ms/image'.padStart(10)}  max |Δ| vs TF.js`);
    for (const r of browser.rows) {
      const diff = r.max_abs_diff == null ? '' : `  ${r.max_abs_diff.toExponential(1)}`;
      console.log(`${r.runtime.padEnd(36)}${String(r.batch).padStart(6)}${r.ms_per_batch.toFixed(1).padStart(11)}${(r.ms_per_batch / r.batch).toFixed(2).padStart(10)}${diff}`);
    }
    for (const n of browser.notes) console.log(`  not run: ${n}`);
  } else {
    console.log(`\nbrowser: not run: ${browser.error}`);
  }
  const summary = {
    browser,
    rows: rows.map((r) => ({ ...r, ms_per_batch: Math.round(r.ms_per_batch * 100) / 100, ms_per_image: Math.round(r.ms_per_image * 1000) / 1000 })),
    // How many times faster ONNX Runtime generates than the kit's fastest CPU path, measured side by side.
    ort_speedup_vs_wasm_native: Object.fromEntries(Object.keys(MODELS).flatMap((m) => batches.map((b) => [`${m}@${b}`, ratio(m, b)]))),
  };
  console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
