import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findJupyter, HOW_TO_GET_JUPYTER, ROOT } from '../../lib/cli/jupyter';
import { listNotebooks } from '../../tools/notebooks';
import { failingClaims, notebookClaims, publishNotebook, SHOWCASE, type ShowcaseEntry } from '../../tools/showcase';
import { claim, CLAIM_MIME, judgeClaim } from '../../lib/viz/claims';
import { plotlyScriptTag } from '../../lib/viz/html';

const skip = findJupyter() == null && process.env.CI !== 'true' ? `no Jupyter here. ${HOW_TO_GET_JUPYTER}` : false;

test('publishing an executed notebook: plotly.js, the stylesheets and MathJax sit beside the pages, claims go to the manifest', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-showcase-'));
  const executed = path.join(dir, '42-example.ipynb');
  const chart = `<div id="p"></div>${plotlyScriptTag()}<script>draw()</script>`;
  fs.writeFileSync(
    executed,
    JSON.stringify({
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# 42 · An example\n', 'text'] },
        {
          cell_type: 'code', metadata: {}, execution_count: 1, source: 'show(chart)',
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['loss 0.5\n'] },
            { output_type: 'display_data', metadata: {}, data: { [CLAIM_MIME]: { name: 'loss is small', value: 0.5, bound: '< 1', holds: true }, 'text/plain': '' } },
            { output_type: 'display_data', metadata: {}, data: { 'application/vnd.plotly.v1+json': { data: [{ type: 'scatter', mode: 'lines', x: [0, 1], y: [0, 1] }], layout: {} }, 'text/html': chart, 'text/plain': '<chart>' } },
          ],
        },
      ],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  const out = path.join(dir, 'docs');
  const html = publishNotebook(executed, 61.4, out);

  const kept = fs.readFileSync(path.join(out, '42-example.ipynb'), 'utf8');
  // Read on GitHub, whose viewer runs no scripts: the chart is its Plotly JSON and a still PNG, not HTML.
  const chartOut = JSON.parse(kept).cells[1].outputs[2].data;
  assert.deepEqual(Object.keys(chartOut).sort(), ['application/vnd.plotly.v1+json', 'image/png', 'text/plain']);
  assert.ok(kept.length < 100_000, `kept notebook is small (${kept.length} bytes)`);
  assert.ok(fs.statSync(path.join(out, 'plotly.min.js')).size > 1_000_000, 'plotly.js written once beside the pages');

  const page = fs.readFileSync(html, 'utf8');
  assert.match(page, /src="plotly\.min\.js"/);
  assert.match(page, /draw\(\)/, 'the page keeps the interactive chart');
  const sheets = [...page.matchAll(/<link rel="stylesheet" href="(notebook-[0-9a-f]{10}\.css)">/g)].map((m) => m[1]);
  assert.ok(sheets.length >= 1 && sheets.every((f) => fs.existsSync(path.join(out, f))), 'the large stylesheets are shared files beside the page');
  assert.ok(page.length < 200_000, `the page no longer carries nbconvert's CSS (${page.length} bytes)`);
  assert.match(page, /src="mathjax\/MathJax\.js\?config=TeX-AMS_CHTML-full,Safe"/, 'MathJax beside the pages, so formulas render offline');
  for (const f of ['MathJax.js', 'config/TeX-AMS_CHTML-full.js', 'jax/output/CommonHTML/jax.js', 'fonts/HTML-CSS/TeX/woff/MathJax_Main-Regular.woff']) {
    assert.ok(fs.existsSync(path.join(out, 'mathjax', f)), `mathjax/${f} is copied`);
  }
  assert.ok(!/file:\/\/\//.test(page), 'no local file URLs in a published page');

  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.length, 1);
  assert.equal(manifest[0].name, '42-example');
  assert.equal(manifest[0].title, '42 · An example');
  assert.equal(manifest[0].seconds, 61);
  assert.deepEqual(manifest[0].claims, [{ name: 'loss is small', value: 0.5, bound: '< 1', holds: true }]);
  assert.deepEqual(Object.keys(manifest[0]).sort(), ['claims', 'commit', 'date', 'name', 'seconds', 'title']);
  assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /<a href="42-example\.html">42 · An example<\/a>.*61 s/);

  // Publishing again replaces the entry rather than adding a second one.
  publishNotebook(executed, 70, out);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).length, 1);

  // A run whose claim fails is refused, and the published copy stays as it was.
  const before = fs.readFileSync(path.join(out, '42-example.ipynb'), 'utf8');
  fs.writeFileSync(executed, fs.readFileSync(executed, 'utf8').replace('"holds":true', '"holds":false'));
  assert.throws(() => publishNotebook(executed, 70, out), /42-example is not published: its full run contradicts its prose:\n {2}loss is small: 0\.5, wanted < 1/);
  assert.equal(fs.readFileSync(path.join(out, '42-example.ipynb'), 'utf8'), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('claim() judges each kind of bound and prints one line the runner reads back', () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => printed.push(line);
  try {
    // Nothing returned: a claim that ends a notebook cell must not echo a value into the reading flow.
    assert.equal(claim('a', 0.1, { below: 0.15 }), undefined);
    claim('b', 3, { above: 3 });
    claim('c', 0.5, { between: [0, 1] });
    claim('d', Number.NaN, { below: 1 });
    claim('e', true, { equals: true });
  } finally {
    console.log = log;
  }
  // Outside a notebook claims are printed; in one they are outputs of their own MIME type, as here.
  assert.ok(printed.every((l) => l.startsWith('claim: ')));
  const nb = { cells: [{ outputs: printed.map((l) => ({ output_type: 'display_data', data: { [CLAIM_MIME]: JSON.parse(l.slice(7)), 'text/plain': '' } })) }] };
  assert.deepEqual(notebookClaims(nb as never).map((c) => [c.name, c.bound, c.holds]), [['a', '< 0.15', true], ['b', '> 3', false], ['c', 'in [0, 1]', true], ['d', '< 1', false], ['e', '= true', true]]);
  assert.deepEqual(failingClaims(nb as never), ['b: 3, wanted > 3', 'd: null, wanted < 1']);
  assert.equal(judgeClaim('b', 3, { above: 3 }).holds, false, 'strictly above');
  assert.equal(judgeClaim('d', Number.NaN, { below: 1 }).holds, false, 'NaN never holds');
  assert.deepEqual(judgeClaim('f', 2, { between: [0, 1] }), { name: 'f', value: 2, bound: 'in [0, 1]', holds: false });
});

test('every published notebook: its claims hold, the manifest records exactly the claims its outputs print, and its charts show without scripts', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(SHOWCASE, 'manifest.json'), 'utf8')) as ShowcaseEntry[];
  assert.ok(manifest.length >= 12, 'the whole sequence is published');
  for (const entry of manifest) {
    const nb = JSON.parse(fs.readFileSync(path.join(SHOWCASE, `${entry.name}.ipynb`), 'utf8'));
    const printed = notebookClaims(nb);
    assert.deepEqual(entry.claims ?? [], printed, `${entry.name}: the manifest agrees with the published outputs`);
    assert.deepEqual(failingClaims(nb), [], `${entry.name}: every published claim holds`);
    const charts = (nb.cells as { outputs?: { data?: Record<string, unknown> }[] }[]).flatMap((c) => c.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json']);
    for (const chart of charts) {
      assert.ok(chart.data!['image/png'] && !chart.data!['text/html'], `${entry.name}: every chart carries a still PNG instead of script-only HTML`);
    }
  }
});

const cellSources = (file: string): [string, string][] =>
  (JSON.parse(fs.readFileSync(file, 'utf8')).cells as { cell_type: string; source: string | string[] }[])
    .map((c) => [c.cell_type, Array.isArray(c.source) ? c.source.join('') : c.source]);

// The published copy is what a learner reads: a notebook edited since it was published would show outputs its
// code no longer makes, or prose its outputs never answered.
test('every notebook is published, and its published copy has the notebook’s cells as they stand', () => {
  const published = (JSON.parse(fs.readFileSync(path.join(SHOWCASE, 'manifest.json'), 'utf8')) as ShowcaseEntry[]).map((e) => e.name);
  assert.deepEqual(published, listNotebooks().map((f) => f.replace(/\.ipynb$/, '')), 'the manifest lists the sequence, in order');
  for (const name of published) {
    assert.deepEqual(cellSources(path.join(SHOWCASE, `${name}.ipynb`)), cellSources(path.join(ROOT, 'notebooks', `${name}.ipynb`)), `${name}: republish it (npm run notebooks -- ${name} --full --publish)`);
  }
});

// A learner reads the code in a fixed-width column; a longer line wraps or scrolls out of sight. Counted by code
// point, as an editor counts them, so a character like 𝒩 counts once.
test('a notebook’s code lines fit in 100 characters', () => {
  for (const file of listNotebooks()) {
    for (const [kind, source] of cellSources(path.join(ROOT, 'notebooks', file))) {
      if (kind !== 'code') continue;
      for (const line of source.split('\n')) {
        const n = [...line].length;
        assert.ok(n <= 100, `${file}: ${n} characters: ${line}`);
      }
    }
  }
});
