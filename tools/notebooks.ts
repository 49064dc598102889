import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findJupyter, HOW_TO_GET_JUPYTER, jupyterEnv, ROOT, writeKernelSpec } from '../lib/cli/jupyter';
import { failingClaims, publishNotebook, SHOWCASE } from './showcase';

/** Where executed copies and their HTML exports go (ignored by git). */
export const EXECUTED = path.join(ROOT, 'build', 'notebooks');

/** The outcome of executing one notebook: whether it passed, how long it took and where its copies went. */
export interface NotebookRun {
  name: string;
  ok: boolean;
  seconds: number;
  executed: string;
  html?: string;
  /** On failure: the failing cell's index, source and the message tslab wrote to its stderr. */
  failure?: { cell: number; source: string; stderr: string; error: string };
}

/** The tutorial notebooks, in order. */
export function listNotebooks(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort();
}

/**
 * Executes one notebook top to bottom with the tslab kernel through Jupyter's own client, in quick mode unless
 * `full`, writes the executed copy (signed as trusted by the runner, since we ran it) and an HTML export to build/notebooks.
 */
export function runNotebook(file: string, opts: { full?: boolean; timeoutSeconds?: number; env?: Record<string, string>; tag?: string } = {}): NotebookRun {
  const jupyter = findJupyter();
  if (jupyter == null) throw new Error(HOW_TO_GET_JUPYTER);
  writeKernelSpec();
  fs.mkdirSync(EXECUTED, { recursive: true });
  const name = path.basename(file, '.ipynb');
  const source = path.isAbsolute(file) ? file : path.join(ROOT, 'notebooks', file.endsWith('.ipynb') ? file : `${file}.ipynb`);
  if (!fs.existsSync(source)) throw new Error(`no notebook ${source}; the notebooks are: ${listNotebooks().join(', ')}`);
  // A tagged run (another backend, say) keeps its executed copy beside the plain one instead of replacing it.
  const executed = path.join(EXECUTED, `${name}${opts.tag ? `.${opts.tag}` : ''}.ipynb`);
  const python = jupyterPython(jupyter);
  const env = jupyterEnv({ GAN_QUICK: opts.full ? '0' : '1', ...opts.env });
  const t0 = Date.now();
  const r = spawnSync(
    python,
    [path.join(ROOT, 'tools', 'run_notebook.py'), source, executed, String(opts.timeoutSeconds ?? (opts.full ? 3600 : 600)), path.dirname(source)],
    { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0) {
    let failure: NotebookRun['failure'];
    try {
      failure = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    } catch {
      failure = { cell: -1, source: '', stderr: r.stderr.slice(-4000), error: `the notebook runner exited with ${r.status}` };
    }
    return { name, ok: false, seconds, executed, failure };
  }
  const html = spawnSync(jupyter, ['nbconvert', '--to', 'html', '--output-dir', EXECUTED, executed], { encoding: 'utf8', env });
  return { name, ok: true, seconds, executed, html: html.status === 0 ? executed.replace(/\.ipynb$/, '.html') : undefined };
}

/** The Python that runs `jupyter` (its shebang), which has nbclient; not necessarily the `python3` on PATH. */
function jupyterPython(jupyter: string): string {
  const which = spawnSync('sh', ['-c', `command -v ${jupyter}`], { encoding: 'utf8' }).stdout.trim();
  const shebang = fs.readFileSync(which || jupyter, 'utf8').split('\n')[0];
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(shebang);
  if (m == null) return 'python3';
  return m[1].endsWith('/env') && m[2] ? m[2] : m[1];
}

/** A readable report of a notebook run: the failing cell's source, its stderr and the runner's last lines. */
export function describeFailure(run: NotebookRun): string {
  const f = run.failure;
  if (f == null) return `${run.name}: ok`;
  return [
    `${run.name}: cell ${f.cell} failed`,
    '--- cell source ---',
    f.source.trim(),
    '--- what the cell wrote to stderr ---',
    (f.stderr || '(nothing)').trim(),
    '--- runner ---',
    f.error.split('\n').slice(-6).join('\n'),
  ].join('\n');
}

/**
 * `npm run notebooks [-- NAME...] [--full] [--publish]`. `--publish` (full mode only) keeps each executed copy and
 * its HTML in docs/notebooks, the README's showcase.
 */
function main(): void {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--full' && a !== '--publish');
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')}: the options are --full and --publish`);
  const full = args.includes('--full');
  const publish = args.includes('--publish');
  if (publish && !full) throw new Error('--publish keeps full-mode runs only, as the showcase: add --full');
  const names = args.filter((a) => !a.startsWith('--'));
  const files = names.length ? names : listNotebooks();
  let failed = 0;
  for (const file of files) {
    const run = runNotebook(file, { full });
    if (!run.ok) {
      console.log(`FAIL ${describeFailure(run)}`);
      failed++;
      continue;
    }
    // A run whose claims fail ran, but contradicts its prose: reported as a failure, and never published.
    const failing = failingClaims(JSON.parse(fs.readFileSync(run.executed, 'utf8')));
    if (failing.length) {
      console.log(`FAIL ${run.name}: claims that do not hold in ${full ? 'full' : 'quick'} mode:\n  ${failing.join('\n  ')}`);
      failed++;
      continue;
    }
    const shown = publish ? publishNotebook(run.executed, run.seconds, SHOWCASE) : run.html ?? run.executed;
    console.log(`ok   ${run.name} (${run.seconds.toFixed(1)} s) → ${path.relative(ROOT, shown)}`);
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
