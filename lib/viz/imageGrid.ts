import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs';

/** Configures an image grid's layout: columns, padding, pixel scale and the images' value range. */
export interface GridOptions {
  /** Images per row (default: the square root of the count, rounded up). */
  cols?: number;
  /** Pixels between images (default 2). */
  pad?: number;
  /** Each image pixel becomes scale×scale screen pixels (default: enough to make a cell ≥ 64 px). */
  scale?: number;
  /** Value range of the images (default [-1, 1], the generator's tanh range). */
  range?: [number, number];
}

/**
 * Draws a batch [n, h, w, c] (c = 1 or 3) as a grid and encodes it as PNG, for sample sheets and interpolations.
 * Values outside the range are clipped. On webgpu, `await images.data()` first (see notebook 00).
 */
export function imageGridPng(images: tf.Tensor4D, o: GridOptions = {}): Buffer {
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) throw new Error(`imageGridPng needs 1 or 3 channels, got shape [${images.shape}]`);
  const cols = o.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const pad = o.pad ?? 2;
  const scale = o.scale ?? Math.max(1, Math.ceil(64 / Math.max(h, w)));
  const [lo, hi] = o.range ?? [-1, 1];
  // Scaled on the host from the tensor's own values: after one `await images.data()` this works on webgpu too,
  // whose synchronous reads of a freshly computed tensor fail in Node.
  const values = images.dataSync();
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = Math.round(255 * Math.min(1, Math.max(0, (values[i] - lo) / (hi - lo))));
  const cellW = w * scale;
  const cellH = h * scale;
  const width = cols * cellW + (cols + 1) * pad;
  const height = rows * cellH + (rows + 1) * pad;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const img = ctx.createImageData(cellW, cellH);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = (y * cellW + x) * 4;
        img.data[dst] = pixels[src];
        img.data[dst + 1] = pixels[src + (c === 3 ? 1 : 0)];
        img.data[dst + 2] = pixels[src + (c === 3 ? 2 : 0)];
        img.data[dst + 3] = 255;
      }
    }
    ctx.putImageData(img, pad + (i % cols) * (cellW + pad), pad + Math.floor(i / cols) * (cellH + pad));
  }
  return canvas.toBuffer('image/png');
}

/** Writes `imageGridPng`'s grid to a PNG file, creating its folder if needed. */
export function writeImageGrid(file: string, images: tf.Tensor4D, o: GridOptions = {}): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, imageGridPng(images, o));
}
