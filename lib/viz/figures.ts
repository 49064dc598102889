/**
 * Plotly figures as plain data: the same object is shown in a notebook (lib/viz/notebook) or written to an HTML
 * file from a script (lib/viz/html). Builders cover the charts the tutorials use; anything else is a `Figure`
 * written by hand with Plotly's own trace types.
 */
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
}

/** One named line of a `lineChart`; without `x`, the values are plotted against their index. */
export interface Series {
  name: string;
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /**
   * A label per point, written beside it (and in the still PNG): for a curve traced by a hidden parameter, such
   * as precision against recall as the truncation ψ shrinks, where the reader must know which point is which.
   */
  labels?: ArrayLike<string>;
}

/** Configures a chart's layout: title, axis titles, size in pixels and logarithmic axes. */
export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
  logY?: boolean;
  /** A logarithmic x axis, for curves over training runs of very different lengths. */
  logX?: boolean;
}

function layout(o: ChartOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: o.title ? { text: o.title } : undefined,
    xaxis: { title: { text: o.xTitle ?? '' }, ...(o.logX ? { type: 'log' } : {}) },
    yaxis: { title: { text: o.yTitle ?? '' }, type: o.logY ? 'log' : 'linear' },
    width: o.width,
    height: o.height ?? 360,
    margin: { l: 60, r: 20, t: o.title ? 50 : 20, b: 50 },
    ...extra,
  };
}

const list = (a: ArrayLike<number>) => Array.from(a);

/** Lines, e.g. D and G losses against the step. */
export function lineChart(series: Series[], o: ChartOptions = {}): Figure {
  return {
    data: series.map((s) => {
      const x = s.x ? list(s.x) : list(s.y).map((_, i) => i);
      // Labels point inward, so that the ones at the right edge are not cut off.
      const middle = (Math.min(...x) + Math.max(...x)) / 2;
      const labels = s.labels ? { text: Array.from(s.labels), textposition: x.map((v) => (v > middle ? 'top left' : 'top right')) } : {};
      return { type: 'scatter', mode: s.labels ? 'lines+markers+text' : 'lines', name: s.name, x, y: list(s.y), ...labels };
    }),
    layout: layout(o),
  };
}

/** One named set of points of a `scatter2d`, with its marker size and opacity. */
export interface PointSet {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  size?: number;
  opacity?: number;
}

/** 2-D points, e.g. generated samples over the data of a toy mixture. */
export function scatter2d(sets: PointSet[], o: ChartOptions = {}): Figure {
  return {
    data: sets.map((s) => ({
      type: 'scattergl',
      mode: 'markers',
      name: s.name,
      x: list(s.x),
      y: list(s.y),
      marker: { size: s.size ?? 4, opacity: s.opacity ?? 0.6 },
    })),
    layout: layout(o, { yaxis: { title: { text: o.yTitle ?? '' }, scaleanchor: 'x' } }),
  };
}

/** A grid of values, e.g. a discriminator's output over the plane: z[row][col] at (x[col], y[row]). */
export function heatmap(z: number[][], x: ArrayLike<number>, y: ArrayLike<number>, o: ChartOptions & { colorscale?: string } = {}): Figure {
  return {
    data: [{ type: 'heatmap', z, x: list(x), y: list(y), colorscale: o.colorscale ?? 'RdBu' }],
    layout: layout(o),
  };
}

/** Bars, e.g. milliseconds per backend. */
export function barChart(labels: string[], values: ArrayLike<number>, o: ChartOptions = {}): Figure {
  return { data: [{ type: 'bar', x: labels, y: list(values) }], layout: layout(o) };
}
