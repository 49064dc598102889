import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFailure, listNotebooks, runNotebook } from '../../tools/notebooks';
import { findJupyter, HOW_TO_GET_JUPYTER, ROOT } from '../../lib/cli/jupyter';
import { failingClaims } from '../../tools/showcase';

/**
 * Every notebook runs top to bottom, headless, in quick mode, through Jupyter's own client and the tslab kernel.
 * CI installs Jupyter (.ci/run); elsewhere, without Jupyter, these tests are skipped and say why.
 */
interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

function outputs(file: string): Output[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { cell_type: string; outputs?: Output[] }[] };
  return nb.cells.flatMap((c) => c.outputs ?? []);
}

const text = (o: Output) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''));

const jupyter = findJupyter();
const skip = jupyter == null && process.env.CI !== 'true' ? `no Jupyter here. ${HOW_TO_GET_JUPYTER}` : false;

test('there is a notebook sequence to run', () => {
  assert.ok(listNotebooks().includes('00-setup.ipynb'));
});

// The sequence runs as on a fresh clone: an empty data cache (no trained classifier: notebook 07 trains one; the
// data sets come from Debian's package or are downloaded) and no run folders left by an earlier run of notebooks
// 09 and 11.
let freshCache = '';
before(() => {
  if (skip) return;
  freshCache = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-nb-cache-'));
  for (const dir of ['notebook-09-quick', 'notebook-11-quick']) fs.rmSync(path.join(ROOT, 'runs', dir), { recursive: true, force: true });
});
after(() => {
  if (freshCache) fs.rmSync(freshCache, { recursive: true, force: true });
});

for (const name of listNotebooks()) {
  test(`notebook ${name} runs top to bottom in quick mode`, { skip }, () => {
    const run = runNotebook(name, { env: { GAN_DATA_DIR: freshCache } });
    assert.ok(run.ok, describeFailure(run));
    const outs = outputs(run.executed);
    assert.ok(!outs.some((o) => o.output_type === 'error'), 'no error outputs');
    assert.deepEqual(failingClaims(JSON.parse(fs.readFileSync(run.executed, 'utf8'))), [], 'every claim the notebook states holds in quick mode');
    if (name === '00-setup.ipynb') {
      const stdout = outs.filter((o) => o.output_type === 'stream' && o.name === 'stdout').map(text).join('');
      assert.match(stdout, /backend {2}(wasm|tensorflow|webgpu|cpu)\ndevice/, 'the backend report');
      assert.match(stdout, /filter gradient +[\d.]+ ms/, 'the kernel timings');
      const bundles = outs.filter((o) => o.output_type === 'display_data').map((o) => Object.keys(o.data ?? {}));
      assert.ok(
        bundles.some((k) => k.includes('application/vnd.plotly.v1+json') && k.includes('text/html') && k.includes('text/plain')),
        'a Plotly chart as a full MIME bundle',
      );
      assert.ok(bundles.some((k) => k.includes('image/png')), 'a PNG sample grid');
      assert.ok(run.html && fs.existsSync(run.html), 'an HTML export');
    }
  });
}

test('a failing cell is reported with the message tslab wrote to its stderr', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-nb-'));
  const file = `${dir}/99-broken.ipynb`;
  const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  fs.writeFileSync(
    file,
    JSON.stringify({
      cells: [cell('const a = 1;'), cell("throw new Error('the real cause: bad learning rate');"), cell('const never = 2;')],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  const run = runNotebook(file);
  assert.equal(run.ok, false);
  assert.equal(run.failure?.cell, 1);
  assert.match(describeFailure(run), /the real cause: bad learning rate/);
  fs.rmSync(dir, { recursive: true, force: true });
});
