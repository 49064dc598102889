import * as path from 'node:path';
import { initBackend } from '../backend';
import { exportPytorchRun, importPytorchRun } from '../interop/pytorchRun';
import { BIGGAN_PRESETS, type BigGanConfig, type BigGanResolution } from '../models/biggan';
import { cliArgs, numberFlag, runMain } from './args';

/**
 * `npm run pytorch -- import --G G.safetensors [--G-ema …] [--D …] --preset biggan128 --out runs/imported` and
 * `npm run pytorch -- export --checkpoint runs/NAME --out DIR`: weights to and from BigGAN-PyTorch.
 */
runMain(async () => {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode !== 'import' && mode !== 'export') throw new Error(`first argument must be import or export, got '${mode ?? ''}'. Example: npm run pytorch -- import --G G_ema.safetensors --preset biggan128 --out runs/pretrained`);
  await initBackend({ backend: 'cpu' });
  if (mode === 'export') {
    const a = cliArgs('pytorch -- export', { checkpoint: { type: 'string', help: 'a BigGAN run folder' }, out: { type: 'string', help: 'folder for the safetensors files', default: 'build/pytorch' } }, rest);
    if (!a.checkpoint) throw new Error('--checkpoint is required');
    const { files, constructor } = exportPytorchRun(a.checkpoint, a.out!);
    console.log(`wrote ${files.join(', ')}\nIn BigGAN-PyTorch:\n${constructor}`);
    return;
  }
  const a = cliArgs(
    'pytorch -- import',
    {
      G: { type: 'string', help: 'generator state dict (.safetensors; convert a .pth with lib/interop/pth_to_safetensors.py)' },
      'G-ema': { type: 'string', help: 'EMA generator state dict (what released checkpoints sample from)' },
      D: { type: 'string', help: 'discriminator state dict (needed only to continue training)' },
      preset: { type: 'string', help: 'biggan32, biggan64 or biggan128: the architecture the weights were trained with' },
      ch: { type: 'string', help: 'G_ch/D_ch (overrides the preset)' },
      classes: { type: 'string', help: 'n_classes (overrides the preset)' },
      attention: { type: 'string', help: "G_attn, e.g. 64 or 0 for none (overrides the preset)" },
      'z-dim': { type: 'string', help: 'dim_z (overrides the preset)' },
      out: { type: 'string', help: 'run folder to create', default: 'runs/imported' },
    },
    rest,
  );
  if (!a.G) throw new Error('--G is required: the generator weights as .safetensors');
  const preset = a.preset ?? 'biggan128';
  if (!(preset in BIGGAN_PRESETS)) throw new Error(`--preset must be one of ${Object.keys(BIGGAN_PRESETS).join(', ')}, got '${preset}'`);
  const arch: BigGanConfig = { ...BIGGAN_PRESETS[preset] };
  if (a.ch) arch.ch = numberFlag('ch', a.ch, 0);
  if (a.classes) arch.classes = numberFlag('classes', a.classes, 0);
  if (a['z-dim']) arch.zDim = numberFlag('z-dim', a['z-dim'], 0);
  if (a.attention) arch.attention = a.attention === '0' ? [] : a.attention.split('_').map((s) => numberFlag('attention', s, 0));
  arch.resolution = arch.resolution as BigGanResolution;
  const folder = importPytorchRun({ g: a.G, gEma: a['G-ema'], d: a.D, arch, out: a.out! });
  console.log(`imported into ${folder.dir}: npm run sample -- --checkpoint ${path.normalize(folder.dir)} --class 0 --truncation 0.5`);
});
