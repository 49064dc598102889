/**
 * `npm run results -- --suite toy|images|biggan-ablation`: the README's results, made by the documented commands. Each entry is
 * `npm run train` then `npm run evaluate` on its run folder (both spawned exactly as a user would type them),
 * `--jobs` at a time. A finished run's scores go to a small record under results/scores/<suite>/, which is
 * committed: the toy and ablation suites take more hours than one sitting, run folders (checkpoints with optimiser
 * state) stay out of the repository, and the records are what lets the next sitting skip the finished runs. The
 * Markdown table, built from the records alone, goes to results/<suite>.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliArgs, numberFlag, runMain } from './args';
import { resolveConfig } from '../run/config';
import { RunFolder } from '../run/runFolder';
import { recordPath, settingsMismatch, writeRecord, type RunRecord } from '../run/scoreRecords';
import { FULL_LENGTH, judgeRecord, scoresDir, suiteEntries, suiteQueue, trainArgs, type SuiteEntry } from '../run/suites';
import { runWorkQueue } from '../run/workQueue';
import { suiteMarkdownTable, type SuiteRecords } from '../run/suiteMarkdownTable';
import { writeSection } from './readmeSection';
import { lineChart } from '../viz/figures';
import { figurePng } from '../viz/figurePng';

/** The commands running now, so that a failure in one worker can stop the others' (see the workers below). */
const running = new Set<ChildProcess>();

function run(args: string[], log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, 'a');
    fs.writeSync(out, `$ node ${args.join(' ')}\n`);
    const p = spawn(process.execPath, args, { stdio: ['ignore', out, out], env: process.env });
    running.add(p);
    const done = (error?: Error) => {
      running.delete(p);
      fs.closeSync(out);
      if (error) reject(error);
      else resolve();
    };
    p.on('error', (e) => done(new Error(`node ${args.join(' ')} could not start: ${e.message}`)));
    p.on('exit', (code, signal) => done(code === 0 ? undefined : new Error(`node ${args.join(' ')} failed (${signal ? `stopped by ${signal}` : `exit ${code}`}); see ${log}`)));
  });
}

/** One run's mode coverage over training, by step: a curve of the toy suite's. */
interface Curve {
  label: string;
  at: Map<number, NonNullable<RunRecord['coverage']>[number]>;
}

/**
 * For the toy suite: seed 0 of every config recorded so far over training (or the runs at PacGAN's full length),
 * from the coverage its snapshots wrote — the high-quality fraction sharpens long after the modes are found, and
 * this shows how far each row got. A column for every config would be mostly empty mid-suite.
 */
function seedZeroCurves(records: SuiteRecords, fullLength: boolean): Curve[] {
  const seed0 = [...records.keys()].filter((e) => e.seed === 0 && e.row.endsWith(FULL_LENGTH) === fullLength && records.get(e)?.coverage?.length);
  // A resumed run may have logged a step twice: the last line for a step wins.
  return seed0.map((e) => ({ label: e.label, at: new Map((records.get(e)?.coverage ?? []).map((r) => [r.step, r])) }));
}

const curveTitle = (fullLength: boolean) => (fullLength ? "The runs at PacGAN's full length over training" : 'Seed 0 over training');

function curveTable(curves: Curve[], fullLength: boolean): string {
  const steps = [...new Set(curves.flatMap((c) => [...c.at.keys()]))].sort((a, b) => a - b);
  if (steps.length === 0) return '';
  const head = `| step | ${curves.map((c) => c.label).join(' | ')} |`;
  const rule = `|---|${curves.map(() => '---').join('|')}|`;
  const body = steps.map((st) => `| ${st} | ${curves.map((c) => {
    const r = c.at.get(st);
    return r ? `${(100 * r.highQualityFraction).toFixed(0)}% · ${r.modesCovered} · ${r.klFromUniform.toFixed(2)}` : '';
  }).join(' | ')} |`);
  // The snapshots draw one fixed set of latents and the final score another, so a run's last row can differ from
  // its score in the table above by a draw's noise: the heading says so, lest a reader take it for a discrepancy.
  const what = 'high-quality % · modes covered · reverse KL of 2,500 samples from fixed latents at each snapshot';
  const note = 'a separate draw from the final scores above, so the last row can differ from them a little';
  return [`${curveTitle(fullLength)} (${what}; ${note}):`, '', head, rule, ...body].join('\n');
}

/** The same curves' high-quality fraction as a still chart (results/toy-hq*.png, which the README shows). */
function writeCurveChart(curves: Curve[], fullLength: boolean, file: string): void {
  if (curves.length === 0) return;
  const series = curves.map((c) => {
    const steps = [...c.at.keys()].sort((x, y) => x - y);
    return { name: c.label, x: steps, y: steps.map((st) => 100 * c.at.get(st)!.highQualityFraction) };
  });
  const png = figurePng(lineChart(series, { title: `${curveTitle(fullLength)}: samples within 3σ of a mode`, xTitle: 'step', yTitle: 'high quality %' }));
  if (png) fs.writeFileSync(file, png);
}

runMain(async () => {
  const a = cliArgs('results', {
    suite: { type: 'string', help: "toy (PacGAN's protocol: 7 configs × 10 seeds, then 2 at its full length), images (WGAN-GP, SNGAN, BigGAN on Fashion-MNIST) or biggan-ablation (BigGAN's tricks one at a time, 2 seeds; 3 for rows 3 and 4)", default: 'toy' },
    jobs: { type: 'string', help: 'runs at a time (each with GAN_WASM_THREADS = cores / jobs)', default: '1' },
    steps: { type: 'string', help: "override every run's step count" },
    'table-only': { type: 'boolean', help: 'only rebuild the table from the records in results/scores/<suite>/' },
  });
  const entries = suiteEntries(a.suite!, a.steps ? numberFlag('steps', a.steps, 0) : undefined);
  const jobs = numberFlag('jobs', a.jobs, 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs ${a.jobs}: runs at a time must be a whole number ≥ 1`);
  if (!a['table-only']) {
    process.env.GAN_WASM_THREADS ??= String(Math.max(1, Math.floor(require('node:os').cpus().length / jobs)));
    // Every entry is checked before any trains: with --jobs 2, a refusal found by one worker mid-suite would leave
    // the other's run going on alone after the command has failed.
    const refusals: string[] = [];
    const queue = suiteQueue(entries).filter((e) => {
      const { record, differ } = judgeRecord(a.suite!, e);
      if (record) {
        if (differ.length) refusals.push(`${recordPath(scoresDir(a.suite!), e.out)} was made otherwise than ${[e.config, ...trainArgs(e)].join(' ')} trains now (${differ.join('; ')}): delete it and ${e.out} to redo that run (or, if a config changed, undo that change)`);
        return false;
      }
      const folder = new RunFolder(e.out);
      if (folder.hasCheckpoint()) {
        // A resumed run trains on with the settings it started with, whatever its config says now.
        const changed = settingsMismatch(folder.readConfig(), resolveConfig(e.config, e.overrides));
        if (changed.length) refusals.push(`${e.out} started with other settings than ${e.config} gives now (${changed.join('; ')}): delete ${e.out} to start that run again, or undo the config's change`);
      }
      return true;
    });
    if (refusals.length) throw new Error(refusals.join('\n'));
    const runEntry = async (e: SuiteEntry) => {
      const folder = new RunFolder(e.out);
      fs.mkdirSync(e.out, { recursive: true });
      const log = path.join(e.out, 'results.log');
      const t0 = Date.now();
      if (!fs.existsSync(path.join(e.out, 'eval.json'))) {
        const resume = folder.hasCheckpoint();
        await run(['build/lib/cli/train.js', ...(resume ? ['--resume'] : ['--config', e.config]), '--out', e.out, ...trainArgs(e)], log);
        await run(['build/lib/cli/evaluate.js', '--checkpoint', e.out, ...e.evalArgs], log);
      }
      if (e.rawToo && !fs.existsSync(path.join(e.out, 'eval-raw.json'))) {
        await run(['build/lib/cli/evaluate.js', '--checkpoint', e.out, '--raw', '--n', '10000', '--json', path.join(e.out, 'eval-raw.json')], log);
      }
      writeRecord(scoresDir(a.suite!), e.out, e.config, trainArgs(e), e.evalArgs);
      console.log(`${e.out}: ${((Date.now() - t0) / 1000).toFixed(0)} s, scores in ${recordPath(scoresDir(a.suite!), e.out)}`);
    };
    // A failed run stops the other (with --jobs 2) by SIGTERM, on which train.js writes a checkpoint to resume from.
    await runWorkQueue(queue, { jobs, work: runEntry, onFailure: () => running.forEach((p) => p.kill('SIGTERM')) });
  }
  // The tables hold only records that stand for what the suite trains now; others are named, not shown.
  const records: SuiteRecords = new Map(entries.map((e) => {
    const { record, differ } = judgeRecord(a.suite!, e);
    if (differ.length) console.warn(`left out of the table: ${recordPath(scoresDir(a.suite!), e.out)} (${differ.join('; ')})`);
    return [e, differ.length ? undefined : record];
  }));
  if (![...records.values()].some(Boolean)) {
    console.log(`no finished runs recorded in ${scoresDir(a.suite!)} yet: results/${a.suite}.md is left as it is`);
    return;
  }
  const curves = a.suite === 'toy' ? [false, true].map((full) => ({ full, curves: seedZeroCurves(records, full) })) : [];
  for (const c of curves) writeCurveChart(c.curves, c.full, path.join('results', c.full ? 'toy-hq-full-length.png' : 'toy-hq.png'));
  const md = [suiteMarkdownTable(records), ...curves.map((c) => curveTable(c.curves, c.full))].filter((x) => x).join('\n\n');
  fs.mkdirSync('results', { recursive: true });
  fs.writeFileSync(path.join('results', `${a.suite}.md`), md + '\n');
  if (writeSection('README.md', `results/${a.suite}.md`, md)) console.log(`README.md: its results/${a.suite}.md section rewritten`);
  console.log(md);
});
