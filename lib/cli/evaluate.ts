import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, type BackendName } from '../backend';
import { formatReport } from '../metrics/report';
import { evaluateRun } from '../run/evaluateRun';
import { outputFolder } from '../run/loadGenerator';
import { cliArgs, numberFlag, runMain } from './args';

/** `npm run evaluate -- --checkpoint runs/NAME`: metrics of a trained run, as a table and as JSON. */
runMain(async () => {
  const a = cliArgs('evaluate', {
    checkpoint: { type: 'string', help: 'run folder written by npm run train, or a folder written by npm run export' },
    n: { type: 'string', help: 'samples to generate (default 2,500 toy / 10,000 images)' },
    raw: { type: 'boolean', help: "evaluate the raw G instead of its EMA" },
    truncation: { type: 'string', help: 'truncation threshold of the latents' },
    inception: { type: 'string', help: 'TF.js InceptionV3 graph model (model.json path or URL) for CIFAR-10/folder data' },
    standing: { type: 'string', help: "batches of standing statistics for G's batch norms first (BigGAN-PyTorch's; e.g. 16)" },
    json: { type: 'string', help: 'where to write the JSON (default <checkpoint>/eval.json; build/eval/NAME/eval.json for an exported generator)' },
    backend: { type: 'string', help: 'tensorflow, webgpu, wasm or cpu' },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train (e.g. runs/sngan), or a folder written by npm run export (e.g. results/weights/biggan32-fashion)');
  await initBackend({ backend: a.backend as BackendName | undefined });
  const r = await evaluateRun(a.checkpoint, {
    n: a.n === undefined ? undefined : numberFlag('n', a.n, 0),
    ema: !a.raw,
    truncation: a.truncation === undefined ? undefined : numberFlag('truncation', a.truncation, 0),
    inception: a.inception,
    standing: a.standing === undefined ? undefined : numberFlag('standing', a.standing, 0),
  });
  console.log(`${r.run}: ${r.preset} on ${r.data}, step ${r.step}, ${r.generator} G${r.truncation ? `, truncation ${r.truncation}` : ''}${r.standingBatches ? `, standing statistics over ${r.standingBatches} batches` : ''}`);
  if (r.toy) {
    const t = r.toy;
    console.log(`modes covered      ${t.modesCovered}/${t.modes}\nhigh-quality       ${(100 * t.highQualityFraction).toFixed(1)}%\nKL(hist‖uniform)   ${t.klFromUniform.toFixed(4)}\nsamples            ${t.samples} (PacGAN protocol: within 3σ of a centre)`);
  }
  if (r.images) console.log(formatReport(r.images));
  const out = a.json ?? path.join(outputFolder(a.checkpoint, 'eval'), 'eval.json');
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(r, null, 2) + '\n');
  console.log(`wrote ${out}`);
});
