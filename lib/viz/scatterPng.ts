import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';

/**
 * 2-D points (flat [x0, y0, x1, y1, …]) drawn as a PNG, with optional mode centres as rings: toy-GAN snapshots for
 * run folders and reports, where a Plotly page would be too heavy.
 */
export function scatterPng(points: ArrayLike<number>, o: { centres?: [number, number][]; extent?: number; size?: number } = {}): Buffer {
  const size = o.size ?? 320;
  const extent = o.extent ?? 2;
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  const px = (v: number) => ((v + extent) / (2 * extent)) * size;
  ctx.strokeStyle = '#d62728';
  for (const [cx, cy] of o.centres ?? []) {
    ctx.beginPath();
    ctx.arc(px(cx), size - px(cy), 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.fillStyle = 'rgba(31, 119, 180, 0.35)';
  for (let i = 0; i + 1 < points.length; i += 2) ctx.fillRect(px(points[i]) - 1, size - px(points[i + 1]) - 1, 2, 2);
  return canvas.toBuffer('image/png');
}

/** Writes `scatterPng`'s image to a PNG file, creating its folder if needed. */
export function writeScatterPng(file: string, points: ArrayLike<number>, o: Parameters<typeof scatterPng>[1] = {}): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, scatterPng(points, o));
}
