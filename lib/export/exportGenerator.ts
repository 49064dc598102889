import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { LoadedGenerator } from '../run/loadGenerator';
import type { GeneratorSpec } from './generatorSpec';

/** Configures `exportGenerator`: how the weights are stored and the class names written into the spec. */
export interface ExportOptions {
  /**
   * Weight storage: 'float32' (exact), 'float16' (half the size) or 'uint8' (a quarter: per-tensor affine int8
   * quantisation, w ≈ min + scale·q, which TF.js decodes natively).
   */
  quantize?: 'float32' | 'float16' | 'uint8';
  classNames?: string[];
  /** Batches of standing statistics the generator's batch norms were given before export, to record in the spec. */
  standingBatches?: number;
}

/**
 * Per-tensor affine 8-bit quantisation: q = round((w − min) / scale), scale = (max − min) / 255, with the range
 * widened to hold 0 and shifted so that 0 is exactly a level — pruned weights stay exactly zero.
 */
export function quantizeUint8(values: Float32Array): { q: Uint8Array; min: number; scale: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // A scale with a 16-bit mantissa: level·scale (8 bits × 16 bits) is then exact in float32, so the level of 0
  // decodes to exactly 0 however TF.js orders the multiply and add.
  const raw = hi > lo ? (hi - lo) / 255 : 1;
  const unit = 2 ** (Math.floor(Math.log2(raw)) - 15);
  const scale = Math.ceil(raw / unit) * unit;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  const q = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round((v - min) / scale))));
  return { q, min, scale };
}

function toHalf(values: Float32Array): Uint16Array {
  // Round-to-nearest float32 → float16 bit patterns (TF.js decodes 'float16' quantisation from these).
  const f = new Float32Array(1);
  const i = new Uint32Array(f.buffer);
  return Uint16Array.from(values, (v) => {
    f[0] = v;
    const x = i[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = ((x >>> 23) & 0xff) - 127 + 15;
    const mant = x & 0x7fffff;
    if (exp <= 0) return exp < -10 ? sign : sign | ((mant | 0x800000) >> (1 - exp + 13));
    if (exp >= 31) return sign | 0x7c00;
    const half = sign | (exp << 10) | (mant >> 13);
    return mant & 0x1000 ? half + 1 : half;
  });
}

/**
 * Writes `generator.json` and `generator.bin` for a loaded generator: the files a browser (or Node) turns back into
 * the same model with `generatorFromSpec`. Returns the weight file's size in bytes.
 */
export function exportGenerator(loaded: LoadedGenerator, outDir: string, o: ExportOptions = {}): { specFile: string; bytes: number } {
  const quantize = o.quantize ?? 'float32';
  const parts: Buffer[] = [];
  const weights: tf.io.WeightsManifestEntry[] = [];
  for (const [name, v] of loaded.g.stateDict()) {
    const values = v.dataSync() as Float32Array;
    if (quantize === 'uint8') {
      const { q, min, scale } = quantizeUint8(values);
      weights.push({ name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
      parts.push(Buffer.from(q.buffer, q.byteOffset, q.byteLength));
    } else if (quantize === 'float16') {
      const h = toHalf(values);
      weights.push({ name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      parts.push(Buffer.from(h.buffer, h.byteOffset, h.byteLength));
    } else {
      weights.push({ name, shape: v.shape, dtype: 'float32' });
      parts.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    }
  }
  const bin = Buffer.concat(parts);
  const { cfg } = loaded;
  const classes = Number(cfg.arch.classes ?? 0);
  const spec: GeneratorSpec = {
    format: 'biggan-ts-generator',
    version: 1,
    model: cfg.model,
    arch: { ...cfg.arch, seed: cfg.seed + 1 },
    zDim: loaded.g.cfg.zDim,
    classes,
    classNames: o.classNames ?? Array.from({ length: classes }, (_, k) => String(k)),
    source: { preset: cfg.preset, step: loaded.step, which: loaded.which, ...(o.standingBatches ? { standingBatches: o.standingBatches } : {}) },
    run: cfg,
    weightsManifest: [{ paths: ['generator.bin'], weights }],
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'generator.bin'), bin);
  const specFile = path.join(outDir, 'generator.json');
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 1));
  return { specFile, bytes: bin.length };
}

/** Reads an exported generator in Node (the browser fetches the same two files). */
export function readGeneratorFiles(dir: string): { spec: GeneratorSpec; weights: ArrayBuffer } {
  const specFile = path.join(dir, 'generator.json');
  if (!fs.existsSync(specFile)) throw new Error(`no exported generator in ${dir} (generator.json missing): run npm run export first`);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as GeneratorSpec;
  const b = fs.readFileSync(path.join(dir, spec.weightsManifest[0].paths[0]));
  return { spec, weights: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
}
