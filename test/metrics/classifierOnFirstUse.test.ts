import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend, kitClassifier } from '../../lib';
import { repositoryClassifierDir } from '../../lib/metrics/kitClassifier';

test('kitClassifier trains the quick classifier on first use in an empty cache, saves it, and loads it after', async () => {
  await initBackend({ backend: 'wasm' });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-classifier-'));
  try {
    const lines: string[] = [];
    const first = await kitClassifier({ quick: true, cache, log: (l) => lines.push(l) });
    assert.equal(first.trained, true);
    assert.match(lines[0], /no quick fashion-mnist classifier .* training it once/);
    assert.ok(lines.some((l) => /classifier epoch 1\/1/.test(l)), 'progress is shown');
    assert.ok(fs.existsSync(path.join(cache, 'classifiers', 'fashion-mnist-quick', 'checkpoint.json')), 'kept apart from the full classifier');
    assert.ok(!fs.existsSync(path.join(cache, 'classifiers', 'fashion-mnist')));
    // One epoch over 10,000 images is a usable classifier, far above chance (10%).
    assert.ok(Number(first.info.testAccuracy) > 0.7, `test accuracy ${first.info.testAccuracy}`);
    assert.equal(first.info.trainExamples, 10000);

    const again = await kitClassifier({ quick: true, cache, log: (l) => lines.push(`again: ${l}`) });
    assert.equal(again.trained, false, 'the second call loads what the first saved');
    assert.ok(!lines.some((l) => l.startsWith('again: ')), 'and trains nothing');
    const x = tf.randomUniform([4, 32, 32, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(first.model.apply(x), again.model.apply(x)))).dataSync()[0]);
    assert.ok(gap < 1e-6, `the reloaded classifier computes the same logits (max |Δ| ${gap})`);
    tf.dispose([x]);
    first.model.dispose();
    again.model.dispose();
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("with an empty cache, the full Fashion-MNIST classifier is the repository's, loaded without training", async () => {
  await initBackend({ backend: 'wasm' });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-classifier-'));
  try {
    const lines: string[] = [];
    const kit = await kitClassifier({ cache, log: (l) => lines.push(l) });
    assert.equal(kit.trained, false);
    assert.deepEqual(lines, [], 'nothing trained, nothing said');
    assert.ok(!fs.existsSync(path.join(cache, 'classifiers', 'fashion-mnist')), 'the cache is left as it was');
    // The weights every committed score was measured with: 4 epochs over the 60,000 training images, 91% on the test
    // set (classifier.test.ts measures it again).
    assert.equal(kit.info.trainExamples, 60000);
    assert.ok(Number(kit.info.testAccuracy) >= 0.9);
    kit.model.dispose();
    // MNIST has no copy in the repository: it would be trained (not done here).
    assert.ok(!fs.existsSync(path.join(repositoryClassifierDir('mnist'), 'checkpoint.json')));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
