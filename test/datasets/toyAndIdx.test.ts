import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bimodal1d, DatasetError, fetchVerified, fromIdx, grid25, ring8, stackedMnist, type RemoteFile } from '../../datasets';
import { tf } from '../../lib';
import { idxFile } from './fixtures';
import { createHash } from 'node:crypto';

test('PacGAN toy mixtures: ring of 8 at radius 1 with σ 0.01, grid of 25 at {-4..4}² with σ 0.05, samples near the modes', () => {
  const ring = ring8();
  assert.equal(ring.centres.length, 8);
  assert.equal(ring.sigma, 0.01);
  for (const [x, y] of ring.centres) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-12);
  const grid = grid25();
  assert.equal(grid.centres.length, 25);
  assert.equal(grid.sigma, 0.05);
  assert.deepEqual([...new Set(grid.centres.map(([x]) => x))].sort((a, b) => a - b), [-4, -2, 0, 2, 4]);
  for (const mix of [ring, grid]) {
    const s = mix.sample(2000, 3);
    const hits = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const d = mix.centres.map(([cx, cy]) => Math.hypot(s[2 * i] - cx, s[2 * i + 1] - cy));
      const k = d.indexOf(Math.min(...d));
      assert.ok(d[k] < 6 * mix.sigma, `${mix.name}: sample ${i} is ${d[k]} from its nearest mode`);
      hits.add(k);
    }
    assert.equal(hits.size, mix.centres.length, `${mix.name}: every mode is drawn from`);
    assert.deepEqual(mix.sample(5, 9), mix.sample(5, 9), 'seeded');
    assert.notDeepEqual(mix.sample(5, 9), mix.sample(5, 10));
  }
  const b = bimodal1d();
  const xs = b.sample(4000, 1);
  assert.ok(Math.abs(xs.reduce((a, v) => a + v, 0) / xs.length) < 0.15, 'symmetric modes average to ~0');
  assert.ok(Math.abs(b.density(-2) - b.density(2)) < 1e-12 && b.density(0) < b.density(2));
});

test('IDX images and labels load as [-1, 1] tensors with labels and class names, padded to 32 on request', () => {
  const pixels = [0, 255, 128, 0, 255, 255, 0, 0];
  const ds = fromIdx(idxFile([2, 2, 2], pixels), idxFile([2], [3, 7]), 'fixture', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  assert.deepEqual(ds.images.shape, [2, 2, 2, 1]);
  const v = Array.from(ds.images.dataSync());
  assert.deepEqual(v.map((x) => Math.round(x * 1000) / 1000), pixels.map((p) => Math.round((p / 127.5 - 1) * 1000) / 1000));
  assert.deepEqual(Array.from(ds.labels), [3, 7]);
  ds.images.dispose();
  const padded = fromIdx(idxFile([1, 28, 28], new Array(784).fill(255)), idxFile([1], [0], true), 'fixture', ['x'], { pad32: true });
  assert.deepEqual(padded.images.shape, [1, 32, 32, 1]);
  const p = padded.images.dataSync();
  assert.equal(p[0], -1, 'border is background');
  assert.equal(p[2 * 32 + 2], 1, 'the image sits centred');
  padded.images.dispose();
});

test('bad IDX input fails with a message that names the problem', () => {
  const names = ['0', '1'];
  const labels = idxFile([2], [0, 1]);
  const images = idxFile([2, 2, 2], new Array(8).fill(1));
  const cases: [Buffer, Buffer, RegExp][] = [
    [images.subarray(0, images.length - 6), labels, /not a valid gzip file .*truncated or damaged; delete it/],
    [Buffer.from('hello world, not idx'), labels, /not an IDX file \(wrong magic number/],
    [idxFile([2, 2, 2], new Array(8).fill(1), true).subarray(0, 19), labels, /declares 2×2×2 = 8 values but the file holds 3/],
    [images, idxFile([3], [0, 1, 1]), /2 images but 3 labels; the image and label files do not belong together/],
    [images, idxFile([2], [0, 5]), /label 5 at index 1 is outside 0\.\.1/],
  ];
  for (const [img, lab, message] of cases) {
    assert.throws(() => fromIdx(img, lab, 'fixture', names), (e: unknown) => e instanceof DatasetError && message.test((e as Error).message));
  }
});

test('downloads are verified, cached atomically, and a missing network names the file and where to put it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-data-'));
  const body = idxFile([2], [1, 2]);
  const spec: RemoteFile = { file: 'sub/labels.gz', url: 'https://example.invalid/labels.gz', md5: createHash('md5').update(body).digest('hex') };
  let calls = 0;
  const ok = (async () => {
    calls++;
    return new Response(body);
  }) as unknown as typeof fetch;
  assert.deepEqual(await fetchVerified(spec, { dir, fetchImpl: ok }), body);
  assert.ok(fs.existsSync(path.join(dir, 'sub/labels.gz')));
  await fetchVerified(spec, { dir, fetchImpl: ok });
  assert.equal(calls, 1, 'the second load comes from the cache');

  const offline = (async () => {
    throw new Error('getaddrinfo ENOTFOUND');
  }) as unknown as typeof fetch;
  await assert.rejects(fetchVerified({ ...spec, file: 'other.gz' }, { dir, fetchImpl: offline }), (e: unknown) =>
    /cannot download other\.gz .*ENOTFOUND.*place it at .*other\.gz/.test((e as Error).message),
  );
  const damaged = (async () => new Response(body.subarray(0, 10))) as unknown as typeof fetch;
  await assert.rejects(fetchVerified({ ...spec, file: 'third.gz' }, { dir, fetchImpl: damaged }), /does not match its published checksum.*nothing was written/);
  assert.ok(!fs.existsSync(path.join(dir, 'third.gz')));

  fs.writeFileSync(path.join(dir, 'sub/labels.gz'), body.subarray(0, 12));
  await assert.rejects(fetchVerified(spec, { dir, fetchImpl: ok }), /labels\.gz does not match its published checksum .*delete it and load again/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('stacked MNIST puts three digits into R, G, B and labels the 1000 modes', () => {
  const digits = fromIdx(idxFile([3, 2, 2], [0, 0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 255]), idxFile([3], [0, 1, 2]), 'digits', ['0', '1', '2']);
  const stacked = stackedMnist(digits, 50, 4);
  assert.deepEqual(stacked.images.shape, [50, 2, 2, 3]);
  assert.equal(stacked.classNames.length, 1000);
  const px = stacked.images.dataSync();
  for (let i = 0; i < 50; i++) {
    const l = stacked.labels[i];
    const ds = [Math.floor(l / 100), Math.floor(l / 10) % 10, l % 10];
    assert.ok(ds.every((d) => d <= 2));
    // Pixel (0,1) of digit 0 is black, of digits 1 and 2 white; pixel (0,0) is white for digit 1 only.
    ds.forEach((d, ch) => assert.equal(px[i * 12 + 3 + ch], d === 0 ? -1 : 1));
    ds.forEach((d, ch) => assert.equal(px[i * 12 + ch], d === 1 ? 1 : -1));
  }
  assert.ok(new Set(stacked.labels).size > 10, 'many modes drawn');
  tf.dispose([digits.images, stacked.images]);
});
