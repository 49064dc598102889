import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { classifierDir, loadClassifier } from '../../lib/metrics/classifier';
import { trainedKitClassifierDir } from '../../lib/metrics/kitClassifier';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The Fashion-MNIST classifier the library measures with: the data cache's where `npm run classifier` trained one,
 * else the repository's (results/weights/classifier-fashion-mnist), else trained by `npm run classifier` first.
 */
export function kitClassifier(): ReturnType<typeof loadClassifier> {
  const found = trainedKitClassifierDir();
  if (found) return loadClassifier(found);
  const r = spawnSync(process.execPath, [path.join(root, 'build', 'lib', 'cli', 'classifier.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm' } });
  assert.equal(r.status, 0, r.stderr);
  console.log(r.stdout.trim().split('\n').slice(-5).join('\n'));
  return loadClassifier(classifierDir('fashion-mnist'));
}
