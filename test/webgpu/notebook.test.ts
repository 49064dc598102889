import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { findJupyter, HOW_TO_GET_JUPYTER } from '../../lib/cli/jupyter';
import { describeFailure, runNotebook } from '../../tools/notebooks';
import { startWebgpu } from './gpu';

/** The setup notebook, end to end in quick mode on webgpu (SwiftShader here): what a GPU user runs first. */
test('notebook 00-setup runs top to bottom on webgpu', async (t) => {
  if (!(await startWebgpu(t))) return;
  if (findJupyter() == null) {
    if (process.env.CI === 'true') throw new Error(`CI must run the notebooks: ${HOW_TO_GET_JUPYTER}`);
    t.skip(`no Jupyter here. ${HOW_TO_GET_JUPYTER}`);
    return;
  }
  const run = runNotebook('00-setup', { env: { GAN_BACKEND: 'webgpu', GAN_WEBGPU_SOFTWARE: '1' }, tag: 'webgpu' });
  assert.ok(run.ok, describeFailure(run));
  const nb = JSON.parse(fs.readFileSync(run.executed, 'utf8')) as { cells: { outputs?: { output_type: string; text?: string[] | string; data?: Record<string, unknown> }[] }[] };
  const outs = nb.cells.flatMap((c) => c.outputs ?? []);
  assert.ok(!outs.some((o) => o.output_type === 'error'), 'no error outputs');
  const stdout = outs.map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))).join('');
  assert.match(stdout, /backend {2}webgpu\ndevice {3}\S/, 'the report says webgpu and names the adapter');
  assert.match(stdout, /filter gradient +[\d.]+ ms/, 'the kernel timings');
  assert.ok(outs.some((o) => o.data && 'image/png' in o.data), 'the sample grid, read back from the GPU');
});
