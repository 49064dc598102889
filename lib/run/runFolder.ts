import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModeCoverage } from '../metrics/modeCoverage';
import type { StepStats } from '../train/trainer';
import { lineChart } from '../viz/figures';
import { writeFiguresHtml } from '../viz/html';
import type { RunConfig } from './config';

/** PacGAN's scores of a toy run's samples at one snapshot, as coverage.jsonl holds them. */
export type CoveragePoint = ModeCoverage & { step: number };

function readJsonLines<T>(file: string): T[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T) : [];
}

/** Whether a process with this id runs (one of another user's counts: signalling it is refused, not absent). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A training run on disk: config.json (complete, so the models rebuild from it alone), checkpoint/ (the last
 * good state), samples/ (sheets every N steps), log.jsonl and log.csv (one row per logged step), for toy runs
 * coverage.jsonl (PacGAN's scores at every snapshot), dashboard.html, and train.pid while a process trains it.
 */
export class RunFolder {
  constructor(readonly dir: string) {}

  get configFile(): string {
    return path.join(this.dir, 'config.json');
  }
  get checkpointDir(): string {
    return path.join(this.dir, 'checkpoint');
  }
  samplePath(step: number, ext = 'png'): string {
    return path.join(this.dir, 'samples', `step-${String(step).padStart(6, '0')}.${ext}`);
  }
  hasCheckpoint(): boolean {
    return fs.existsSync(path.join(this.checkpointDir, 'checkpoint.json'));
  }

  writeConfig(cfg: RunConfig): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(this.configFile, JSON.stringify(cfg, null, 2) + '\n');
  }

  /** The config a run was trained with; the error says what to pass when the folder is not a run. */
  readConfig(): RunConfig {
    if (!fs.existsSync(this.configFile)) throw new Error(`${this.dir} is not a run folder (no config.json): pass the --out folder of \`npm run train\``);
    return JSON.parse(fs.readFileSync(this.configFile, 'utf8')) as RunConfig;
  }

  /**
   * Marks the folder as being trained by this process (train.pid, removed when it exits), and refuses when another
   * live process holds it: two trainers writing one checkpoint would leave neither run (a suite and a run resumed
   * by hand can reach the same folder). A mark left by a process that has ended without removing it is taken over.
   */
  claim(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, 'train.pid');
    const mine = String(process.pid);
    for (;;) {
      try {
        fs.writeFileSync(file, mine, { flag: 'wx' });
        process.on('exit', () => {
          if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file);
        });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = fs.readFileSync(file, 'utf8').trim();
      if (holder === mine) return;
      if (/^\d+$/.test(holder) && processAlive(Number(holder))) {
        throw new Error(`${this.dir} is being trained by process ${holder}: wait for it to finish, or stop it with \`kill -TERM ${holder}\` (it writes a checkpoint) and resume the run; if no run is going on there, delete ${file}`);
      }
      fs.rmSync(file, { force: true });
    }
  }

  /** What the run trained on (class names for samplers and exports). */
  writeDataInfo(info: { data: string; classNames: string[]; examples: number }): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'data.json'), JSON.stringify(info, null, 2) + '\n');
  }

  readDataInfo(): { data: string; classNames: string[]; examples: number } | undefined {
    const file = path.join(this.dir, 'data.json');
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  }

  /** Appends logged steps to log.jsonl and log.csv (a header is written once). */
  appendLog(rows: StepStats[]): void {
    if (rows.length === 0) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const csv = path.join(this.dir, 'log.csv');
    // A resumed run keeps its file's columns (an older version may have logged fewer statistics; log.jsonl has all).
    let keys = Object.keys(rows[0]) as (keyof StepStats)[];
    if (fs.existsSync(csv)) keys = fs.readFileSync(csv, 'utf8').split('\n', 1)[0].split(',') as (keyof StepStats)[];
    else fs.writeFileSync(csv, keys.join(',') + '\n');
    fs.appendFileSync(csv, rows.map((r) => keys.map((k) => r[k]).join(',')).join('\n') + '\n');
    fs.appendFileSync(path.join(this.dir, 'log.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  readLog(): StepStats[] {
    return readJsonLines<StepStats>(path.join(this.dir, 'log.jsonl'));
  }

  /** Appends a toy snapshot's PacGAN scores to coverage.jsonl: coverage and sample quality over training. */
  appendCoverage(step: number, coverage: ModeCoverage): void {
    fs.appendFileSync(path.join(this.dir, 'coverage.jsonl'), JSON.stringify({ step, ...coverage }) + '\n');
  }

  /** The scores of every toy snapshot, in the order logged (a resumed run may have logged a step twice). */
  readCoverage(): CoveragePoint[] {
    return readJsonLines<CoveragePoint>(path.join(this.dir, 'coverage.jsonl'));
  }

  /** Rewrites dashboard.html from the whole log: losses, regularisers and step time. */
  writeDashboard(title: string): void {
    const log = this.readLog();
    const step = log.map((r) => r.step);
    const figures = [
      lineChart([{ name: 'D loss', x: step, y: log.map((r) => r.dLoss) }, { name: 'G loss', x: step, y: log.map((r) => r.gLoss) }], { title: 'Losses', xTitle: 'step' }),
      lineChart(
        [
          { name: 'D penalty', x: step, y: log.map((r) => r.penalty) },
          { name: 'G ortho reg', x: step, y: log.map((r) => r.ortho) },
          // Runs logged before mode seeking or the entropy term existed have no such field: 0, as the term was.
          { name: 'G mode seeking', x: step, y: log.map((r) => r.modeSeeking ?? 0) },
          { name: 'G entropy', x: step, y: log.map((r) => r.entropy ?? 0) },
        ],
        { title: 'Regularisers', xTitle: 'step' },
      ),
      lineChart([{ name: 'ms per step', x: step, y: log.map((r) => r.ms) }], { title: 'Step time', xTitle: 'step', yTitle: 'ms' }),
    ];
    writeFiguresHtml(path.join(this.dir, 'dashboard.html'), figures, title);
  }
}
