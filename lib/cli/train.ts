import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, describeBackend, type BackendName } from '../backend';
import { resolveConfig, type RunConfig } from '../run/config';
import { buildTrainer, completeArch, loadRunData } from '../run/build';
import { RunFolder } from '../run/runFolder';
import { takeSnapshot } from '../run/snapshot';
import type { StepStats } from '../train/trainer';
import { cliArgs, numberFlag, runMain } from './args';

const duration = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`);

/** One status line: step, bar, it/s, losses, ETA. */
function progress(s: StepStats, steps: number, itPerSec: number): string {
  const width = 24;
  const done = Math.round((width * s.step) / steps);
  return `step ${s.step}/${steps} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${itPerSec.toFixed(2)} it/s  D ${s.dLoss.toFixed(4)}  G ${s.gLoss.toFixed(4)}  ETA ${duration((steps - s.step) / Math.max(itPerSec, 1e-9))}`;
}

/**
 * `npm run train -- --config <preset|file.json> [--out runs/NAME] [--resume] [--steps N] [--quiet]`: trains with the library's
 * Trainer and keeps everything in the run folder. Ctrl-C finishes the current step, writes a checkpoint and exits.
 */
runMain(async () => {
  const a = cliArgs('train', {
    config: { type: 'string', help: 'a preset (toy-ring, toy-grid, dcgan, wgan, wgan-gp, sngan, biggan32, biggan32-cpu, biggan64, biggan128) or a JSON file' },
    out: { type: 'string', help: 'run folder (default runs/<preset>)' },
    resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint' },
    steps: { type: 'string', help: 'train until this many G updates (overrides the config)' },
    seed: { type: 'string', help: 'seed of weights, latents and batches' },
    data: { type: 'string', help: 'data set (overrides the config): ring8, grid25, fashion-mnist, mnist, cifar10, folder:<path>' },
    backend: { type: 'string', help: 'tensorflow, webgpu, wasm or cpu (default: the fastest available)' },
    quiet: { type: 'boolean', help: 'leave out the backend report (progress and the result are still printed)' },
  });
  const overrides: Partial<RunConfig> = {};
  if (a.steps !== undefined) overrides.steps = numberFlag('steps', a.steps, 0);
  if (a.seed !== undefined) overrides.seed = numberFlag('seed', a.seed, 0);
  if (a.data !== undefined) overrides.data = a.data;

  let cfg: RunConfig;
  let folder: RunFolder;
  if (a.resume) {
    if (!a.out) throw new Error('--resume needs --out: the run folder to continue');
    folder = new RunFolder(a.out);
    if (!folder.hasCheckpoint()) throw new Error(`${a.out} has no checkpoint to resume from; start it without --resume`);
    cfg = { ...folder.readConfig(), ...overrides };
    if (a.config) console.log(`(--resume uses ${folder.configFile}; --config ${a.config} is ignored)`);
  } else {
    if (!a.config) throw new Error('--config is required: a preset name or a JSON file (npm run train -- --help lists the presets)');
    cfg = resolveConfig(a.config, overrides);
    folder = new RunFolder(a.out ?? path.join('runs', cfg.preset));
    if (folder.hasCheckpoint()) throw new Error(`${folder.dir} already holds a run's checkpoint: continue it with --resume, or pass another --out (nothing was overwritten)`);
  }

  folder.claim();

  const backend = await initBackend({ backend: a.backend as BackendName | undefined });
  if (!a.quiet) console.log(describeBackend(backend));
  const data = await loadRunData(cfg);
  cfg = completeArch(cfg, data);
  const { trainer, g, gEma } = buildTrainer(cfg, data);
  if (a.resume) {
    trainer.load(folder.checkpointDir);
    console.log(`resumed ${folder.dir} at step ${trainer.step}`);
  }
  folder.writeConfig(cfg);
  if (data.kind === 'images') folder.writeDataInfo({ data: cfg.data, classNames: data.train.classNames, examples: data.train.images.shape[0] });
  if (!a.resume) await trainer.saveAsync(folder.checkpointDir);

  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\ninterrupted: finishing this step and writing a checkpoint (Ctrl-C again to quit without one)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tty = process.stderr.isTTY;
  let pending: StepStats[] = [];
  const t0 = performance.now();
  const startStep = trainer.step;
  const snapshot = async () => {
    fs.mkdirSync(path.dirname(folder.samplePath(trainer.step)), { recursive: true });
    const shot = await takeSnapshot(gEma ?? g, cfg, data);
    fs.writeFileSync(folder.samplePath(trainer.step), shot.png);
    if (shot.coverage) folder.appendCoverage(trainer.step, shot.coverage);
  };
  const flush = () => {
    folder.appendLog(pending);
    pending = [];
    folder.writeDashboard(`${cfg.preset} — ${folder.dir}`);
  };
  while (trainer.step < cfg.steps && !stop) {
    let s: StepStats;
    try {
      // Asynchronous reads: the same numbers on cpu and wasm, and the only way to read back on webgpu.
      s = await trainer.trainStepAsync();
    } catch (e) {
      // A diverged or failed step: keep the log up to it; the checkpoint on disk is the last good state.
      flush();
      throw e;
    }
    if (s.step % cfg.logEvery === 0 || s.step === cfg.steps) pending.push(s);
    const rate = (trainer.step - startStep) / ((performance.now() - t0) / 1000);
    if (tty) process.stderr.write(`\r${progress(s, cfg.steps, rate)}`);
    else if (s.step % (cfg.logEvery * 10) === 0 || s.step === cfg.steps) console.log(progress(s, cfg.steps, rate));
    if (s.step % cfg.sampleEvery === 0 || s.step === cfg.steps) {
      await snapshot();
      flush();
    }
    if (s.step % cfg.checkpointEvery === 0) await trainer.saveAsync(folder.checkpointDir);
    // Let a pending Ctrl-C be seen between steps (on cpu and wasm the step never yields to the event loop).
    await new Promise((r) => setImmediate(r));
  }
  await trainer.saveAsync(folder.checkpointDir);
  flush();
  if (tty) process.stderr.write('\n');
  if (stop) {
    console.log(`stopped at step ${trainer.step}; checkpoint in ${folder.checkpointDir}. Continue with: npm run train -- --out ${folder.dir} --resume`);
    process.exit(130);
  }
  console.log(`done: ${trainer.step} steps in ${duration((performance.now() - t0) / 1000)}; run folder ${folder.dir} (samples/, log.csv, dashboard.html, checkpoint/)`);
});
