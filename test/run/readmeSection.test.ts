import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSection, writeSection } from '../../lib/cli/readmeSection';
import { SUITES } from '../../lib/run/suites';

const ROOT = path.join(__dirname, '..', '..', '..');

test("a README section is rewritten between its markers and nowhere else; a file without one is left alone", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-')), 'README.md');
  fs.writeFileSync(file, 'intro\n<!-- results/toy.md -->\nold\n<!-- end results/toy.md -->\noutro\n');
  assert.equal(writeSection(file, 'results/toy.md', '| a |\n'), true);
  assert.equal(fs.readFileSync(file, 'utf8'), 'intro\n<!-- results/toy.md -->\n| a |\n<!-- end results/toy.md -->\noutro\n');
  assert.equal(writeSection(file, 'results/images.md', 'x'), false);
  assert.equal(readSection(fs.readFileSync(file, 'utf8'), 'results/toy.md'), '| a |');
  assert.throws(() => readSection('<!-- end results/toy.md -->\n<!-- results/toy.md -->', 'results/toy.md'), /comes before/);
});

// What the README shows of a suite is what its results file holds: both are written by `npm run results`.
test("the README's results sections are the suites' results files", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  let sections = 0;
  for (const suite of SUITES) {
    const source = `results/${suite}.md`;
    const shown = readSection(readme, source);
    if (shown === null) continue;
    sections++;
    assert.equal(shown, fs.readFileSync(path.join(ROOT, source), 'utf8').trim(), `README's ${source} section differs from the file: run npm run results -- --suite ${suite} --table-only`);
  }
  assert.ok(sections >= 1, 'the README shows at least one suite this way');
});
