import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { initBackend, type BackendName } from '../backend';
import { distillGenerator } from '../compress/distill';
import { magnitudePrune } from '../compress/prune';
import { exportGenerator, readGeneratorFiles } from '../export/exportGenerator';
import { generatorFromSpec } from '../export/generatorSpec';
import { generatorFor, type Generator } from '../models/registry';
import { kitClassifier } from '../metrics/kitClassifier';
import { classifierExtractor } from '../metrics/features';
import { evaluateImages, prepareReference, type ImageReport } from '../metrics/report';
import { loadRunData } from '../run/build';
import { loadGenerator, type LoadedGenerator } from '../run/loadGenerator';
import { generateImages } from '../sample/generate';
import { cliArgs, numberFlag, runMain } from './args';

interface Variant {
  name: string;
  parameters: number;
  nonZero: number;
  bytes: number;
  gzipBytes: number;
  report: ImageReport;
}

const count = (g: Generator) => {
  let all = 0;
  let nz = 0;
  for (const v of g.parameters()) {
    all += v.size;
    for (const w of v.dataSync()) if (w !== 0) nz++;
  }
  return { all, nz };
};

/**
 * `npm run compress -- --checkpoint runs/NAME`: the seed article's model compression, measured. The generator is
 * quantised to 8 bits (affine uint8 per tensor, zero exact), magnitude-pruned, both, and distilled into a
 * half-width student; each variant is exported (file and gzip size) and scored with the kit classifier's FID/KID against the test split, into a Markdown table.
 */
runMain(async () => {
  const a = cliArgs('compress', {
    checkpoint: { type: 'string', help: 'run folder of an image GAN trained on fashion-mnist or mnist' },
    n: { type: 'string', help: 'samples per variant for the metrics', default: '5000' },
    sparsity: { type: 'string', help: 'fraction of each weight tensor pruned', default: '0.5' },
    'student-ch': { type: 'string', help: "student's channel width (default: half the teacher's)" },
    'distill-steps': { type: 'string', help: 'distillation steps', default: '1000' },
    out: { type: 'string', help: 'folder for the exports and the table (default <checkpoint>/compression)' },
    backend: { type: 'string', help: 'tensorflow, webgpu, wasm or cpu' },
  });
  if (!a.checkpoint) throw new Error('--checkpoint is required: the run folder of npm run train');
  await initBackend({ backend: a.backend as BackendName | undefined });
  const loaded = loadGenerator(a.checkpoint);
  const { cfg } = loaded;
  if (cfg.data !== 'fashion-mnist' && cfg.data !== 'mnist') throw new Error(`compress scores with the kit classifier, which covers fashion-mnist and mnist; this run trained on ${cfg.data}`);
  const out = a.out ?? path.join(a.checkpoint, 'compression');
  const n = numberFlag('n', a.n, 5000);
  const sparsity = numberFlag('sparsity', a.sparsity, 0.5);
  const classes = Number(cfg.arch.classes ?? 0);
  const data = await loadRunData(cfg, 'test');
  if (data.kind !== 'images') throw new Error('compress needs an image GAN');
  const extractor = classifierExtractor((await kitClassifier({ dataset: cfg.data })).model, `kit ${cfg.data} classifier (128-d features)`);
  const reference = prepareReference(data.train.images, `${cfg.data} test split (${data.train.images.shape[0]} images)`, extractor);

  const variants: Variant[] = [];
  const measure = (name: string, g: Generator, quantize: 'float32' | 'uint8', arch = cfg.arch) => {
    const dir = path.join(out, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
    const exported = exportGenerator({ ...loaded, g, cfg: { ...cfg, arch } }, dir, { quantize, classNames: loaded.classNames });
    const files = readGeneratorFiles(dir);
    // Score what was written: the quantised file decoded back, exactly as a browser would load it.
    const reloaded = generatorFromSpec(files.spec, files.weights);
    const fake = generateImages(reloaded, { n, classes, seed: 7 });
    const report = evaluateImages({ real: reference, fake: fake.images, fakeLabels: fake.labels });
    fake.images.dispose();
    const { all, nz } = count(reloaded);
    variants.push({ name, parameters: all, nonZero: nz, bytes: exported.bytes, gzipBytes: zlib.gzipSync(fs.readFileSync(path.join(dir, 'generator.bin')), { level: 9 }).length, report });
    console.log(`${name}: FID ${report.fid.toFixed(2)}`);
  };

  measure('original (float32)', loaded.g, 'float32');
  measure('uint8 weights (affine)', loaded.g, 'uint8');
  const pruned: LoadedGenerator = loadGenerator(a.checkpoint);
  const zeroFraction = magnitudePrune(pruned.g, { sparsity });
  measure(`pruned ${Math.round(100 * sparsity)}% (float32)`, pruned.g, 'float32');
  measure(`pruned ${Math.round(100 * sparsity)}% + uint8`, pruned.g, 'uint8');
  const teacherCh = Number(cfg.arch.ch ?? 32);
  const studentCh = a['student-ch'] ? numberFlag('student-ch', a['student-ch'], 0) : Math.max(1, Math.floor(teacherCh / 2));
  const studentArch = { ...cfg.arch, ch: studentCh };
  const student = generatorFor(cfg.model, { ...studentArch, seed: 99 });
  const steps = numberFlag('distill-steps', a['distill-steps'], 1000);
  const loss = distillGenerator(loaded.g, student, { steps, classes, onStep: (s, l) => s % 100 === 0 && console.log(`distill step ${s}/${steps}: L1 ${l.toFixed(4)}`) });
  measure(`distilled, ch ${teacherCh} → ${studentCh}`, student, 'float32', studentArch);

  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  const base = variants[0];
  const table = [
    '| variant | parameters (non-zero) | file | gzip | FID ↓ | KID ↓ | precision | recall |' + (classes ? ' class acc. |' : ''),
    '|---|---|---|---|---|---|---|---|' + (classes ? '---|' : ''),
    ...variants.map(
      (v) =>
        `| ${v.name} | ${v.parameters.toLocaleString('en-US')} (${v.nonZero.toLocaleString('en-US')}) | ${kib(v.bytes)} (${(v.bytes / base.bytes).toFixed(2)}×) | ${kib(v.gzipBytes)} (${(v.gzipBytes / base.gzipBytes).toFixed(2)}×) | ${v.report.fid.toFixed(2)} | ${v.report.kid.mean.toPrecision(4)} | ${v.report.precision.toFixed(3)} | ${v.report.recall.toFixed(3)} |` +
        (classes ? ` ${(100 * v.report.classAccuracy!.overall).toFixed(1)}% |` : ''),
    ),
  ].join('\n');
  const note = `${cfg.preset} step ${loaded.step} (${loaded.which} G); ${n} samples per variant vs the ${reference.name}, features: ${extractor.name}; pruning left ${(100 * zeroFraction).toFixed(1)}% of parameters zero; distillation: ${steps} steps of L1, last loss ${loss.toFixed(4)}.`;
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'compression.md'), `${table}\n\n${note}\n`);
  fs.writeFileSync(path.join(out, 'compression.json'), JSON.stringify({ note, variants }, null, 2));
  console.log(`\n${table}\n\n${note}\nwrote ${path.join(out, 'compression.md')}`);
});
