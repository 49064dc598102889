import * as path from 'node:path';
import { initBackend } from '../backend';
import { buildDemoSite, serveFolder } from '../export/demoSite';
import { exportGenerator } from '../export/exportGenerator';
import { loadGenerator } from '../run/loadGenerator';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run demo -- --checkpoint runs/NAME [--port 8080]`: exports the run's generator, bundles the demo page and
 * serves it; the page generates images in the browser (WebGPU, WebGL or CPU, whichever the browser has).
 */
runMain(async () => {
  const a = cliArgs('demo', {
    checkpoint: { type: 'string', help: 'run folder written by npm run train' },
    port: { type: 'string', help: 'port of the local server', default: '8080' },
    quantize: { type: 'string', help: 'weights as float32, float16 or uint8', default: 'float32' },
    out: { type: 'string', help: 'folder the site is written to', default: 'build/demo' },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train (train one with npm run train -- --config dcgan)');
  await initBackend({ backend: 'cpu' });
  const loaded = loadGenerator(a.checkpoint);
  if (loaded.cfg.model === 'toy') throw new Error('the demo draws images; this run is a toy 2-D GAN');
  const site = a.out!;
  await buildDemoSite(site);
  exportGenerator(loaded, path.join(site, 'model'), { quantize: a.quantize as 'float32', classNames: loaded.classNames });
  const port = numberFlag('port', a.port, 8080);
  await serveFolder(site, port);
  console.log(`demo of ${loaded.cfg.preset} (step ${loaded.step}) at http://127.0.0.1:${port}/ — Ctrl-C to stop`);
  await new Promise(() => undefined);
});
