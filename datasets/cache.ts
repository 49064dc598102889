import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './errors';

/** Where downloads go: `GAN_DATA_DIR`, else `datasets/cache/` in this checkout. */
export function cacheDir(dir?: string): string {
  const d = dir ?? process.env.GAN_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'datasets', 'cache');
  fs.mkdirSync(d, { recursive: true });
  return d;
}

export interface RemoteFile {
  /** File name in the cache folder. */
  file: string;
  /** Where to get it. */
  url: string;
  /** MD5 of the file as published. */
  md5?: string;
  /** SHA-256 of the gunzipped content: accepts re-compressed copies of the same data (e.g. Debian's). */
  contentSha256?: string;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Gunzips with an error that names the file and the fix (a truncated or corrupt download). */
export function gunzip(bytes: Buffer, where: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DatasetError(`${where} is not a valid gzip file (${(e as Error).message}): the download is truncated or damaged; delete it and load again to re-download`);
  }
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Whether `bytes` are the published file (by MD5) or the same content re-compressed (by content SHA-256). */
export function verified(bytes: Buffer, spec: RemoteFile): boolean {
  if (spec.md5 && md5(bytes) === spec.md5) return true;
  if (spec.contentSha256 && isGzip(bytes)) {
    try {
      return sha256(gunzipSync(bytes)) === spec.contentSha256;
    } catch {
      return false;
    }
  }
  return !spec.md5 && !spec.contentSha256;
}

/**
 * The bytes of a data file: from `localCopies` (e.g. a Debian package) or the cache when they verify, else
 * downloaded, verified and written to the cache atomically. Every failure says which file, where to put it by
 * hand, and why.
 */
export async function fetchVerified(spec: RemoteFile, opts: { dir?: string; localCopies?: string[]; fetchImpl?: typeof fetch } = {}): Promise<Buffer> {
  const dir = cacheDir(opts.dir);
  const target = path.join(dir, spec.file);
  for (const local of [...(opts.localCopies ?? []), target]) {
    if (!fs.existsSync(local)) continue;
    const bytes = fs.readFileSync(local);
    if (verified(bytes, spec)) return bytes;
    if (local === target) {
      throw new DatasetError(`${target} does not match its published checksum (truncated or damaged download); delete it and load again to re-download it from ${spec.url}`);
    }
  }
  let bytes: Buffer;
  try {
    const response = await (opts.fetchImpl ?? fetch)(spec.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (e) {
    throw new DatasetError(
      `cannot download ${spec.file} from ${spec.url} (${(e as Error).message}). Without network access, get the file elsewhere and place it at ${target}`,
    );
  }
  if (!verified(bytes, spec)) {
    throw new DatasetError(`the download of ${spec.url} does not match its published checksum (damaged in transit or changed upstream); nothing was written to ${target}`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.part`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, target);
  return bytes;
}
