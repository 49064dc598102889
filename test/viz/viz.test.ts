import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { barChart, figureBundle, figurePng, logTicks, niceTicks, tickLabel, heatmap, imageGridPng, lineChart, LiveView, markdownTable, scatter2d, show, tf, writeFiguresHtml } from '../../lib';

test('an image grid is a PNG of the right size whose cells hold the images, scaled and clipped', async () => {
  // Two 2×2 RGB images: the first all −1 (black), the second all +1.5 (clipped to white).
  const images = tf.concat([tf.fill([1, 2, 2, 3], -1), tf.fill([1, 2, 2, 3], 1.5)]) as tf.Tensor4D;
  const png = imageGridPng(images, { cols: 2, pad: 1, scale: 3 });
  images.dispose();
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const img = await loadImage(png);
  assert.equal(img.width, 2 * 6 + 3);
  assert.equal(img.height, 6 + 2);
  const { createCanvas } = await import('@napi-rs/canvas');
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const pixel = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data];
  assert.deepEqual(pixel(2, 2), [0, 0, 0, 255], 'first cell black');
  assert.deepEqual(pixel(1 + 6 + 1 + 2, 2), [255, 255, 255, 255], 'second cell white (1.5 clipped to 1)');
  assert.deepEqual(pixel(0, 0), [255, 255, 255, 255], 'padding is white');
});

test('image grids reject a channel count they cannot draw', () => {
  const x = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
  assert.throws(() => imageGridPng(x), /needs 1 or 3 channels, got shape \[1,2,2,2\]/);
  x.dispose();
});

test('a figure bundle carries Plotly JSON, HTML that draws it, and text; plotly.js is inlined only once', () => {
  const fig = lineChart([{ name: 'D loss', y: [1, 0.5, 0.25] }], { title: 'losses' });
  const first = figureBundle(fig);
  const second = figureBundle(barChart(['a', 'b'], [1, 2]));
  const json = first['application/vnd.plotly.v1+json'] as { data: { y: number[] }[] };
  assert.deepEqual(json.data[0].y, [1, 0.5, 0.25]);
  assert.match(first['text/plain'] as string, /Plotly figure: losses, 1 trace/);
  assert.ok((first['text/html'] as string).length > 1_000_000, 'the first chart carries plotly.js');
  assert.ok((second['text/html'] as string).length < 10_000, 'later charts reuse it');
  assert.match(second['text/html'] as string, /window\.Plotly\.newPlot/);
});

test('figure builders produce the traces the notebooks rely on', () => {
  const s = scatter2d([{ name: 'data', x: [0, 1], y: [1, 0] }]);
  assert.equal(s.data[0].type, 'scattergl');
  const h = heatmap([[0, 1], [2, 3]], [0, 1], [0, 1]);
  assert.deepEqual(h.data[0].z, [[0, 1], [2, 3]]);
});

test('figures write to a self-contained HTML file for scripts', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gan-viz-')), 'sub', 'dash.html');
  writeFiguresHtml(file, [lineChart([{ name: 'g', y: [3, 2] }]), barChart(['x'], [1])], 'dashboard');
  const html = fs.readFileSync(file, 'utf8');
  assert.match(html, /<title>dashboard<\/title>/);
  assert.equal((html.match(/class="gan-plot"/g) ?? []).length, 2);
  assert.ok(html.includes('window.Plotly.newPlot'));
  fs.rmSync(path.dirname(path.dirname(file)), { recursive: true });
});

test('in a notebook, show() sends one display_data bundle and LiveView updates one output in place', () => {
  // Stand in for the tslab kernel's display writer (set while a cell runs).
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) =>
    sent.push({ ...msg, update });
  try {
    show(barChart(['a'], [1]));
    show(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'grid');
    const live = new LiveView();
    live.update({ text: 'step 1/3', figure: lineChart([{ name: 'd', y: [1] }]) });
    live.update({ text: 'step 2/3 <fast>', png: Buffer.from([1, 2, 3]) });
    assert.equal(sent.length, 4);
    assert.ok('application/vnd.plotly.v1+json' in sent[0].data);
    assert.equal(sent[1].data['image/png'], Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'));
    const [a, b] = sent.slice(2);
    assert.ok(a.transient.display_id && a.transient.display_id === b.transient.display_id, 'one display id');
    assert.deepEqual([a.update, b.update], [false, true], 'the second call replaces the first');
    assert.match(b.data['text/html'] as string, /step 2\/3 &lt;fast&gt;/);
    assert.match(b.data['text/html'] as string, /data:image\/png;base64,AQID/);
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
});

test('a results table is Markdown with one row per entry, escaping what would break it, and refuses ragged rows', () => {
  const md = markdownTable({ header: ['run', 'modes'], rows: [['gp | λ 0.1', '8.0 ± 0.0'], ['clip', 7]] });
  assert.deepEqual(md.split('\n'), ['| run | modes |', '|---|---|', '| gp \\| λ 0.1 | 8.0 ± 0.0 |', '| clip | 7 |']);
  assert.throws(() => markdownTable({ header: ['a', 'b'], rows: [['only one']] }), /row 0 has 1 cells for 2 columns/);
});

test('a chart has a still PNG for viewers without scripts: its lines where the data puts them, a log axis, and none for trace kinds it does not draw', async () => {
  const { createCanvas } = await import('@napi-rs/canvas');
  /** Pixel centroids of one colour (to within a few levels), in image rows and columns. */
  const find = async (png: Buffer, [r, g, b]: number[]) => {
    const img = await loadImage(png);
    const ctx = createCanvas(img.width, img.height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    const hits: [number, number][] = [];
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 12) hits.push([Math.floor(i / 4 / img.width), (i / 4) % img.width]);
    }
    return { img, hits };
  };
  const rising = lineChart([{ name: 'up', x: [0, 1, 2, 3], y: [0, 1, 2, 3] }, { name: 'flat', x: [0, 3], y: [1.5, 1.5] }], { title: 't', width: 400, height: 300 });
  const png = figurePng(rising, { scale: 1 })!;
  const blue = await find(png, [0x1f, 0x77, 0xb4]);
  assert.equal(blue.img.width, 400);
  assert.equal(blue.img.height, 300);
  const left = blue.hits.filter(([, c]) => c < 150);
  const right = blue.hits.filter(([, c]) => c > 250);
  assert.ok(left.length > 10 && right.length > 10, 'the first series is drawn across the plot');
  const meanRow = (h: [number, number][]) => h.reduce((s, [r]) => s + r, 0) / h.length;
  assert.ok(meanRow(left) > meanRow(right) + 50, 'y grows upward: the rising line is lower on the left');
  const orange = await find(png, [0xff, 0x7f, 0x0e]);
  assert.ok(orange.hits.length > 50, 'the second series gets the second colour');

  // On a log axis 1e-3, 1 and 1e3 are equally spaced: the middle point sits half-way between the others.
  const log = figurePng(lineChart([{ name: 'a', x: [0, 1, 2], y: [1e-3, 1, 1e3] }], { logY: true, width: 300, height: 300 }), { scale: 1 })!;
  const line = (await find(log, [0x1f, 0x77, 0xb4])).hits;
  const rowsAt = (c0: number) => line.filter(([, c]) => Math.abs(c - c0) <= 1).map(([r]) => r);
  const cols = line.map(([, c]) => c);
  const [first, last] = [Math.min(...cols), Math.max(...cols)];
  const mid = rowsAt(Math.round((first + last) / 2));
  const ends = [...rowsAt(first + 2), ...rowsAt(last - 2)];
  assert.ok(mid.length > 0 && Math.abs(meanRow(mid.map((r) => [r, 0])) - (Math.min(...ends) + Math.max(...ends)) / 2) < 6, 'log spacing');
  // On a log x axis a peak at 10 between 1 and 100 sits at the middle column (on a linear one, at a tenth).
  const logX = figurePng(lineChart([{ name: 'a', x: [1, 10, 100], y: [0, 1, 0] }], { logX: true, width: 300, height: 300 }), { scale: 1 })!;
  const peak = (await find(logX, [0x1f, 0x77, 0xb4])).hits;
  const top = Math.min(...peak.map(([r]) => r));
  const peakCols = peak.map(([, c]) => c);
  const topCol = peak.filter(([r]) => r <= top + 1).map(([, c]) => c);
  const centre = (Math.min(...peakCols) + Math.max(...peakCols)) / 2;
  assert.ok(Math.abs(topCol.reduce((a, b) => a + b, 0) / topCol.length - centre) < 6, 'log x spacing');
  // Log ticks: decades over a wide range; 1-2-5 within less than two decades (a loss from 0.7 down to 0.015 had
  // only 0.2, 0.4 and 0.6, all near the top); round numbers within a factor of about two.
  assert.deepEqual(logTicks([-3, 3]), [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
  assert.deepEqual(logTicks([Math.log10(0.0148), Math.log10(0.7)]).map(tickLabel), ['0.02', '0.05', '0.1', '0.2', '0.5']);
  assert.deepEqual(logTicks([Math.log10(3), Math.log10(4.5)]), niceTicks([3, 4.5]));
  // Training steps over two decades (the toy suite's curves) get 1-2-5 ticks, labelled in full.
  assert.deepEqual(logTicks([Math.log10(2000), Math.log10(120000)]).map(tickLabel), ['2000', '5000', '10000', '20000', '50000', '100000']);
  // A percentage from 34 to 99 gets ticks every 10, not only 40, 60 and 80.
  assert.deepEqual(niceTicks([33.6, 99.6]), [40, 50, 60, 70, 80, 90]);

  // Point labels (a curve traced by a hidden parameter): in the trace, pointing inward, and drawn in the PNG.
  const traced = (labels?: string[]) => lineChart([{ name: 'pr', x: [0.1, 0.2, 0.4], y: [0.9, 0.8, 0.7], labels }], { width: 300, height: 300 });
  const trace = traced(['ψ = 0.25', 'ψ = 1', 'ψ = ∞']).data[0] as { mode: string; text: string[]; textposition: string[] };
  assert.equal(trace.mode, 'lines+markers+text');
  assert.deepEqual(trace.text, ['ψ = 0.25', 'ψ = 1', 'ψ = ∞']);
  assert.deepEqual(trace.textposition, ['top right', 'top right', 'top left'], 'the rightmost label points left');
  const pixels = async (png: Buffer) => {
    const img = await loadImage(png);
    const ctx = createCanvas(img.width, img.height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, img.width, img.height).data;
  };
  const [plain, labelled] = [await pixels(figurePng(traced(), { scale: 1 })!), await pixels(figurePng(traced(['ψ = 0.25', 'ψ = 1', 'ψ = ∞']), { scale: 1 })!)];
  const changedColumns: number[] = [];
  for (let i = 0; i < plain.length; i += 4) if (Math.abs(plain[i] - labelled[i]) + Math.abs(plain[i + 2] - labelled[i + 2]) > 30) changedColumns.push((i / 4) % 300);
  assert.ok(changedColumns.length > 150, `markers and labels are drawn (${changedColumns.length} pixels changed)`);
  // The rightmost point sits at the plot's right edge (column ≈ 280): its label must lie to its left.
  assert.ok(changedColumns.filter((c) => c > 200 && c < 270).length > 30, 'the rightmost label is drawn left of its point, inside the plot');

  assert.equal(figurePng({ data: [{ type: 'pie', values: [1, 2] }] }), null, 'a pie chart is not drawn, so the bundle carries no PNG');
  const bundle = figureBundle(rising);
  assert.equal(typeof bundle['image/png'], 'string');
  assert.ok(bundle['application/vnd.plotly.v1+json'] && bundle['text/html'], 'the interactive chart stays beside the still');
});

test('chart stills: tick labels stay distinct at any scale, omitted x defaults to the index, and a narrow log axis still gets ticks', () => {
  for (const range of [[0, 2.4e5], [0, 1.2e-4], [-3, 7], [0.5, 0.52]] as [number, number][]) {
    const labels = niceTicks(range).map(tickLabel);
    assert.ok(labels.length >= 2, `ticks for ${range}`);
    assert.equal(new Set(labels).size, labels.length, `distinct labels for ${range}: ${labels}`);
  }
  assert.ok(figurePng({ data: [{ type: 'scatter', mode: 'lines', y: [3, 1, 2] }] }), 'a trace with only y is drawn against its index');
  assert.ok(figurePng({ data: [{ type: 'heatmap', z: [[1, 2], [3, 4]] }] }), 'a heatmap with only z');
  assert.ok(figurePng(lineChart([{ name: 'a', y: [2, 5, 8] }], { logY: true })), 'a log axis within one decade');
  assert.equal(figurePng({ data: [{ type: 'scatter', mode: 'lines', x: [0, 1], y: 'not numbers' }] }), null, 'a figure it cannot draw gets no still, and no error');
});
