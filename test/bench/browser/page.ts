/**
 * The browser half of `npm run bench:inference`: times one exported generator in TF.js (WebGL, WebGPU) and its ONNX
 * export in onnxruntime-web (wasm, WebGPU), whichever of them start in this browser, and compares the outputs.
 * The driver reads the figures from document.body.dataset.result.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import * as ort from 'onnxruntime-web';
import { generatorFromSpec, type GeneratorSpec } from '../../../lib/export/generatorSpec';
import { medianTime } from '../timing';

interface Row {
  runtime: string;
  batch: number;
  ms_per_batch: number;
  max_abs_diff?: number;
}

// A software GPU (SwiftShader, where there is no real one) takes minutes for a batch of 64: the driver picks.
const params = new URLSearchParams(location.search);
const BATCHES = (params.get('batches') ?? '1,8').split(',').map(Number);
const REPS = Number(params.get('reps') ?? 5);

/** The same latents and classes on every runtime: a fixed pseudo-random sequence. */
function inputs(spec: GeneratorSpec, batch: number): { z: Float32Array; y: Int32Array } {
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return { z: Float32Array.from({ length: batch * spec.zDim }, next), y: Int32Array.from({ length: batch }, (_, i) => i % Math.max(1, spec.classes)) };
}

async function main(): Promise<void> {
  const spec = (await (await fetch('model/generator.json')).json()) as GeneratorSpec;
  const weights = await (await fetch('model/generator.bin')).arrayBuffer();
  const onnxBytes = new Uint8Array(await (await fetch('model/generator.onnx')).arrayBuffer());
  const rows: Row[] = [];
  const notes: string[] = [];
  const reference = new Map<number, Float32Array>();
  for (const backend of ['webgl', 'webgpu']) {
    console.log(`starting TF.js ${backend}`);
    try {
      if (!(await tf.setBackend(backend))) throw new Error('did not start');
      await tf.ready();
    } catch (e) {
      notes.push(`TF.js ${backend}: ${(e as Error).message}`);
      continue;
    }
    const g = generatorFromSpec(spec, weights);
    for (const batch of BATCHES) {
      const { z, y } = inputs(spec, batch);
      const zt = tf.tensor2d(z, [batch, spec.zDim]);
      const yt = spec.classes > 0 ? tf.tensor1d(y, 'int32') : undefined;
      const ms = await medianTime(REPS, async () => {
        const out = g.apply(zt, yt);
        await out.data();
        out.dispose();
      });
      const out = g.apply(zt, yt);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      if (!reference.has(batch)) reference.set(batch, data);
      tf.dispose([zt, ...(yt ? [yt] : [])]);
      rows.push({ runtime: `TF.js ${backend}`, batch, ms_per_batch: ms });
      console.log(`TF.js ${backend} batch ${batch}: ${ms.toFixed(1)} ms`);
    }
    g.dispose();
  }
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency : 1;
  for (const ep of ['wasm', 'webgpu']) {
    console.log(`starting onnxruntime-web ${ep}`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnxBytes, { executionProviders: [ep] });
    } catch (e) {
      notes.push(`onnxruntime-web ${ep}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    for (const batch of BATCHES) {
      const { z, y } = inputs(spec, batch);
      const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z, [batch, spec.zDim]) };
      if (spec.classes > 0) feeds.y = new ort.Tensor('int32', y, [batch]);
      const ms = await medianTime(REPS, async () => void (await session.run(feeds)));
      const out = (await session.run(feeds)).samples.data as Float32Array;
      const ref = reference.get(batch);
      const diff = ref ? out.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0) : undefined;
      console.log(`onnxruntime-web ${ep} batch ${batch}: ${ms.toFixed(1)} ms`);
      rows.push({ runtime: `onnxruntime-web ${ep}${ep === 'wasm' ? ` (${ort.env.wasm.numThreads} threads)` : ''}`, batch, ms_per_batch: ms, max_abs_diff: diff });
    }
    await session.release();
  }
  document.body.dataset.result = JSON.stringify({ rows, notes });
}

main().catch((e) => {
  document.body.dataset.error = (e as Error).message;
});
