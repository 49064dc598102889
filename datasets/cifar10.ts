import { fetchVerified, gunzip, type RemoteFile } from './cache';
import { DatasetError } from './errors';
import { bytesToImages, type LabelledImages } from './labelled';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const ARCHIVE: RemoteFile = {
  file: 'cifar-10-binary.tar.gz',
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
};

const RECORD = 1 + 3 * 32 * 32;

/** The regular files of a (ustar) tar archive, by name. Nothing is written to disk. */
export function untar(tar: Buffer, where: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.subarray(from, from + len).toString('latin1').replace(/\0.*$/s, '').trim();
    const name = (field(345, 155) ? `${field(345, 155)}/` : '') + field(0, 100);
    const size = parseInt(field(124, 12) || '0', 8);
    const type = field(156, 1) || '0';
    if (!Number.isFinite(size) || at + 512 + size > tar.length) throw new DatasetError(`${where}: tar entry ${name} is truncated; delete the archive and load again`);
    if (type === '0') files.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Records of the binary version: 1 label byte, then 1024 R, 1024 G, 1024 B bytes (row-major 32×32). */
export function fromCifarBatches(batches: Buffer[], where: string, limit?: number): LabelledImages {
  for (const b of batches) {
    if (b.length % RECORD !== 0) throw new DatasetError(`${where}: a batch of ${b.length} bytes is not a whole number of ${RECORD}-byte records; the file is damaged`);
  }
  const total = batches.reduce((n, b) => n + b.length / RECORD, 0);
  const n = Math.min(total, limit ?? total);
  const pixels = new Uint8Array(n * 32 * 32 * 3);
  const labels = new Int32Array(n);
  let i = 0;
  for (const b of batches) {
    for (let r = 0; r < b.length / RECORD && i < n; r++, i++) {
      const rec = b.subarray(r * RECORD, (r + 1) * RECORD);
      labels[i] = rec[0];
      if (rec[0] > 9) throw new DatasetError(`${where}: label ${rec[0]} of record ${i} is outside 0..9; the file is damaged`);
      for (let p = 0; p < 1024; p++) {
        pixels[(i * 1024 + p) * 3] = rec[1 + p];
        pixels[(i * 1024 + p) * 3 + 1] = rec[1 + 1024 + p];
        pixels[(i * 1024 + p) * 3 + 2] = rec[1 + 2048 + p];
      }
    }
  }
  return { images: bytesToImages(pixels, [n, 32, 32, 3]), labels, classNames: CIFAR10_CLASSES };
}

/** CIFAR-10 (binary version), downloaded once into the cache and checked against its published MD5. */
export async function loadCifar10(o: { split?: 'train' | 'test'; dir?: string; limit?: number } = {}): Promise<LabelledImages> {
  const split = o.split ?? 'train';
  const archive = await fetchVerified(ARCHIVE, { dir: o.dir });
  const files = untar(gunzip(archive, ARCHIVE.file), ARCHIVE.file);
  const names = split === 'train' ? [1, 2, 3, 4, 5].map((k) => `cifar-10-batches-bin/data_batch_${k}.bin`) : ['cifar-10-batches-bin/test_batch.bin'];
  const missing = names.filter((f) => !files.has(f));
  if (missing.length) throw new DatasetError(`${ARCHIVE.file} lacks ${missing.join(', ')}; it is not the CIFAR-10 binary version`);
  return fromCifarBatches(names.map((f) => files.get(f)!), `CIFAR-10 ${split}`, o.limit);
}
