import { applyPalette, GIFEncoder, quantize } from 'gifenc';

/**
 * An animated GIF from RGB frames, encoded by `gifenc` (LZW and container). Grey-scale animations get the 256 greys
 * as their palette, so they round-trip exactly; colour ones one palette quantised from all frames together, so the
 * colours do not flicker from frame to frame. Enough for latent walks and training time-lapses.
 */
export interface GifFrame {
  width: number;
  height: number;
  /** RGB bytes, row-major, 3 per pixel. */
  rgb: Uint8Array;
}

const isGrey = (f: GifFrame) => f.rgb.every((v, i) => i % 3 !== 0 || (v === f.rgb[i + 1] && v === f.rgb[i + 2]));

function rgba(frames: GifFrame[]): Uint8Array {
  const pixels = frames.reduce((n, f) => n + f.width * f.height, 0);
  const out = new Uint8Array(4 * pixels);
  let p = 0;
  for (const f of frames) {
    for (let i = 0; i < f.width * f.height; i++, p++) {
      out[4 * p] = f.rgb[3 * i];
      out[4 * p + 1] = f.rgb[3 * i + 1];
      out[4 * p + 2] = f.rgb[3 * i + 2];
      out[4 * p + 3] = 255;
    }
  }
  return out;
}

/** Encodes frames (all the same size) as a looping GIF with `delayMs` per frame. */
export function encodeGif(frames: GifFrame[], o: { delayMs?: number } = {}): Buffer {
  if (frames.length === 0) throw new Error('encodeGif needs at least one frame');
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) throw new Error(`encodeGif: frame is ${f.width}×${f.height}, the first was ${width}×${height}`);
  }
  const grey = frames.every(isGrey);
  const palette = grey ? Array.from({ length: 256 }, (_, v) => [v, v, v]) : quantize(rgba(frames), 256);
  const gif = GIFEncoder();
  frames.forEach((f, k) => {
    const index = grey ? Uint8Array.from({ length: width * height }, (_, p) => f.rgb[3 * p]) : applyPalette(rgba([f]), palette);
    // The first frame's palette becomes the global one, which the later frames share; repeat 0 loops forever.
    gif.writeFrame(index, width, height, { palette: k === 0 ? palette : undefined, delay: o.delayMs ?? 100, repeat: 0 });
  });
  gif.finish();
  return Buffer.from(gif.bytes());
}
