import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { cacheDir } from './cache';
import { DatasetError } from './errors';
import { bytesToImages, classHistogram, type LabelledImages } from './labelled';

export interface ImageFolderOptions {
  /** A folder with one sub-folder per class: root/<class>/<image>.png|jpg. */
  root: string;
  /** Side of the square images produced (centre crop, then resize). */
  resolution: number;
  channels?: 1 | 3;
  /** An image that cannot be decoded: 'skip' it (default; reported by path) or 'fail' the whole load. */
  onUnreadable?: 'skip' | 'fail';
  /** Accept a single class folder (everything gets label 0), for unconditional training. Default false. */
  allowSingleClass?: boolean;
  /** Cache folder for the decoded tensor (default `GAN_DATA_DIR` or `datasets/cache`); `false` disables caching. */
  cache?: string | false;
  log?: (line: string) => void;
}

export interface ImageFolderData extends LabelledImages {
  /** Images left out, with the reason. */
  skipped: { path: string; reason: string }[];
  /** Images per class, in class order. */
  histogram: number[];
}

const IMAGE = /\.(png|jpe?g)$/i;

function listLayout(root: string): { classes: string[]; files: string[][] } {
  if (!fs.existsSync(root)) throw new DatasetError(`image folder ${root} does not exist; pass the folder that holds one sub-folder per class`);
  if (!fs.statSync(root).isDirectory()) throw new DatasetError(`${root} is a file, not a folder of class sub-folders`);
  const entries = fs.readdirSync(root, { withFileTypes: true });
  const loose = entries.filter((e) => e.isFile() && IMAGE.test(e.name));
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (loose.length > 0) {
    throw new DatasetError(
      `${root} holds ${loose.length} image(s) directly (e.g. ${loose[0].name}); expected one sub-folder per class, root/<class>/<image>. ` +
        `For unlabelled images, move them into one sub-folder and pass allowSingleClass: true`,
    );
  }
  if (classes.length === 0) throw new DatasetError(`${root} has no class sub-folders; expected root/<class>/<image>.png|jpg`);
  const files = classes.map((c) => fs.readdirSync(path.join(root, c)).filter((f) => IMAGE.test(f)).sort().map((f) => path.join(root, c, f)));
  const empty = classes.filter((_, i) => files[i].length === 0);
  if (empty.length) throw new DatasetError(`class folder(s) ${empty.map((c) => path.join(root, c)).join(', ')} hold no PNG or JPEG images`);
  return { classes, files };
}

/** Decodes, centre-crops to a square and resizes one image to RGBA bytes. */
async function decode(file: string, size: number): Promise<Uint8ClampedArray> {
  const img = await loadImage(fs.readFileSync(file));
  const side = Math.min(img.width, img.height);
  if (!(side > 0)) throw new Error('image has no pixels');
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, (img.width - side) / 2, (img.height - side) / 2, side, side, 0, 0, size, size);
  return ctx.getImageData(0, 0, size, size).data;
}

/**
 * A labelled image set from a folder of class folders: decoded with the canvas, centre-cropped, resized, cached as
 * a tensor file keyed by the files' names, sizes and times. Prints the class histogram; a layout that would give
 * every image label 0 is an error unless asked for.
 */
export async function loadImageFolder(o: ImageFolderOptions): Promise<ImageFolderData> {
  const log = o.log ?? ((s: string) => console.log(s));
  const channels = o.channels ?? 3;
  const root = path.resolve(o.root);
  const { classes, files } = listLayout(root);
  if (classes.length === 1 && !o.allowSingleClass) {
    throw new DatasetError(
      `${root} has a single class folder '${classes[0]}', so every image would get label 0; add one folder per class, or pass allowSingleClass: true for unconditional training`,
    );
  }
  const all = files.flatMap((list, label) => list.map((file) => ({ file, label })));
  const key = createHash('sha1')
    .update(JSON.stringify([root, o.resolution, channels, all.map(({ file }) => [file, fs.statSync(file).size, fs.statSync(file).mtimeMs])]))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = o.cache === false ? null : path.join(cacheDir(o.cache || undefined), 'image-folders', `${key}.bin`);
  let pixels: Uint8Array;
  let labels: Int32Array;
  let skipped: ImageFolderData['skipped'];
  if (cacheFile && fs.existsSync(cacheFile) && fs.existsSync(`${cacheFile}.json`)) {
    const meta = JSON.parse(fs.readFileSync(`${cacheFile}.json`, 'utf8')) as { labels: number[]; skipped: ImageFolderData['skipped'] };
    pixels = new Uint8Array(fs.readFileSync(cacheFile));
    labels = Int32Array.from(meta.labels);
    skipped = meta.skipped;
  } else {
    const size = o.resolution * o.resolution;
    const kept: Uint8Array[] = [];
    const keptLabels: number[] = [];
    skipped = [];
    for (const { file, label } of all) {
      let rgba: Uint8ClampedArray;
      try {
        rgba = await decode(file, o.resolution);
      } catch (e) {
        const reason = (e as Error).message;
        if (o.onUnreadable === 'fail') throw new DatasetError(`cannot decode ${file} (${reason}); remove or replace it, or load with onUnreadable: 'skip'`);
        skipped.push({ path: file, reason });
        continue;
      }
      const px = new Uint8Array(size * channels);
      for (let p = 0; p < size; p++) {
        if (channels === 3) px.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
        else px[p] = Math.round(0.299 * rgba[4 * p] + 0.587 * rgba[4 * p + 1] + 0.114 * rgba[4 * p + 2]);
      }
      kept.push(px);
      keptLabels.push(label);
    }
    if (kept.length === 0) throw new DatasetError(`no image under ${root} could be decoded (${skipped.length} tried; first: ${skipped[0]?.path}: ${skipped[0]?.reason})`);
    pixels = new Uint8Array(kept.length * size * channels);
    kept.forEach((px, i) => pixels.set(px, i * size * channels));
    labels = Int32Array.from(keptLabels);
    if (cacheFile) {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(`${cacheFile}.part`, pixels);
      fs.renameSync(`${cacheFile}.part`, cacheFile);
      fs.writeFileSync(`${cacheFile}.json`, JSON.stringify({ root, classes, labels: Array.from(labels), skipped }));
    }
  }
  for (const s of skipped) log(`skipped unreadable image ${s.path}: ${s.reason}`);
  const histogram = classHistogram(labels, classes.length);
  log(`${root}: ${labels.length} images, ${classes.length} classes: ${classes.map((c, i) => `${c} ${histogram[i]}`).join(', ')}`);
  return {
    images: bytesToImages(pixels, [labels.length, o.resolution, o.resolution, channels]),
    labels,
    classNames: classes,
    skipped,
    histogram,
  };
}
