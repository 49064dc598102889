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
import { recordPath, writeRecord } from '../run/scoreRecords';
import { planSuite, setAsideEarlierScores } from '../run/suitePlan';
import { curveTable, curveTitle, seedZeroCurves, type Curve } from '../run/suiteCurves';
import { judgeRecord, scoresDir, suiteEntries, trainArgs, type SuiteEntry } from '../run/suites';
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

/** The same curves' high-quality fraction as a still chart (results/toy-hq*.png, which the README shows). */
function writeCurveChart(curves: Curve[], fullLength: boolean, file: string): void {
  if (curves.length === 0) return;
  const series = curves.map((c) => {
    const steps = [...c.at.keys()].sort((x, y) => x - y);
    // The chart's title names the full length: the legend keeps only the config, which fits beside the plot.
    return { name: c.config, x: steps, y: steps.map((st) => 100 * c.at.get(st)!.highQualityFraction) };
  });
  const png = figurePng(lineChart(series, { title: `${curveTitle(fullLength)}: samples within 3σ of a mode`, xTitle: 'step (log scale)', yTitle: 'high quality %', logX: true }));
  if (png) fs.writeFileSync(file, png);
}

runMain(async () => {
  const a = cliArgs('results', {
    suite: { type: 'string', help: "toy (PacGAN's protocol: 7 configs × 10 seeds, then 2 at its full length), images (WGAN-GP, SNGAN, BigGAN on Fashion-MNIST) or biggan-ablation (BigGAN's tricks one at a time, 2 seeds; 3 for rows 3 and 4)", default: 'toy' },
    jobs: { type: 'string', help: 'runs at a time (each with GAN_WASM_THREADS = cores / jobs)', default: '1' },
    steps: { type: 'string', help: "override every run's step count" },
    'table-only': { type: 'boolean', help: 'only rebuild the table from the records in results/scores/<suite>/' },
  });
  const entries = suiteEntries(a.suite!, { steps: a.steps ? numberFlag('steps', a.steps, 0) : undefined });
  const jobs = numberFlag('jobs', a.jobs, 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs ${a.jobs}: runs at a time must be a whole number ≥ 1`);
  if (!a['table-only']) {
    process.env.GAN_WASM_THREADS ??= String(Math.max(1, Math.floor(require('node:os').cpus().length / jobs)));
    const { queue, raised, refusals } = planSuite(a.suite!, entries);
    if (refusals.length) throw new Error(refusals.join('\n'));
    const runEntry = async (e: SuiteEntry) => {
      const folder = new RunFolder(e.out);
      fs.mkdirSync(e.out, { recursive: true });
      const log = path.join(e.out, 'results.log');
      const t0 = Date.now();
      const budget = raised.get(e);
      // Scores of a shorter run (its budget raised since) are set aside by the step they were made at, however the
      // run got longer (here, or by a resume at the command line): a record is made at the run's full length.
      setAsideEarlierScores(e.out, resolveConfig(e.config, e.overrides).steps);
      if (!fs.existsSync(path.join(e.out, 'eval.json'))) {
        const resume = folder.hasCheckpoint();
        await run(['build/lib/cli/train.js', ...(resume ? ['--resume'] : ['--config', e.config]), '--out', e.out, ...trainArgs(e), ...(budget && e.overrides.steps === undefined ? ['--steps', String(budget.to)] : [])], log);
        await run(['build/lib/cli/evaluate.js', '--checkpoint', e.out, ...e.evalArgs], log);
      }
      if (e.rawToo && !fs.existsSync(path.join(e.out, 'eval-raw.json'))) {
        await run(['build/lib/cli/evaluate.js', '--checkpoint', e.out, '--raw', '--n', '10000', '--json', path.join(e.out, 'eval-raw.json')], log);
      }
      writeRecord(scoresDir(a.suite!), e.out, e.config, trainArgs(e), e.evalArgs);
      console.log(`${e.out}: ${((Date.now() - t0) / 1000).toFixed(0)} s${budget ? ` (its budget raised from ${budget.from.toLocaleString('en')} steps)` : ''}, scores in ${recordPath(scoresDir(a.suite!), e.out)}`);
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
