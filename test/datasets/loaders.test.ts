import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { batches, batchSource, DatasetError, DEBIAN_FASHION_MNIST, FASHION_CLASSES, fromCifarBatches, loadCifar10, loadImageFolder, loadMnist, untar } from '../../datasets';
import { tf } from '../../lib';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

const debian = fs.existsSync(path.join(DEBIAN_FASHION_MNIST, 't10k-labels-idx1-ubyte.gz'));
const noDebian = !debian && process.env.CI !== 'true' ? `Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)` : false;

test("Fashion-MNIST loads from Debian's package, verified, without any download", { skip: noDebian }, async () => {
  const dir = tmp('gan-fm-');
  const failFetch = () => {
    throw new Error('no download expected');
  };
  const saved = globalThis.fetch;
  globalThis.fetch = failFetch as unknown as typeof fetch;
  try {
    const test10k = await loadMnist({ name: 'fashion-mnist', split: 'test', dir });
    assert.deepEqual(test10k.images.shape, [10000, 28, 28, 1]);
    assert.equal(test10k.labels.length, 10000);
    assert.deepEqual(test10k.classNames, FASHION_CLASSES);
    const counts = new Array(10).fill(0);
    for (const l of test10k.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(1000), 'the test split has 1000 images per class');
    const [min, max] = [test10k.images.min().dataSync()[0], test10k.images.max().dataSync()[0]];
    assert.deepEqual([min, max], [-1, 1]);
    test10k.images.dispose();
    const train = await loadMnist({ split: 'train', dir, limit: 500, pad32: true });
    assert.deepEqual(train.images.shape, [500, 32, 32, 1]);
    train.images.dispose();
  } finally {
    globalThis.fetch = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A CIFAR-10 binary record set: label k, then planes R = 10k, G = 10k+1, B = 10k+2. */
function cifarBatch(labels: number[]): Buffer {
  return Buffer.concat(labels.map((l) => Buffer.concat([Buffer.from([l]), Buffer.alloc(1024, 10 * l), Buffer.alloc(1024, 10 * l + 1), Buffer.alloc(1024, 10 * l + 2)])));
}

test('CIFAR-10 binary records become NHWC images with labels; the tar reader finds the batches', () => {
  const dir = tmp('gan-cifar-');
  fs.mkdirSync(path.join(dir, 'cifar-10-batches-bin'));
  fs.writeFileSync(path.join(dir, 'cifar-10-batches-bin', 'test_batch.bin'), cifarBatch([3, 9]));
  execFileSync('tar', ['-czf', path.join(dir, 'a.tar.gz'), '-C', dir, 'cifar-10-batches-bin']);
  const files = untar(require('node:zlib').gunzipSync(fs.readFileSync(path.join(dir, 'a.tar.gz'))), 'fixture');
  const batch = files.get('cifar-10-batches-bin/test_batch.bin');
  assert.ok(batch, `found ${[...files.keys()]}`);
  const ds = fromCifarBatches([batch], 'fixture');
  assert.deepEqual(ds.images.shape, [2, 32, 32, 3]);
  assert.deepEqual(Array.from(ds.labels), [3, 9]);
  const px = ds.images.dataSync();
  assert.deepEqual([px[0], px[1], px[2]].map((v) => Math.round((v + 1) * 127.5)), [30, 31, 32], 'R, G, B planes interleaved');
  ds.images.dispose();
  assert.throws(() => fromCifarBatches([batch.subarray(0, 3000)], 'fixture'), /not a whole number of 3073-byte records/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a damaged cached CIFAR-10 archive is an error that says to delete it', async () => {
  const dir = tmp('gan-cifar-');
  fs.writeFileSync(path.join(dir, 'cifar-10-binary.tar.gz'), 'truncated');
  await assert.rejects(loadCifar10({ dir }), (e: unknown) => e instanceof DatasetError && /does not match its published checksum .*delete it/.test((e as Error).message));
  fs.rmSync(dir, { recursive: true, force: true });
});

function png(file: string, w: number, h: number, color: string): void {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, w, h);
  fs.writeFileSync(file, canvas.toBuffer('image/png'));
}

test('an image folder loads with labels per class folder, centre-cropped and resized, skips an unreadable file by path, and caches', async () => {
  const root = tmp('gan-folder-');
  const cache = tmp('gan-cache-');
  fs.mkdirSync(path.join(root, 'red'));
  fs.mkdirSync(path.join(root, 'blue'));
  png(path.join(root, 'red', 'a.png'), 40, 20, '#ff0000');
  png(path.join(root, 'red', 'b.png'), 20, 20, '#ff0000');
  png(path.join(root, 'blue', 'c.png'), 10, 30, '#0000ff');
  fs.writeFileSync(path.join(root, 'blue', 'broken.png'), 'this is not a png');
  fs.writeFileSync(path.join(root, 'blue', 'notes.txt'), 'ignored');
  const lines: string[] = [];
  const ds = await loadImageFolder({ root, resolution: 8, cache, log: (l) => lines.push(l) });
  assert.deepEqual(ds.classNames, ['blue', 'red']);
  assert.deepEqual(ds.images.shape, [3, 8, 8, 3]);
  assert.deepEqual(Array.from(ds.labels).sort(), [0, 1, 1]);
  assert.deepEqual(ds.histogram, [1, 2]);
  assert.equal(ds.skipped.length, 1);
  assert.match(ds.skipped[0].path, /blue\/broken\.png$/);
  assert.ok(lines.some((l) => /skipped unreadable image .*broken\.png/.test(l)));
  assert.ok(lines.some((l) => /3 images, 2 classes: blue 1, red 2/.test(l)));
  const px = ds.images.dataSync();
  const blue = ds.labels.indexOf(0);
  assert.deepEqual([px[blue * 192], px[blue * 192 + 1], px[blue * 192 + 2]], [-1, -1, 1]);
  ds.images.dispose();
  const cached = fs.readdirSync(path.join(cache, 'image-folders'));
  assert.equal(cached.length, 2, 'tensor file and its metadata');
  const again = await loadImageFolder({ root, resolution: 8, cache, log: () => undefined });
  assert.deepEqual(Array.from(again.labels), Array.from(ds.labels));
  again.images.dispose();
  await assert.rejects(loadImageFolder({ root, resolution: 8, cache: false, onUnreadable: 'fail', log: () => undefined }), /cannot decode .*broken\.png/);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
});

test('image-folder layouts that would mislabel everything are errors naming the fix', async () => {
  const root = tmp('gan-folder-');
  await assert.rejects(loadImageFolder({ root: path.join(root, 'missing'), resolution: 8 }), /does not exist; pass the folder that holds one sub-folder per class/);
  png(path.join(root, 'loose.png'), 4, 4, '#fff');
  await assert.rejects(loadImageFolder({ root, resolution: 8 }), /holds 1 image\(s\) directly .*expected one sub-folder per class/);
  fs.rmSync(path.join(root, 'loose.png'));
  fs.mkdirSync(path.join(root, 'only'));
  png(path.join(root, 'only', 'x.png'), 4, 4, '#fff');
  await assert.rejects(loadImageFolder({ root, resolution: 8, cache: false }), /single class folder 'only', so every image would get label 0/);
  const ok = await loadImageFolder({ root, resolution: 8, cache: false, allowSingleClass: true, log: () => undefined });
  assert.deepEqual(ok.histogram, [1]);
  ok.images.dispose();
  fs.mkdirSync(path.join(root, 'empty'));
  await assert.rejects(loadImageFolder({ root, resolution: 8, cache: false }), /empty hold no PNG or JPEG images/);
  fs.rmSync(root, { recursive: true, force: true });
});

test('batches: seeded shuffles, labels aligned with images, drop-last, epochs, and no tensor outlives the loop', () => {
  const n = 10;
  const images = tf.tensor4d(Float32Array.from({ length: n }, (_, i) => i), [n, 1, 1, 1]);
  const labels = Int32Array.from({ length: n }, (_, i) => 100 + i);
  const live = tf.memory().numTensors;
  const seen: number[][] = [];
  for (const b of batches({ images, labels }, { batchSize: 4, seed: 1, epochs: 2 })) {
    const xs = Array.from(b.x.dataSync());
    assert.deepEqual(Array.from(b.y!.dataSync()), xs.map((x) => 100 + x), 'labels follow their images');
    seen.push(xs);
    assert.ok(tf.memory().numTensors <= live + 4, 'at most the current and the prefetched batch are alive');
  }
  assert.equal(tf.memory().numTensors, live, 'all batches freed');
  assert.equal(seen.length, 4, '2 full batches per epoch (drop-last) × 2 epochs');
  assert.notDeepEqual(seen[0], seen[2], 'each epoch is shuffled anew');
  const again = [...batches({ images, labels }, { batchSize: 4, seed: 1, epochs: 2 })].length;
  assert.equal(again, 4);
  const gen = batches({ images }, { batchSize: 4, seed: 1 });
  const first = gen.next().value;
  assert.deepEqual(first && Array.from(first.x.dataSync()), seen[0], 'the same seed gives the same order');
  gen.return(undefined);
  assert.equal(tf.memory().numTensors, live, 'closing an iterator frees its batches');
  const sizes: number[] = [];
  for (const b of batches({ images }, { batchSize: 3, dropLast: false, shuffle: false })) {
    sizes.push(b.x.shape[0]);
    if (b.index === 3) assert.deepEqual(Array.from(b.x.dataSync()), [9], 'the last, short batch');
  }
  assert.deepEqual(sizes, [3, 3, 3, 1], 'without drop-last, 10 examples make three batches of 3 and one of 1');
  assert.equal(tf.memory().numTensors, live, 'a loop run to its end frees its batches');
  for (const b of batches({ images }, { batchSize: 3, dropLast: false, shuffle: false })) {
    if (b.index === 1) break;
  }
  assert.equal(tf.memory().numTensors, live, 'a loop left with break frees its batches');
  assert.throws(() => batches({ images }, { batchSize: 11 }).next(), /larger than the 10 examples/);
  images.dispose();
});

test('a batch source is a pure function of its position, labels aligned, freed by the caller’s tidy', () => {
  const images = tf.tensor4d(Float32Array.from({ length: 20 }, (_, i) => i), [20, 1, 1, 1]);
  const labels = Int32Array.from({ length: 20 }, (_, i) => 1000 + i);
  const source = batchSource({ images, labels }, { batchSize: 5, seed: 2 });
  const live = tf.memory().numTensors;
  const read = (s: number, d: number, m: number) =>
    tf.tidy(() => {
      const b = source(s, d, m);
      return [Array.from(b.x.dataSync()), Array.from(b.y!.dataSync())];
    });
  const [x1, y1] = read(3, 0, 1);
  assert.deepEqual(read(3, 0, 1), [x1, y1], 'same position, same batch');
  assert.notDeepEqual(read(3, 1, 1)[0], x1, 'another D step, another batch');
  assert.deepEqual(y1, x1.map((v) => 1000 + v));
  assert.equal(tf.memory().numTensors, live);
  assert.throws(() => batchSource({ images }, { batchSize: 21 }), /from 1 to the 20 examples, got 21/);
  images.dispose();
});
