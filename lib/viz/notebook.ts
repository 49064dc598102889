import type { Figure } from './figures';
import { figurePng } from './figurePng';
import { figureHtml } from './html';

/**
 * Showing figures and images in a Jupyter notebook run by the tslab kernel. tslab's public `display.raw` sends
 * one MIME type per output; a Plotly chart that renders in JupyterLab (plotly MIME renderer), in the classic
 * notebook and in a static HTML export needs a bundle, so outputs go through the kernel's own display writer.
 */
type WriteDisplayData = (data: { data: Record<string, unknown>; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

function writer(): WriteDisplayData | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** True inside a running tslab kernel cell. */
export function inNotebook(): boolean {
  return writer() != null;
}

/** plotly.js (4.6 MB) goes into the first chart's HTML of a kernel session only; later charts reuse it. */
let plotlyInlined = false;

/**
 * The MIME bundle of a figure: Plotly JSON for JupyterLab, HTML for the classic notebook and exports, a still PNG
 * for viewers that run no scripts (GitHub's), and text.
 */
export function figureBundle(fig: Figure): Record<string, unknown> {
  const html = figureHtml(fig, !plotlyInlined);
  plotlyInlined = true;
  const title = (fig.layout?.title as { text?: string } | undefined)?.text;
  const png = figurePng(fig);
  return {
    'application/vnd.plotly.v1+json': { data: fig.data, layout: fig.layout ?? {} },
    'text/html': html,
    ...(png ? { 'image/png': png.toString('base64') } : {}),
    'text/plain': `<Plotly figure${title ? `: ${title}` : ''}, ${fig.data.length} trace(s)>`,
  };
}

/** The MIME bundle of a PNG image: the image itself, and a text line naming it for plain-text outputs. */
export function pngBundle(png: Buffer, alt = 'image'): Record<string, unknown> {
  return { 'image/png': png.toString('base64'), 'text/plain': `<${alt}: PNG, ${png.length} bytes>` };
}

/** Sends one MIME bundle as an output of the current cell (outside a notebook, prints its text). */
export function sendBundle(bundle: Record<string, unknown>): void {
  send(bundle);
}

function send(bundle: Record<string, unknown>, displayId?: string, update = false): void {
  const write = writer();
  if (write == null) {
    // Outside a notebook (a script, a test): say what would have been shown.
    console.log(String(bundle['text/plain'] ?? '<output>'));
    return;
  }
  write({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
}

/** Shows a figure, or a PNG image, as one output of the current cell. */
export function show(item: Figure | Buffer, alt?: string): void {
  send(Buffer.isBuffer(item) ? pngBundle(item, alt) : figureBundle(item));
}

let nextDisplay = 0;

/**
 * One output that is replaced in place on every `update`, for training: a loss chart, the latest sample grid and
 * a progress line, instead of hundreds of outputs.
 */
export class LiveView {
  private readonly id = `gan-live-${process.pid}-${Date.now()}-${nextDisplay++}`;
  private shown = false;

  update(parts: { figure?: Figure; png?: Buffer; text?: string }): void {
    const html: string[] = [];
    if (parts.text) html.push(`<pre style="margin:0 0 6px 0">${escapeHtml(parts.text)}</pre>`);
    // Each update replaces the previous one, so plotly.js must be in this output unless a `show` output that
    // stays in the notebook already carries it (else a saved or exported notebook could not draw the chart).
    if (parts.figure) html.push(figureHtml(parts.figure, !plotlyInlined));
    if (parts.png) html.push(`<img alt="samples" src="data:image/png;base64,${parts.png.toString('base64')}"/>`);
    const bundle: Record<string, unknown> = { 'text/html': html.join('\n'), 'text/plain': parts.text ?? '<live view>' };
    send(bundle, this.id, this.shown);
    this.shown = true;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
