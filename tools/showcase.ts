import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figureHtml, plotlyJs, plotlyScriptTag } from '../lib/viz/html';
import { figurePng } from '../lib/viz/figurePng';
import type { Figure } from '../lib/viz/figures';
import { findJupyter, HOW_TO_GET_JUPYTER, jupyterEnv, ROOT } from '../lib/cli/jupyter';
import { CLAIM_MIME, type Claim } from '../lib/viz/claims';

/** Where the executed full-mode notebooks are kept, committed, as the README's showcase. */
export const SHOWCASE = path.join(ROOT, 'docs', 'notebooks');

/** The shared plotly.js beside the published pages, so the pages do not each carry 4.6 MB of it. */
const PLOTLY_FILE = 'plotly.min.js';

// nbconvert as Debian ships it points MathJax and require.js at file:///usr/share/..., which no reader of a
// published page has. MathJax is copied beside the pages (formulas render offline too); require.js stays nbconvert's
// upstream default.
const MATHJAX_DIR = 'mathjax';
const MATHJAX_URL = `${MATHJAX_DIR}/MathJax.js?config=TeX-AMS_CHTML-full,Safe`;

/**
 * The parts of MathJax 2.7 the pages load (nbconvert's configuration: TeX in, CommonHTML out, the Safe extension),
 * checked by rendering a page offline in Chromium with no request failing.
 */
const MATHJAX_PARTS = ['MathJax.js', 'LICENSE', 'config/TeX-AMS_CHTML-full.js', 'config/Safe.js', 'extensions/Safe.js', 'extensions/MathMenu.js', 'extensions/MathZoom.js', 'extensions/MathEvents.js', 'extensions/TeX', 'jax/input/TeX', 'jax/output/CommonHTML', 'jax/element', 'localization/en', 'fonts/HTML-CSS/TeX/woff'];

/** Copies MathJax's needed parts from its npm package beside the pages (once). */
function copyMathJax(outDir: string): void {
  const target = path.join(outDir, MATHJAX_DIR);
  // Copied afresh each time, so the set on disk is exactly MATHJAX_PARTS.
  if (fs.existsSync(path.join(target, '.parts')) && fs.readFileSync(path.join(target, '.parts'), 'utf8') === MATHJAX_PARTS.join('\n')) return;
  fs.rmSync(target, { recursive: true, force: true });
  let source: string;
  try {
    source = path.dirname(require.resolve('mathjax/package.json'));
  } catch {
    throw new Error('the mathjax package (a devDependency) is not installed: run npm install');
  }
  for (const part of MATHJAX_PARTS) {
    const from = path.join(source, part);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(target, part)), { recursive: true });
    fs.cpSync(from, path.join(target, part), { recursive: true });
  }
  fs.writeFileSync(path.join(target, '.parts'), MATHJAX_PARTS.join('\n'));
}
const REQUIRE_JS_URL = 'https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js';

/** One published notebook's record in the showcase's `manifest.json`. */
export interface ShowcaseEntry {
  name: string;
  /** The notebook's first heading. */
  title: string;
  /** Wall-clock seconds of the full-mode run. */
  seconds: number;
  /** ISO date of the run. */
  date: string;
  /** The commit the notebook and library were at (with `+dirty` when the tree had changes). */
  commit: string;
  /** The claims the notebook judged (`claim(...)`), every one holding: a run with a failing claim is not published. */
  claims: Claim[];
  /** Where prose was edited after the run: the commit whose markdown cells the copy carries (code cells unchanged). */
  markdownSyncedAt?: string;
}

type ExecutedNotebook = { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };

/** The claims an executed notebook judged: its outputs of the claim MIME type (see lib/viz/claims.ts). */
export function notebookClaims(nb: ExecutedNotebook): Claim[] {
  return nb.cells.flatMap((cell) => (cell.outputs ?? []).flatMap((out) => (out.data?.[CLAIM_MIME] ? [out.data[CLAIM_MIME] as Claim] : [])));
}

/** The claims of a run that do not hold, as one line each. */
export function failingClaims(nb: ExecutedNotebook): string[] {
  return notebookClaims(nb)
    .filter((c) => !c.holds)
    .map((c) => `${c.name}: ${JSON.stringify(c.value)}, wanted ${c.bound}`);
}

/**
 * Copies an executed notebook into the showcase with plotly.js moved out of its outputs into one shared file,
 * exports it to an HTML page with interactive charts, then keeps each chart in the notebook as its Plotly JSON and
 * still PNG only (`stillCharts`), and records the run in `manifest.json`. Returns the HTML page's path.
 */
export function publishNotebook(executed: string, seconds: number, outDir = SHOWCASE): string {
  const name = path.basename(executed, '.ipynb');
  const nb = JSON.parse(fs.readFileSync(executed, 'utf8'));
  const failing = failingClaims(nb);
  if (failing.length) throw new Error(`${name} is not published: its full run contradicts its prose:\n  ${failing.join('\n  ')}`);
  fs.mkdirSync(outDir, { recursive: true });
  const inline = plotlyScriptTag();
  const shared = `<script type="text/javascript" src="${PLOTLY_FILE}"></script>`;
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const html = out.data?.['text/html'];
      if (html == null) continue;
      const text = Array.isArray(html) ? html.join('') : String(html);
      out.data['text/html'] = text.split(inline).join(shared);
    }
  }
  const target = path.join(outDir, `${name}.ipynb`);
  fs.writeFileSync(target, JSON.stringify(nb, null, 1) + '\n');
  const plotly = path.join(outDir, PLOTLY_FILE);
  if (!fs.existsSync(plotly) || fs.statSync(plotly).size !== Buffer.byteLength(plotlyJs())) fs.writeFileSync(plotly, plotlyJs());

  exportShowcaseHtml(target);
  // The page beside it keeps the interactive charts; the notebook itself is also read on GitHub, whose viewer runs
  // no scripts and would show a chart's HTML as an empty box. There a chart is its Plotly JSON (which JupyterLab
  // draws) and its still PNG.
  if (stillCharts(nb)) fs.writeFileSync(target, JSON.stringify(nb, null, 1) + '\n');

  const manifestFile = path.join(outDir, 'manifest.json');
  const manifest: ShowcaseEntry[] = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : [];
  const entry: ShowcaseEntry = { name, title: notebookTitle(nb) ?? name, seconds: Math.round(seconds), date: new Date().toISOString().slice(0, 10), commit: currentCommit(), claims: notebookClaims(nb) };
  const next = [...manifest.filter((e) => e.name !== name), entry].sort((a, b) => a.name.localeCompare(b.name));
  fs.writeFileSync(manifestFile, JSON.stringify(next, null, 1) + '\n');
  writeShowcaseIndex(outDir);
  return path.join(outDir, `${name}.html`);
}

/**
 * Makes every chart output of a notebook readable without scripts: gives it a still PNG drawn from the Plotly JSON
 * it carries (outputs saved before charts carried one) and drops its HTML, which a viewer that runs no scripts
 * shows as an empty box. Returns whether any output changed.
 */
export function stillCharts(nb: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }): boolean {
  let changed = false;
  for (const out of nb.cells.flatMap((c) => c.outputs ?? [])) {
    const d = out.data;
    const fig = d?.['application/vnd.plotly.v1+json'] as Figure | undefined;
    if (!d || !fig) continue;
    if (!d['image/png']) {
      const png = figurePng(fig);
      if (png) d['image/png'] = png.toString('base64');
      changed ||= png != null;
    }
    if (d['image/png'] && d['text/html']) {
      delete d['text/html'];
      changed = true;
    }
  }
  return changed;
}

/** Rewrites the showcase's index.html from its manifest (titles read from the notebooks where missing). */
export function writeShowcaseIndex(outDir = SHOWCASE): void {
  const manifestFile = path.join(outDir, 'manifest.json');
  const entries: ShowcaseEntry[] = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  for (const e of entries) e.title ??= notebookTitle(JSON.parse(fs.readFileSync(path.join(outDir, `${e.name}.ipynb`), 'utf8'))) ?? e.name;
  fs.writeFileSync(manifestFile, JSON.stringify(entries, null, 1) + '\n');
  fs.writeFileSync(path.join(outDir, 'index.html'), indexPage(entries));
}

/** The web page of a showcase notebook, beside it: MathJax and require.js from cdnjs, not this machine's files. */
export function exportShowcaseHtml(ipynb: string): string {
  const outDir = path.dirname(ipynb);
  copyMathJax(outDir);
  const jupyter = findJupyter();
  if (jupyter == null) throw new Error(HOW_TO_GET_JUPYTER);
  const source = withInteractiveCharts(ipynb);
  const r = spawnSync(
    jupyter,
    ['nbconvert', '--to', 'html', `--HTMLExporter.mathjax_url=${MATHJAX_URL}`, `--HTMLExporter.require_js_url=${REQUIRE_JS_URL}`, '--output-dir', outDir, source],
    { encoding: 'utf8', env: jupyterEnv() },
  );
  if (source !== ipynb) fs.rmSync(path.dirname(source), { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`nbconvert could not export ${ipynb} to HTML:\n${r.stderr.slice(-2000)}`);
  const html = ipynb.replace(/\.ipynb$/, '.html');
  shareStylesheets(html);
  return html;
}

/**
 * A published notebook keeps each chart as Plotly JSON and a still PNG (`stillCharts`), which nbconvert would show
 * as the PNG; the page should draw it interactive, as it did when first published. Returns a copy of the notebook,
 * under the same file name in a temporary folder, whose charts carry their HTML again (drawn by the plotly.js file
 * beside the page), or the notebook itself when none needs it.
 */
function withInteractiveCharts(ipynb: string): string {
  const nb = JSON.parse(fs.readFileSync(ipynb, 'utf8'));
  let first = true;
  for (const out of nb.cells.flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) => c.outputs ?? [])) {
    const fig = out.data?.['application/vnd.plotly.v1+json'] as Figure | undefined;
    if (!fig || out.data!['text/html'] != null) continue;
    const lib = first ? `<script type="text/javascript" src="${PLOTLY_FILE}"></script>` : '';
    out.data!['text/html'] = lib + figureHtml(fig, false);
    first = false;
  }
  if (first) return ipynb;
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'showcase-')), path.basename(ipynb));
  fs.writeFileSync(copy, JSON.stringify(nb));
  return copy;
}

/**
 * nbconvert inlines the same 550 KB of CSS into every page; each large style block moves to one file beside the
 * pages, named by its content's hash, that every page links (twelve pages carried 6.7 MB of copies). Small,
 * page-specific blocks stay inline.
 */
function shareStylesheets(html: string): void {
  const dir = path.dirname(html);
  const page = fs.readFileSync(html, 'utf8').replace(/<style type="text\/css">([\s\S]*?)<\/style>/g, (block, css: string) => {
    if (css.length < 10_000) return block;
    const name = `notebook-${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`;
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, css);
    return `<link rel="stylesheet" href="${name}">`;
  });
  fs.writeFileSync(html, page);
  // Stylesheets no page links any more (an nbconvert upgrade changes them) are removed.
  const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  for (const f of fs.readdirSync(dir)) {
    if (/^notebook-[0-9a-f]{10}\.css$/.test(f) && !pages.some((p) => p.includes(`href="${f}"`))) fs.rmSync(path.join(dir, f));
  }
}

function notebookTitle(nb: { cells: { cell_type: string; source: string | string[] }[] }): string | undefined {
  const first = nb.cells.find((c) => c.cell_type === 'markdown');
  const text = first ? (Array.isArray(first.source) ? first.source.join('') : first.source) : '';
  return /^#\s+(.+)$/m.exec(text)?.[1].trim();
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The showcase's front page: one row per executed notebook, with how long its full run took and on what commit. */
function indexPage(entries: ShowcaseEntry[]): string {
  const minutes = (s: number) => (s < 90 ? `${s} s` : `${(s / 60).toFixed(1)} min`);
  const rows = entries
    .map((e) => `<tr><td><a href="${e.name}.html">${escape(e.title)}</a></td><td><a href="${e.name}.ipynb">.ipynb</a></td><td>${minutes(e.seconds)}</td><td>${e.date}</td><td><code>${escape(e.commit)}</code></td></tr>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>BigGAN.ts notebooks</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>BigGAN.ts: the notebooks, executed</h1>
<p>Each notebook run top to bottom in full mode by <code>npm run notebooks -- --full --publish</code>; the time is the
wall-clock time of that run.</p>
<table><tr><th>notebook</th><th></th><th>full run</th><th>date</th><th>commit</th></tr>
${rows}
</table></body></html>
`;
}

function currentCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'lib', 'notebooks', 'datasets', ':!datasets/cache'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return head ? `${head}${dirty ? '+dirty' : ''}` : 'unknown';
}
