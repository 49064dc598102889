import * as fs from 'node:fs';

/** The comment lines that enclose a generated section of the README: `<!-- results/toy.md -->` … `<!-- end results/toy.md -->`. */
export const sectionMarkers = (source: string) => [`<!-- ${source} -->`, `<!-- end ${source} -->`] as const;

/** The text between a section's markers, trimmed; null where the README has no such section. */
export function readSection(text: string, source: string): string | null {
  const [open, close] = sectionMarkers(source);
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < 0) return null;
  if (end < start) throw new Error(`the README's '${close}' comes before '${open}'`);
  return text.slice(start + open.length, end).trim();
}

/**
 * Writes `content` between the markers of `source` in the file at `readme` (the results tables, so that the README
 * shows what `npm run results` measured, not a copy that drifts); returns false where the file has no such section.
 */
export function writeSection(readme: string, source: string, content: string): boolean {
  const text = fs.readFileSync(readme, 'utf8');
  if (readSection(text, source) === null) return false;
  const [open, close] = sectionMarkers(source);
  const before = text.slice(0, text.indexOf(open) + open.length);
  const after = text.slice(text.indexOf(close));
  fs.writeFileSync(readme, `${before}\n${content.trim()}\n${after}`);
  return true;
}
