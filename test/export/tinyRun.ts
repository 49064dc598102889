import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * A run folder of a small conditional DCGAN on Fashion-MNIST, trained for a few steps by `npm run train`; `extra`
 * settings are merged into its config.
 */
export function tinyConditionalRun(steps = 2, extra: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-'));
  const config = path.join(dir, 'tiny.json');
  fs.writeFileSync(config, JSON.stringify({ extends: 'dcgan', arch: { ch: 4 }, conditional: true, dataLimit: 256, batchSize: 8, steps, logEvery: 1, ...extra }));
  const out = path.join(dir, 'run');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'train.js'), '--config', config, '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm' } });
  assert.equal(r.status, 0, r.stderr);
  return out;
}
