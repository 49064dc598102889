/** A minimal GIF decoder for tests: global palette, every frame's palette indices (LZW decoded). */
export function decodeGif(b: Buffer): { width: number; height: number; palette: Uint8Array; frames: Uint8Array[] } {
  if (b.subarray(0, 6).toString('ascii') !== 'GIF89a') throw new Error('not a GIF89a file');
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  const flags = b[10];
  const size = 2 << (flags & 7);
  const palette = Uint8Array.from(b.subarray(13, 13 + 3 * size));
  let p = 13 + (flags & 0x80 ? 3 * size : 0);
  const frames: Uint8Array[] = [];
  const subBlocks = () => {
    const parts: Buffer[] = [];
    while (b[p] !== 0) {
      parts.push(b.subarray(p + 1, p + 1 + b[p]));
      p += b[p] + 1;
    }
    p++;
    return Buffer.concat(parts);
  };
  while (b[p] !== 0x3b) {
    if (b[p] === 0x21) {
      p += 2;
      subBlocks();
    } else if (b[p] === 0x2c) {
      const w = b.readUInt16LE(p + 5);
      const h = b.readUInt16LE(p + 7);
      p += 10;
      const minCode = b[p++];
      frames.push(lzwDecode(subBlocks(), minCode, w * h));
    } else throw new Error(`unexpected GIF block 0x${b[p].toString(16)} at ${p}`);
  }
  return { width, height, palette, frames };
}

function lzwDecode(data: Buffer, minCode: number, count: number): Uint8Array {
  const clear = 1 << minCode;
  const out = new Uint8Array(count);
  let n = 0;
  let width = minCode + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    width = minCode + 1;
  };
  reset();
  let prev: number[] | null = null;
  let bit = 0;
  for (;;) {
    let code = 0;
    for (let i = 0; i < width; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === clear + 1) break;
    const entry: number[] = code < dict.length ? dict[code] : [...prev!, prev![0]];
    for (const v of entry) out[n++] = v;
    if (prev) dict.push([...prev, entry[0]]);
    prev = entry;
    if (dict.length === 1 << width && width < 12) width++;
  }
  return out;
}
