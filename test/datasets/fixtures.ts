import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes with the given dimensions (the MNIST format), gzipped unless `raw`. */
export function idxFile(dims: number[], values: ArrayLike<number>, raw = false): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const file = Buffer.concat([header, Buffer.from(Uint8Array.from(values))]);
  return raw ? file : gzipSync(file);
}
