import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifierDir, loadClassifier } from '../../lib/metrics/classifier';

const root = path.resolve(__dirname, '..', '..', '..');

/** The cached Fashion-MNIST classifier, trained by `npm run classifier` first where the cache has none (CI: ~5 min on 2 cores). */
export function kitClassifier(): ReturnType<typeof loadClassifier> {
  const dir = classifierDir('fashion-mnist');
  if (!fs.existsSync(path.join(dir, 'checkpoint.json'))) {
    const r = spawnSync(process.execPath, [path.join(root, 'build', 'lib', 'cli', 'classifier.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm' } });
    assert.equal(r.status, 0, r.stderr);
    console.log(r.stdout.trim().split('\n').slice(-5).join('\n'));
  }
  return loadClassifier(dir);
}
