import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Figure } from './figures';

let plotlySource: string | null = null;

/** The minified plotly.js bundle, read once (about 4.6 MB). */
export function plotlyJs(): string {
  plotlySource ??= fs.readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  return plotlySource;
}

/** plotly.js inlined as one script element (the showcase publisher swaps exactly this for a shared file). */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">${plotlyJs().replace(/<\/script/gi, '<\\/script')}</script>`;
}

let nextId = 0;

/**
 * A `<div>` and a script that draws `fig` into it. With `inlinePlotly` the script carries plotly.js itself; without,
 * it waits for a `window.Plotly` that an earlier output (or page) defined.
 */
export function figureHtml(fig: Figure, inlinePlotly: boolean): string {
  const id = `gan-plot-${process.pid}-${nextId++}`;
  const json = JSON.stringify(fig).replace(/</g, '\\u003c');
  const draw = `(function draw(){var el=document.getElementById(${JSON.stringify(id)});` +
    `if(!window.Plotly){return setTimeout(draw,50);}window.Plotly.newPlot(el,${json}.data,${json}.layout||{},{responsive:true});})();`;
  const lib = inlinePlotly ? plotlyScriptTag() : '';
  return `<div id="${id}" class="gan-plot"></div>${lib}<script type="text/javascript">${draw}</script>`;
}

/** Writes a self-contained HTML page with one or more figures (for scripts and run folders). */
export function writeFiguresHtml(file: string, figures: Figure[], title = 'BigGAN.ts'): void {
  const body = figures.map((f, i) => figureHtml(f, i === 0)).join('\n');
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, page);
}
