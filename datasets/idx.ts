import { DatasetError } from './errors';
import { gunzip } from './cache';

/** An IDX array (the MNIST format): unsigned bytes with their dimensions. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX file, gunzipping first when it is compressed. Checks the magic number (two zero bytes, type 0x08
 * = unsigned byte, the number of dimensions) and that the payload holds exactly the declared element count.
 */
export function parseIdx(bytes: Buffer, where: string): IdxArray {
  const raw = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, where) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) {
    throw new DatasetError(`${where} is not an IDX file (wrong magic number ${raw.subarray(0, 4).toString('hex')}); expected MNIST-format data`);
  }
  if (raw[2] !== 0x08) throw new DatasetError(`${where}: IDX element type 0x${raw[2].toString(16)} is not unsigned byte (0x08), which MNIST-format images and labels use`);
  const ndims = raw[3];
  const header = 4 + 4 * ndims;
  if (ndims === 0 || raw.length < header) throw new DatasetError(`${where}: IDX header is truncated`);
  const dims = Array.from({ length: ndims }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length - header !== count) {
    throw new DatasetError(`${where}: IDX header declares ${dims.join('×')} = ${count} values but the file holds ${raw.length - header}; it is truncated or damaged`);
  }
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + header, count) };
}
