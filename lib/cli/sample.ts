import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../backend';
import { loadRunData } from '../run/build';
import { loadGenerator, outputFolder } from '../run/loadGenerator';
import { toyExtent } from '../run/snapshot';
import { generateImages } from '../sample/generate';
import { interpolate, truncatedLatents } from '../sample/truncation';
import { canMorphClasses, classMorph } from '../sample/classMorph';
import { encodeGif, type GifFrame } from '../viz/gif';
import { imageGridPng } from '../viz/imageGrid';
import { scatterPng } from '../viz/scatterPng';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run sample -- --checkpoint runs/NAME [--class K] [--truncation 0.5] [--n 64] [--out grid.png]`: a sample
 * grid from a trained run; `--interpolate STEPS` writes the frames of a walk between two latents instead. For a
 * toy run, `--out points.json` writes the 2-D samples as a JSON array of [x, y] pairs, for any evaluator.
 * `--morph FROM,TO` morphs a BigGAN between two classes through its shared class embedding at fixed latents.
 */
runMain(async () => {
  const a = cliArgs('sample', {
    checkpoint: { type: 'string', help: 'run folder written by npm run train, or a folder written by npm run export' },
    class: { type: 'string', help: 'class id for a conditional model (default: all classes, evenly)' },
    truncation: { type: 'string', help: 'truncation threshold of the latents (e.g. 0.5)' },
    n: { type: 'string', help: 'number of samples', default: '64' },
    seed: { type: 'string', help: 'seed of the latents', default: '0' },
    out: { type: 'string', help: 'PNG file (or, with --interpolate, a folder of frames; for a toy run, a .json file of [x, y] points)' },
    interpolate: { type: 'string', help: 'frames of a slerp walk between two latents' },
    morph: { type: 'string', help: 'FROM,TO: frames morphing between two classes at fixed latents (BigGAN)' },
    frames: { type: 'string', help: 'frames of a --morph (default 8)', default: '8' },
    rows: { type: 'string', help: 'latents of a --morph, one row each (default 1)', default: '1' },
    raw: { type: 'boolean', help: 'use the raw G instead of its EMA' },
    backend: { type: 'string', help: 'tensorflow, webgpu, wasm or cpu' },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train (e.g. runs/sngan), or a folder written by npm run export (e.g. results/weights/biggan32-fashion)');
  await initBackend({ backend: a.backend as BackendName | undefined });
  const { g, cfg, step, which } = loadGenerator(a.checkpoint, { ema: !a.raw });
  const home = outputFolder(a.checkpoint, 'samples');
  const classes = Number(cfg.arch.classes ?? 0);
  const seed = numberFlag('seed', a.seed, 0);
  const truncation = a.truncation === undefined ? undefined : numberFlag('truncation', a.truncation, 0);
  let onlyClass: number | undefined;
  if (a.class !== undefined) {
    onlyClass = numberFlag('class', a.class, 0);
    if (classes === 0) throw new Error(`${a.checkpoint} is unconditional: --class needs a model trained with "conditional": true`);
    if (!Number.isInteger(onlyClass) || onlyClass < 0 || onlyClass >= classes) throw new Error(`--class must be a whole number from 0 to ${classes - 1}, got ${a.class}`);
  }
  const describe = `${cfg.preset} step ${step} (${which} G${truncation ? `, truncation ${truncation}` : ''}${onlyClass !== undefined ? `, class ${onlyClass}` : ''})`;

  if (a.morph !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(a.morph.trim());
    if (m == null) throw new Error(`--morph takes two class ids, FROM,TO (e.g. --morph 3,7), got '${a.morph}'`);
    if (!canMorphClasses(g)) throw new Error(`${a.checkpoint} is a ${cfg.model} generator without a shared class embedding: --morph needs a conditional BigGAN`);
    const frames = numberFlag('frames', a.frames, 8);
    const rows = numberFlag('rows', a.rows, 1);
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a whole number ≥ 1, got ${a.rows}`);
    const dir = a.out ?? path.join(home, `morph-${m[1]}-${m[2]}`);
    const images = classMorph(g, { from: Number(m[1]), to: Number(m[2]), steps: frames, rows, seed, truncation });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'sheet.png'), imageGridPng(images, { cols: frames }));
    // The GIF follows the first row's morph.
    const first = images.slice([0, 0, 0, 0], [frames, -1, -1, -1]);
    writeWalk(dir, first, frames);
    tf.dispose([images, first]);
    console.log(`${rows} row(s) of ${frames} frames morphing class ${m[1]} into ${m[2]}, ${describe}, in ${dir} (sheet.png, frame-000.png …, strip.png, walk.gif)`);
    return;
  }

  if (a.interpolate !== undefined) {
    const frames = numberFlag('interpolate', a.interpolate, 0);
    if (!Number.isInteger(frames) || frames < 2) throw new Error(`--interpolate must be a whole number ≥ 2, got ${a.interpolate}`);
    const dir = a.out ?? path.join(home, 'interpolation');
    fs.mkdirSync(dir, { recursive: true });
    const images = tf.tidy(() => {
      const ends = truncatedLatents(2, g.cfg.zDim, { threshold: truncation, seed });
      const [z1, z2] = tf.unstack(ends) as tf.Tensor1D[];
      const z = interpolate(z1, z2, frames);
      const y = classes ? tf.fill([frames], onlyClass ?? 0, 'int32') as tf.Tensor1D : undefined;
      return g.apply(z, y) as tf.Tensor4D;
    });
    writeWalk(dir, images, frames);
    images.dispose();
    console.log(`${frames} frames of ${describe} in ${dir} (frame-000.png …, strip.png and walk.gif)`);
    return;
  }

  const n = numberFlag('n', a.n, 64);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a whole number ≥ 1, got ${a.n}`);
  const out = a.out ?? path.join(home, 'sample.png');
  const json = out.toLowerCase().endsWith('.json');
  if (json && cfg.model !== 'toy') throw new Error(`--out ${out}: samples as JSON points are for toy (2-D) runs; ${a.checkpoint} trained a ${cfg.model} model, so give a .png file`);
  const { images } = generateImages(g, { n, classes, onlyClass, truncation, seed });
  if (json) {
    const v = images.dataSync();
    images.dispose();
    const points = Array.from({ length: n }, (_, i) => [v[2 * i], v[2 * i + 1]]);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(points));
    console.log(`${n} points of ${describe} → ${out}`);
    return;
  }
  let png: Buffer;
  if (cfg.model === 'toy') {
    const data = await loadRunData(cfg);
    png = scatterPng(images.dataSync(), { centres: data.kind === 'toy' ? data.mixture.centres : [], extent: toyExtent(cfg.data) });
  } else png = imageGridPng(images, { cols: Math.min(n, classes && onlyClass === undefined ? classes : 8) });
  images.dispose();
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, png);
  console.log(`${n} samples of ${describe} → ${out}`);
});

/** A walk's frames as PNGs, all of them in one strip, and an animated GIF there and back, into `dir`. */
function writeWalk(dir: string, images: tf.Tensor4D, frames: number): void {
  for (let i = 0; i < frames; i++) {
    const frame = images.slice([i, 0, 0, 0], [1, -1, -1, -1]);
    fs.writeFileSync(path.join(dir, `frame-${String(i).padStart(3, '0')}.png`), imageGridPng(frame, { pad: 0, scale: 4 }));
    frame.dispose();
  }
  fs.writeFileSync(path.join(dir, 'strip.png'), imageGridPng(images, { cols: frames }));
  // Each pixel scaled ×4; frames there and back.
  const bytes = tf.tidy(() => {
    const up = tf.image.resizeNearestNeighbor(images, [images.shape[1] * 4, images.shape[2] * 4]);
    const rgb = up.shape[3] === 1 ? tf.tile(up, [1, 1, 1, 3]) : up;
    return tf.clipByValue(tf.round(tf.mul(tf.add(rgb, 1), 127.5)), 0, 255).toInt();
  });
  const [, h, w] = bytes.shape;
  const all = bytes.dataSync();
  bytes.dispose();
  const gifFrames: GifFrame[] = Array.from({ length: frames }, (_, i) => ({ width: w, height: h, rgb: Uint8Array.from(all.subarray(i * h * w * 3, (i + 1) * h * w * 3)) }));
  fs.writeFileSync(path.join(dir, 'walk.gif'), encodeGif([...gifFrames, ...gifFrames.slice(1, -1).reverse()], { delayMs: 80 }));
}
