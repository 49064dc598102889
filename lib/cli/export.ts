import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend';
import { exportGenerator } from '../export/exportGenerator';
import { generatorToOnnx } from '../export/onnx';
import { loadGenerator } from '../run/loadGenerator';
import { giveStandingStatistics } from '../run/evaluateRun';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run export -- --checkpoint runs/NAME [--format tfjs|onnx] --out PATH [--quantize uint8] [--standing 16]`: a trained G as
 * files a browser loads (tfjs: generator.json + generator.bin in a folder), or as one ONNX model for ONNX Runtime.
 */
runMain(async () => {
  const a = cliArgs('export', {
    checkpoint: { type: 'string', help: 'run folder written by npm run train' },
    format: { type: 'string', help: "tfjs (the kit's own files, for the demo and npm run sample) or onnx", default: 'tfjs' },
    out: { type: 'string', help: 'tfjs: folder for generator.json + generator.bin (default build/export); onnx: the .onnx file (default build/export/generator.onnx)' },
    quantize: { type: 'string', help: 'tfjs only: float32, float16 or uint8', default: 'float32' },
    raw: { type: 'boolean', help: 'export the raw G instead of its EMA' },
    standing: { type: 'string', help: "give G's batch norms standing statistics over this many batches first (BigGAN-PyTorch's; e.g. 16)" },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train');
  if (a.format !== 'tfjs' && a.format !== 'onnx') throw new Error(`--format must be tfjs or onnx, got '${a.format}'`);
  if (!['float32', 'float16', 'uint8'].includes(a.quantize!)) throw new Error(`--quantize must be float32, float16 or uint8, got '${a.quantize}'`);
  if (a.format === 'onnx' && a.quantize !== 'float32') throw new Error('--quantize applies to --format tfjs only: the ONNX model is written in float32');
  // The ONNX writer traces kernels on the plain CPU backend, where it is tested; weights and standing statistics
  // need no particular backend, and the default one computes the statistics many times faster.
  await initBackend(a.format === 'onnx' ? { backend: 'cpu' } : {});
  const loaded = loadGenerator(a.checkpoint, { ema: !a.raw });
  const standing = a.standing === undefined ? 0 : numberFlag('standing', a.standing, 0);
  // The same statistics `npm run evaluate -- --standing N` measures with, kept in the exported G.
  if (standing) giveStandingStatistics(loaded.g, standing);
  const what = `${loaded.cfg.preset} step ${loaded.step} (${loaded.which} G${standing ? `, standing statistics over ${standing} batches` : ''}`;
  if (a.format === 'onnx') {
    const out = a.out ?? 'build/export/generator.onnx';
    if (!out.toLowerCase().endsWith('.onnx')) throw new Error(`--out for --format onnx is a file name ending in .onnx, got '${out}'`);
    const metadata: Record<string, string> = { source: `BigGAN.ts ${what})`, inputs: 'z: float32 [batch, zDim]; y: int32 class ids [batch] (conditional G only)' };
    if (loaded.classNames) metadata.classNames = JSON.stringify(loaded.classNames);
    const bytes = generatorToOnnx(loaded.g, { docString: `BigGAN.ts ${what})`, metadata });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, bytes);
    console.log(`${what}, float32) → ${out}, ${(bytes.length / 1024).toFixed(0)} KiB; inputs z${Number(loaded.cfg.arch.classes ?? 0) > 0 ? ', y (int32 class ids)' : ''}, output samples (NHWC)`);
    return;
  }
  const { specFile, bytes } = exportGenerator(loaded, a.out ?? 'build/export', { quantize: a.quantize as 'float32', classNames: loaded.classNames, standingBatches: standing || loaded.standingBatches });
  console.log(`${what}, ${a.quantize}) → ${specFile} + ${(bytes / 1024).toFixed(0)} KiB of weights`);
});
