/**
 * An animated GIF from RGB frames, with no dependency: a fixed 256-colour palette (a 6×7×6 colour cube plus grey
 * levels), LZW-compressed frames and a looping extension. Enough for latent walks and training time-lapses.
 */
export interface GifFrame {
  width: number;
  height: number;
  /** RGB bytes, row-major, 3 per pixel. */
  rgb: Uint8Array;
}

/** 256 greys for grey-scale frames; otherwise a 6×7×6 colour cube (green gets the extra level) plus 4 greys. */
function palette(grey: boolean): Uint8Array {
  const p = new Uint8Array(256 * 3);
  if (grey) {
    for (let v = 0; v < 256; v++) p.set([v, v, v], 3 * v);
    return p;
  }
  let i = 0;
  for (let r = 0; r < 6; r++) for (let g = 0; g < 7; g++) for (let b = 0; b < 6; b++, i++) p.set([Math.round((r * 255) / 5), Math.round((g * 255) / 6), Math.round((b * 255) / 5)], 3 * i);
  for (const v of [64, 128, 192, 255]) p.set([v, v, v], 3 * i++);
  return p;
}

const cubeIndex = (r: number, g: number, b: number) => Math.round((r * 5) / 255) * 42 + Math.round((g * 6) / 255) * 6 + Math.round((b * 5) / 255);

/** LZW as GIF uses it: variable code width from minCode+1 bits, clear and end codes, packed little-endian. */
function lzw(indices: Uint8Array, minCode = 8): Uint8Array {
  const clear = 1 << minCode;
  const end = clear + 1;
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  let width = minCode + 1;
  const emit = (code: number) => {
    acc |= code << bits;
    bits += width;
    while (bits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  };
  let dict = new Map<number, number>();
  let next = end + 1;
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = (prefix << 8) | k;
    const found = dict.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << width && width < 12) width++;
    } else {
      emit(clear);
      dict = new Map();
      next = end + 1;
      width = minCode + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (bits > 0) out.push(acc & 0xff);
  return Uint8Array.from(out);
}

/** Encodes frames (all the same size) as a looping GIF with `delayMs` per frame. */
export function encodeGif(frames: GifFrame[], o: { delayMs?: number } = {}): Buffer {
  if (frames.length === 0) throw new Error('encodeGif needs at least one frame');
  const { width, height } = frames[0];
  const isGrey = (f: GifFrame) => f.rgb.every((v, i) => i % 3 !== 0 || (v === f.rgb[i + 1] && v === f.rgb[i + 2]));
  const grey = frames.every(isGrey);
  const parts: Buffer[] = [];
  const u16 = (v: number) => Buffer.from([v & 0xff, (v >> 8) & 0xff]);
  parts.push(Buffer.from('GIF89a', 'ascii'), u16(width), u16(height), Buffer.from([0xf7, 0, 0]), Buffer.from(palette(grey)));
  parts.push(Buffer.from([0x21, 0xff, 0x0b]), Buffer.from('NETSCAPE2.0', 'ascii'), Buffer.from([3, 1, 0, 0, 0]));
  const delay = Math.round((o.delayMs ?? 100) / 10);
  for (const f of frames) {
    if (f.width !== width || f.height !== height) throw new Error(`encodeGif: frame is ${f.width}×${f.height}, the first was ${width}×${height}`);
    const idx = new Uint8Array(width * height);
    for (let p = 0; p < idx.length; p++) idx[p] = grey ? f.rgb[3 * p] : cubeIndex(f.rgb[3 * p], f.rgb[3 * p + 1], f.rgb[3 * p + 2]);
    parts.push(Buffer.from([0x21, 0xf9, 4, 0]), u16(delay), Buffer.from([0, 0]));
    parts.push(Buffer.from([0x2c]), u16(0), u16(0), u16(width), u16(height), Buffer.from([0]));
    const data = lzw(idx);
    parts.push(Buffer.from([8]));
    for (let s = 0; s < data.length; s += 255) {
      const block = data.subarray(s, s + 255);
      parts.push(Buffer.from([block.length]), Buffer.from(block));
    }
    parts.push(Buffer.from([0]));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}
