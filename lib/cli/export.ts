import { initBackend } from '../backend';
import { exportGenerator } from '../export/exportGenerator';
import { loadGenerator } from '../run/loadGenerator';
import { cliArgs, runMain } from './args';

/** `npm run export -- --checkpoint runs/NAME --out DIR [--quantize uint8]`: a trained G as files a browser loads. */
runMain(async () => {
  const a = cliArgs('export', {
    checkpoint: { type: 'string', help: 'run folder written by npm run train' },
    out: { type: 'string', help: 'folder for generator.json + generator.bin', default: 'build/export' },
    quantize: { type: 'string', help: 'float32, float16 or uint8', default: 'float32' },
    raw: { type: 'boolean', help: 'export the raw G instead of its EMA' },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train');
  if (!['float32', 'float16', 'uint8'].includes(a.quantize!)) throw new Error(`--quantize must be float32, float16 or uint8, got '${a.quantize}'`);
  await initBackend({ backend: 'cpu' });
  const loaded = loadGenerator(a.checkpoint, { ema: !a.raw });
  const { specFile, bytes } = exportGenerator(loaded, a.out!, { quantize: a.quantize as 'float32', classNames: loaded.classNames });
  console.log(`${loaded.cfg.preset} step ${loaded.step} (${loaded.which} G, ${a.quantize}) → ${specFile} + ${(bytes / 1024).toFixed(0)} KiB of weights`);
});
