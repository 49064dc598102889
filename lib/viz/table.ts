import { sendBundle } from './notebook';

/** A table of results: a header row and rows of cells (numbers are printed as given, so round them first). */
export interface Table {
  header: string[];
  rows: (string | number)[][];
}

const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table as GitHub-flavoured Markdown: what notebooks show and the README's result tables use. */
export function markdownTable(t: Table): string {
  for (const [i, r] of t.rows.entries()) {
    if (r.length !== t.header.length) throw new Error(`table row ${i} has ${r.length} cells for ${t.header.length} columns (${t.header.join(', ')})`);
  }
  const line = (r: (string | number)[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(t.header), `|${t.header.map(() => '---').join('|')}|`, ...t.rows.map(line)].join('\n');
}

/**
 * Shows a table as one output of the current notebook cell, as Markdown (which JupyterLab, nbconvert's HTML and
 * GitHub's viewer all render) with the same text as its plain-text form; outside a notebook, prints the Markdown.
 */
export function showTable(t: Table): void {
  const md = markdownTable(t);
  sendBundle({ 'text/markdown': md, 'text/plain': md });
}
