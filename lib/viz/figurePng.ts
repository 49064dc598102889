import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Figure } from './figures';

/**
 * A still PNG of a chart built by `lineChart`, `barChart`, `heatmap` or `scatter2d`, drawn on a canvas without a
 * browser. Notebook outputs carry it beside the interactive Plotly chart, so the chart also shows where no script
 * runs: GitHub's notebook viewer, a PDF, an e-mail. It is a faithful sketch (axes, ticks, legend, Plotly's
 * colours), not a copy of Plotly's rendering. A figure with a trace kind it does not draw gets no PNG (null).
 */
export function figurePng(fig: Figure, o: { scale?: number } = {}): Buffer | null {
  const traces = (fig.data as Trace[]).map(withIndexAxes);
  if (traces.length === 0 || !traces.every((t) => DRAWN.has(String(t.type)))) return null;
  try {
    return draw(traces, fig, o.scale ?? 2);
  } catch {
    // A still is a convenience: a figure it cannot draw keeps its interactive chart, and the cell still runs.
    return null;
  }
}

/** Plotly's defaults for omitted coordinates: the index along y (lines, bars) or along z's rows and columns. */
function withIndexAxes(t: Trace): Trace {
  const index = (n: number) => Array.from({ length: n }, (_, i) => i);
  if (t.type === 'heatmap') return { ...t, x: t.x ?? index(t.z?.[0]?.length ?? 0), y: t.y ?? index(t.z?.length ?? 0) };
  return { ...t, x: t.x ?? index(t.y?.length ?? 0) };
}

function draw(traces: Trace[], fig: Figure, scale: number): Buffer {
  const layout = (fig.layout ?? {}) as Layout;
  const width = layout.width ?? 720;
  const height = layout.height ?? 360;
  const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const title = layout.title?.text;
  const heat = traces[0].type === 'heatmap';
  const names = traces.length > 1 && !heat ? traces.map((t) => String(t.name ?? '')) : [];
  // Beside the plot, as Plotly puts it, so the legend never hides data.
  ctx.font = '11px sans-serif';
  const legendWidth = names.length ? Math.min(width / 3, Math.max(...names.map((n) => ctx.measureText(n).width)) + 40) : 0;
  const box = { left: 70, right: width - (heat ? 80 : 20) - legendWidth, top: title ? 40 : 16, bottom: height - 50 };
  if (title) text(ctx, title, width / 2, 22, { font: 'bold 14px sans-serif', align: 'center' });

  const logY = layout.yaxis?.type === 'log';
  const bars = traces[0].type === 'bar';
  const categories = bars ? (traces[0].x as string[]) : [];
  const logX = !bars && !heat && layout.xaxis?.type === 'log';
  const xs: [number, number] = bars ? [-0.5, categories.length - 0.5] : heat ? extent([cellEdges(traces[0].x as number[])]) : extent(traces.map((t) => (t.x as number[]).filter((v) => !logX || v > 0).map((v) => (logX ? Math.log10(v) : v))));
  const yValues = heat ? [cellEdges(traces[0].y as number[])] : traces.map((t) => (t.y as number[]).filter((v) => Number.isFinite(v) && (!logY || v > 0)));
  let ys: [number, number] = extent(yValues.map((v) => (logY ? v.map(Math.log10) : v)));
  if (bars) ys = [Math.min(0, ys[0]), Math.max(0, ys[1])];
  if (!heat) ys = pad(ys);
  const xScale = (v: number) => box.left + (((logX ? Math.log10(v) : v) - xs[0]) / (xs[1] - xs[0] || 1)) * (box.right - box.left);
  const yScale = (v: number) => box.bottom - (((logY ? Math.log10(v) : v) - ys[0]) / (ys[1] - ys[0] || 1)) * (box.bottom - box.top);

  // Grid and ticks first, so the data draws over them.
  ctx.font = '11px sans-serif';
  const yTicks = logY ? logTicks(ys) : niceTicks(ys);
  for (const v of yTicks) {
    const y = yScale(v);
    line(ctx, box.left, y, box.right, y, '#e5e5e5');
    text(ctx, tickLabel(v), box.left - 6, y + 4, { align: 'right' });
  }
  if (bars) categories.forEach((c, i) => text(ctx, c, xScale(i), box.bottom + 16, { align: 'center' }));
  else for (const v of logX ? logTicks(xs) : niceTicks(xs)) text(ctx, tickLabel(v), xScale(v), box.bottom + 16, { align: 'center' });
  if (layout.xaxis?.title?.text) text(ctx, layout.xaxis.title.text, (box.left + box.right) / 2, height - 12, { align: 'center', font: '12px sans-serif' });
  if (layout.yaxis?.title?.text) {
    ctx.save();
    ctx.translate(16, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    text(ctx, layout.yaxis.title.text, 0, 0, { align: 'center', font: '12px sans-serif' });
    ctx.restore();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  ctx.clip();
  const labels: { s: string; x: number; y: number; colour: string; align: CanvasTextAlign }[] = [];
  traces.forEach((t, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const x = t.x as number[];
    const y = t.y as number[];
    if (t.type === 'heatmap') drawHeatmap(ctx, t, colouring(t), xScale, yScale);
    else if (t.type === 'bar') {
      const w = (0.8 * (box.right - box.left)) / categories.length;
      ctx.fillStyle = colour;
      y.forEach((v, i) => ctx.fillRect(xScale(i) - w / 2, Math.min(yScale(v), yScale(0)), w, Math.abs(yScale(v) - yScale(0))));
    } else if (t.mode === 'markers') {
      ctx.fillStyle = colour;
      ctx.globalAlpha = t.marker?.opacity ?? 0.6;
      const r = (t.marker?.size ?? 4) / 2;
      x.forEach((v, i) => (logX && v <= 0 ? undefined : ctx.fillRect(xScale(v) - r, yScale(y[i]) - r, 2 * r, 2 * r)));
      ctx.globalAlpha = 1;
    } else {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let drawing = false;
      x.forEach((v, i) => {
        const ok = Number.isFinite(y[i]) && (!logY || y[i] > 0) && (!logX || v > 0);
        if (ok && drawing) ctx.lineTo(xScale(v), yScale(y[i]));
        else if (ok) ctx.moveTo(xScale(v), yScale(y[i]));
        drawing = ok;
      });
      ctx.stroke();
      if (t.text) {
        ctx.fillStyle = colour;
        x.forEach((v, i) => {
          if (!Number.isFinite(y[i]) || (logY && y[i] <= 0) || (logX && v <= 0)) return;
          ctx.fillRect(xScale(v) - 2.5, yScale(y[i]) - 2.5, 5, 5);
          // Placed as the trace says (lineChart points them inward), as Plotly would place them.
          const right = String(t.textposition?.[i] ?? '').endsWith('left');
          labels.push({ s: String(t.text![i] ?? ''), x: xScale(v) + (right ? -5 : 5), y: yScale(y[i]) - 5, colour, align: right ? 'right' : 'left' });
        });
      }
    }
  });
  ctx.restore();
  // Drawn unclipped, last, on a white halo: a label near the top may reach into the margin, and stays readable
  // where it crosses a line.
  for (const l of labels) {
    ctx.textAlign = l.align;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 5;
    ctx.lineJoin = 'round';
    ctx.strokeText(l.s, l.x, l.y);
    text(ctx, l.s, l.x, l.y, { colour: l.colour, align: l.align });
  }
  ctx.strokeStyle = '#444444';
  ctx.lineWidth = 1;
  ctx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  if (names.length) legend(ctx, names, box);
  if (heat) colourBar(ctx, colouring(traces[0]), box);
  return canvas.toBuffer('image/png');
}

interface Trace {
  type?: string;
  mode?: string;
  name?: string;
  x?: unknown[];
  y?: unknown[];
  z?: number[][];
  colorscale?: string;
  marker?: { size?: number; opacity?: number };
  text?: string[];
  textposition?: string[];
}
interface Layout {
  title?: { text?: string };
  width?: number;
  height?: number;
  xaxis?: { title?: { text?: string }; type?: string };
  yaxis?: { title?: { text?: string }; type?: string };
}

const DRAWN = new Set(['scatter', 'scattergl', 'bar', 'heatmap']);
/** Plotly's default colour sequence, so the still and the interactive chart match. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function extent(sets: number[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of sets) for (const v of s) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo === Infinity) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

const pad = ([lo, hi]: [number, number]): [number, number] => [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)];

/** Cell edges of a heatmap axis: half-way between centres, extended half a step at both ends. */
function cellEdges(c: number[]): number[] {
  if (c.length === 1) return [c[0] - 0.5, c[0] + 0.5];
  return [c[0] - (c[1] - c[0]) / 2, ...c.slice(1).map((v, i) => (v + c[i]) / 2), c[c.length - 1] + (c[c.length - 1] - c[c.length - 2]) / 2];
}

/**
 * Four to eight round-numbered ticks inside [lo, hi] (1, 2 or 5 times a power of ten apart): a span of 66 gets
 * 40, 50 … 90 rather than 40, 60, 80, and 0–103 gets 0, 20 … 100 rather than 0, 50, 100.
 */
export function niceTicks([lo, hi]: [number, number]): number[] {
  const raw = (hi - lo) / 7;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/**
 * Ticks for a log10 range [lo, hi], as values: powers of ten (thinned to at most eight); within less than 2.5
 * decades, where those are too few (a run's steps from 2,000 to 120,000 had only 10,000 and 100,000), 1, 2 and 5
 * times them — evenly spread on the log axis, where round numbers of the linear range (0.2, 0.4, 0.6) would all
 * crowd its top — and within a factor of about two, round numbers.
 */
export function logTicks([lo, hi]: [number, number]): number[] {
  const first = Math.ceil(lo);
  const last = Math.floor(hi);
  if (hi - lo < 2.5) {
    const inside = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
    const ticks = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) if (inside(m * 10 ** e)) ticks.push(m * 10 ** e);
    return ticks.length >= 2 ? ticks : niceTicks([10 ** lo, 10 ** hi]).filter((v) => v > 0);
  }
  const every = Math.max(1, Math.ceil((last - first + 1) / 8));
  const ticks: number[] = [];
  for (let e = Math.ceil(first / every) * every; e <= last; e += every) ticks.push(10 ** e);
  return ticks;
}

/** A tick's label: plain below 1e6 (training steps read as 400000, not 4e5), else exponent form. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  // Up to three significant digits, so that neighbouring ticks (1.5e6, 2e6) never print alike.
  return a >= 1e6 || a < 1e-3 ? Number(v.toPrecision(3)).toExponential().replace('e+', 'e') : String(Number(v.toPrecision(6)));
}

function text(ctx: SKRSContext2D, s: string, x: number, y: number, o: { align?: CanvasTextAlign; font?: string; colour?: string } = {}): void {
  ctx.fillStyle = o.colour ?? '#222222';
  if (o.font) ctx.font = o.font;
  ctx.textAlign = o.align ?? 'left';
  ctx.fillText(s, x, y);
  if (o.font) ctx.font = '11px sans-serif';
}

function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number, colour: string): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

function legend(ctx: SKRSContext2D, names: string[], box: { right: number; top: number }): void {
  ctx.font = '11px sans-serif';
  const x = box.right + 12;
  names.forEach((n, k) => {
    const y = box.top + 12 + 16 * k;
    line(ctx, x, y - 4, x + 18, y - 4, COLOURS[k % COLOURS.length]);
    ctx.lineWidth = 1;
    text(ctx, n, x + 22, y);
  });
}

/** Plotly's RdBu (its default for `heatmap` here): blue for the smallest values, red for the largest. */
const RDBU: [number, [number, number, number]][] = [[0, [5, 10, 172]], [0.35, [106, 137, 247]], [0.5, [190, 190, 190]], [0.6, [220, 170, 132]], [0.7, [230, 145, 90]], [1, [178, 10, 28]]];
const VIRIDIS: [number, [number, number, number]][] = [[0, [68, 1, 84]], [0.25, [59, 82, 139]], [0.5, [33, 145, 140]], [0.75, [94, 201, 98]], [1, [253, 231, 37]]];

function colourAt(scale: [number, [number, number, number]][], t: number): string {
  const u = Math.min(1, Math.max(0, t));
  const i = scale.findIndex(([p]) => p >= u);
  if (i <= 0) return `rgb(${scale[0][1].join(',')})`;
  const [p0, c0] = scale[i - 1];
  const [p1, c1] = scale[i];
  const f = (u - p0) / (p1 - p0);
  return `rgb(${c0.map((c, k) => Math.round(c + f * (c1[k] - c))).join(',')})`;
}

/** How a heatmap maps values to colours: its colour scale and the value range stretched over it. */
interface Colouring {
  scale: [number, [number, number, number]][];
  lo: number;
  hi: number;
}

function colouring(t: Trace): Colouring {
  const [lo, hi] = extent(t.z ?? []);
  return { scale: t.colorscale === 'Viridis' ? VIRIDIS : RDBU, lo, hi };
}

/** The heatmap's colour scale beside the plot, labelled with its smallest and largest value. */
function colourBar(ctx: SKRSContext2D, { scale, lo, hi }: Colouring, box: { right: number; top: number; bottom: number }): void {
  const x = box.right + 12;
  for (let y = box.top; y < box.bottom; y++) {
    ctx.fillStyle = colourAt(scale, (box.bottom - y) / (box.bottom - box.top));
    ctx.fillRect(x, y, 14, 1.5);
  }
  text(ctx, tickLabel(hi), x + 18, box.top + 8);
  text(ctx, tickLabel(lo), x + 18, box.bottom);
}

function drawHeatmap(ctx: SKRSContext2D, t: Trace, { scale, lo, hi }: Colouring, xScale: (v: number) => number, yScale: (v: number) => number): void {
  const z = t.z ?? [];
  const xe = cellEdges(t.x as number[]);
  const ye = cellEdges(t.y as number[]);
  z.forEach((row, r) => row.forEach((v, c) => {
    ctx.fillStyle = Number.isFinite(v) ? colourAt(scale, (v - lo) / (hi - lo || 1)) : '#ffffff';
    const [x0, x1, y0, y1] = [xScale(xe[c]), xScale(xe[c + 1]), yScale(ye[r]), yScale(ye[r + 1])];
    ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0) + 0.5, Math.abs(y1 - y0) + 0.5);
  }));
}
