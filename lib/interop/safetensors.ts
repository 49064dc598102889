import * as fs from 'node:fs';

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each tensor
 * name to { dtype, shape, data_offsets: [begin, end] } (offsets into the data that follows), then the raw
 * little-endian data. PyTorch loads it with `safetensors.torch.load_file`. F32 and F16/BF16 are read (as float32),
 * I64 and I32 as int32 (step counters).
 */
export interface NamedArray {
  shape: number[];
  data: Float32Array | Int32Array;
}

const F16 = (h: number) => {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
};

/** Reads every tensor of a safetensors file by name; a file that is not one, or is truncated, is a clear error. */
export function readSafetensors(file: string): Map<string, NamedArray> {
  if (!fs.existsSync(file)) throw new Error(`no file at ${file}`);
  const buf = fs.readFileSync(file);
  if (buf.length < 8) throw new Error(`${file} is not a safetensors file (${buf.length} bytes)`);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (headerLength > buf.length - 8 || headerLength > 100_000_000) {
    throw new Error(`${file} is not a safetensors file (header length ${headerLength} of ${buf.length} bytes). A PyTorch .pth/.pt file must be converted first; see README "Weights from BigGAN-PyTorch"`);
  }
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  } catch {
    throw new Error(`${file}: the safetensors header is not valid JSON (is the file damaged?)`);
  }
  const data = buf.subarray(8 + headerLength);
  const out = new Map<string, NamedArray>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = e.data_offsets;
    if (end > data.length) throw new Error(`${file} is truncated: tensor ${name} ends at byte ${end} of ${data.length}`);
    const bytes = data.subarray(begin, end);
    const count = e.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array | Int32Array;
    if (e.dtype === 'F32') values = new Float32Array(new Uint8Array(bytes).buffer);
    else if (e.dtype === 'F16') values = Float32Array.from({ length: count }, (_, i) => F16(bytes.readUInt16LE(2 * i)));
    else if (e.dtype === 'BF16') values = Float32Array.from({ length: count }, (_, i) => new Float32Array(new Uint32Array([bytes.readUInt16LE(2 * i) << 16]).buffer)[0]);
    else if (e.dtype === 'I64') values = Int32Array.from({ length: count }, (_, i) => Number(bytes.readBigInt64LE(8 * i)));
    else if (e.dtype === 'I32') values = new Int32Array(new Uint8Array(bytes).buffer);
    else throw new Error(`${file}: tensor ${name} has dtype ${e.dtype}; F32, F16, BF16, I64 and I32 are supported`);
    if (values.length !== count) throw new Error(`${file}: tensor ${name} has ${values.length} values for shape [${e.shape}]`);
    out.set(name, { shape: e.shape, data: values });
  }
  return out;
}

/** Writes float32 (F32) and int32 (I32) arrays as safetensors; `metadata` goes in the header's __metadata__. */
export function writeSafetensors(file: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.data instanceof Int32Array ? 'I32' : 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // The data start is aligned to 8 bytes, as the reference writer pads the header with spaces.
  const pad = (8 - (json.length % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, json, ...parts]));
}
