import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tsSources } from '../helpers';

/**
 * Types are the library's documentation: every exported declaration in lib/ carries a doc comment (`/** … *\/`
 * directly above it), so editors show it and readers of the source find it where the name is.
 */
const LIB = path.resolve(__dirname, '..', '..', '..', 'lib');
const EXPORT = /^export (?:declare )?(?:async )?(?:abstract )?(function|class|const|let|interface|type|enum)\s+(\w+)/;

/** Exported declarations of a source text whose previous line does not close a doc comment. */
export function undocumented(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = EXPORT.exec(line);
    if (m && !(lines[i - 1] ?? '').trim().endsWith('*/')) out.push(`${i + 1}: ${m[2]}`);
  });
  return out;
}

test('the checker finds an export without a doc comment and accepts one with', () => {
  assert.deepEqual(undocumented('/** A. */\nexport const a = 1;\n\nexport function b() {}\n// not a doc comment\nexport type C = 1;'), ['4: b', '6: C']);
});

test('every export in lib/ has a doc comment directly above it', () => {
  const files = tsSources(LIB);
  assert.ok(files.length > 50, `${files.length} source files found under ${LIB}`);
  const missing = files.flatMap((f) => undocumented(fs.readFileSync(f, 'utf8')).map((m) => `${path.relative(LIB, f)}:${m}`));
  assert.deepEqual(missing, [], `exports without a doc comment:\n  ${missing.join('\n  ')}`);
});
