import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * A checkpoint is a folder: `tensors.bin` (every tensor's float32/int32 data, back to back) and `checkpoint.json`
 * (the step, any JSON state, and each tensor's name, shape, dtype and byte offset). Written to a temporary folder
 * and renamed into place, so an interrupted write never replaces a good checkpoint with half of one.
 */
export interface CheckpointManifest {
  format: 'biggan-ts-checkpoint';
  version: 1;
  step: number;
  state: Record<string, unknown>;
  tensors: { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }[];
}

/** A tensor's values as read from its backend, ready to be written. */
export interface HostTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** Writes named float32/int32 tensors, the step and JSON state to the checkpoint folder `dir`, replacing it whole. */
export function saveCheckpoint(dir: string, step: number, tensors: Map<string, tf.Tensor>, state: Record<string, unknown> = {}): void {
  const host = new Map<string, HostTensor>();
  for (const [name, t] of tensors) host.set(name, { shape: t.shape, dtype: storedDtype(name, t), data: t.dataSync() as Float32Array | Int32Array });
  writeCheckpoint(dir, step, host, state);
}

/** The dtype a tensor is stored as; other dtypes are refused by name. */
export function storedDtype(name: string, t: tf.Tensor): 'float32' | 'int32' {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint: tensor ${name} has dtype ${t.dtype}; only float32 and int32 are stored`);
  return t.dtype;
}

/** Writes values already read to the host (see `saveCheckpoint`): the step for backends that read asynchronously. */
export function writeCheckpoint(dir: string, step: number, tensors: Map<string, HostTensor>, state: Record<string, unknown> = {}): void {
  const parts: Buffer[] = [];
  const entries: CheckpointManifest['tensors'] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    entries.push({ name, shape: t.shape, dtype: t.dtype, offset, length: bytes.length });
    parts.push(Buffer.from(bytes));
    offset += bytes.length;
  }
  const manifest: CheckpointManifest = { format: 'biggan-ts-checkpoint', version: 1, step, state, tensors: entries };
  const target = path.resolve(dir);
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'tensors.bin'), Buffer.concat(parts));
  fs.writeFileSync(path.join(tmp, 'checkpoint.json'), JSON.stringify(manifest, null, 1));
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Reads a checkpoint folder written by `saveCheckpoint`: its manifest and new tensors the caller disposes. */
export function loadCheckpoint(dir: string): { manifest: CheckpointManifest; tensors: Map<string, tf.Tensor> } {
  const file = path.join(dir, 'checkpoint.json');
  if (!fs.existsSync(file)) throw new Error(`no checkpoint at ${dir} (checkpoint.json missing); pass the folder a training run wrote its checkpoint to`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointManifest;
  if (manifest.format !== 'biggan-ts-checkpoint') throw new Error(`${file} is not a BigGAN.ts checkpoint`);
  const blob = fs.readFileSync(path.join(dir, 'tensors.bin'));
  const tensors = new Map<string, tf.Tensor>();
  for (const e of manifest.tensors) {
    if (e.offset + e.length > blob.length) throw new Error(`${dir}/tensors.bin is truncated (tensor ${e.name} ends at byte ${e.offset + e.length} of ${blob.length}); the checkpoint is damaged`);
    const bytes = blob.subarray(e.offset, e.offset + e.length);
    const copy = new Uint8Array(bytes).buffer;
    tensors.set(e.name, tf.tensor(e.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy), e.shape, e.dtype));
  }
  return { manifest, tensors };
}
