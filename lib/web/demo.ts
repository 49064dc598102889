/**
 * The browser demo (bundled by `npm run demo`): loads an exported generator with the library's own model code and
 * draws samples with the best backend the browser offers, with class, truncation and latent-walk controls.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { generatorFromSpec, type GeneratorSpec } from '../export/generatorSpec';
import type { Generator } from '../models/registry';
import { truncatedLatents } from '../sample/truncation';

const COUNT = 8;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function pickBackend(): Promise<string> {
  for (const name of ['webgpu', 'webgl', 'cpu']) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // try the next one
    }
  }
  throw new Error('no TF.js backend could start in this browser');
}

/** Per-row spherical interpolation between two batches of latents. */
function slerpRows(a: tf.Tensor2D, b: tf.Tensor2D, t: number): tf.Tensor2D {
  return tf.tidy(() => {
    const na = tf.norm(a, 'euclidean', 1, true);
    const nb = tf.norm(b, 'euclidean', 1, true);
    const cos = tf.clipByValue(tf.div(tf.sum(tf.mul(a, b), 1, true), tf.mul(na, nb)), -1 + 1e-7, 1 - 1e-7);
    const omega = tf.acos(cos);
    const s = tf.sin(omega);
    return tf.add(tf.mul(a, tf.div(tf.sin(tf.mul(omega, 1 - t)), s)), tf.mul(b, tf.div(tf.sin(tf.mul(omega, t)), s))) as tf.Tensor2D;
  });
}

async function main(): Promise<void> {
  const status = $('status');
  const backend = await pickBackend();
  const spec = (await (await fetch('model/generator.json')).json()) as GeneratorSpec;
  const weights = await (await fetch(`model/${spec.weightsManifest[0].paths[0]}`)).arrayBuffer();
  const g: Generator = generatorFromSpec(spec, weights);
  status.textContent = `${spec.source.preset}, step ${spec.source.step} (${spec.source.which} weights) on ${backend}`;
  document.body.dataset.backend = backend;

  const classSelect = $<HTMLSelectElement>('class');
  if (spec.classes > 0) {
    spec.classNames.forEach((name, k) => classSelect.add(new Option(`${k}: ${name}`, String(k))));
  } else {
    $('class-row').style.display = 'none';
  }
  const truncation = $<HTMLInputElement>('truncation');
  const walk = $<HTMLInputElement>('walk');
  const canvas = $<HTMLCanvasElement>('samples');
  let seed = 1;
  let renders = 0;

  const render = async () => {
    const t = Number(truncation.value);
    $('truncation-value').textContent = t >= 2 ? 'off' : t.toFixed(2);
    const grid = tf.tidy(() => {
      const threshold = t >= 2 ? undefined : t;
      const a = truncatedLatents(COUNT, spec.zDim, { threshold, seed });
      const b = truncatedLatents(COUNT, spec.zDim, { threshold, seed: seed + 1 });
      const z = slerpRows(a, b, Number(walk.value));
      const y = spec.classes > 0 ? (tf.fill([COUNT], Number(classSelect.value), 'int32') as tf.Tensor1D) : undefined;
      const x = g.apply(z, y) as tf.Tensor4D;
      const images = tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1);
      const rgb = images.shape[3] === 1 ? tf.tile(images, [1, 1, 1, 3]) : images;
      return tf.concat(tf.unstack(rgb), 1) as tf.Tensor3D;
    });
    await tf.browser.toPixels(grid, canvas);
    grid.dispose();
    document.body.dataset.renders = String(++renders);
  };
  for (const el of [classSelect, truncation, walk]) el.addEventListener('input', () => void render());
  $('resample').addEventListener('click', () => {
    seed += 2;
    void render();
  });
  await render();
}

main().catch((e) => {
  document.getElementById('status')!.textContent = `error: ${(e as Error).message}`;
  document.body.dataset.error = (e as Error).message;
});
