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

function readIfThere(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Whether a mark names a live trainer: a running process (EPERM: it exists but is another user's) that, where
 * /proc tells, is Node.js — a killed run's id may since belong to anything. Not a process id at all: no trainer.
 */
function trainerAlive(mark: string): boolean {
  if (!/^[1-9]\d{0,9}$/.test(mark) || Number(mark) > 2 ** 31 - 1) return false;
  try {
    process.kill(Number(mark), 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!fs.existsSync('/proc/self/cmdline')) return true;
  try {
    return /node/.test(fs.readFileSync(`/proc/${mark}/cmdline`, 'utf8'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
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
   * Marks the folder as being trained by this process (train.pid) and refuses when another live trainer holds it:
   * two trainers writing one checkpoint would leave neither run, and the suite and a run resumed by hand beside it
   * can reach the same folder. The mark goes at exit (not after SIGKILL or a crash); a mark left so, naming a process
   * that has ended or is no Node.js process (its id reused), is taken over.
   */
  claim(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, 'train.pid');
    const mine = String(process.pid);
    // Written aside and linked into place: the mark appears whole or not at all, and of two trainers starting at
    // once only one link succeeds.
    const draft = `${file}.${mine}`;
    fs.writeFileSync(draft, mine);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          fs.linkSync(draft, file);
          // Only this process's own mark: a killed run's successor may hold the file by then.
          process.on('exit', () => {
            if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file);
          });
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const holder = readIfThere(file);
        if (holder === undefined) continue;
        if (holder === mine) return;
        if (trainerAlive(holder)) {
          throw new Error(`${this.dir} appears to be trained by process ${holder} (\`ps -p ${holder} -o args\` shows it): wait for it to finish, or stop it with \`kill -TERM ${holder}\` (it writes a checkpoint) and resume the run; if no run is going on there, delete ${file}`);
        }
        // Left by a run that ended without removing it. Moved aside before it is deleted, so that of two trainers
        // taking it over at once, the second cannot delete the first's new mark: it finds that mark in its hands
        // and puts it back.
        const aside = `${file}.stale.${mine}`;
        try {
          fs.renameSync(file, aside);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        if (fs.readFileSync(aside, 'utf8').trim() !== holder) {
          try {
            fs.linkSync(aside, file);
          } catch {
            // Someone claimed the folder meanwhile: the next attempt reads their mark.
          }
        }
        fs.rmSync(aside, { force: true });
      }
      throw new Error(`${file} kept changing while this process tried to mark ${this.dir} as its run: is another trainer starting there?`);
    } finally {
      fs.rmSync(draft, { force: true });
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
