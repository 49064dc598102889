import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BigGanDiscriminator, BigGanGenerator, type BigGanConfig } from '../models/biggan';
import type { Module } from '../nn/module';
import { BASE, type RunConfig } from '../run/config';
import { RunFolder } from '../run/runFolder';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { loadPytorchState, toPytorchState } from './bigganPytorch';
import { readSafetensors, writeSafetensors } from './safetensors';

/** Configures `importPytorchRun`: the safetensors files to read, their architecture and the run folder to create. */
export interface PytorchImport {
  /** BigGAN-PyTorch state dicts as safetensors; G_ema is what its released checkpoints sample from. */
  g: string;
  gEma?: string;
  d?: string;
  arch: BigGanConfig;
  /** Run folder to create. */
  out: string;
  classNames?: string[];
}

/**
 * Turns BigGAN-PyTorch weights into a run folder of this library (config.json + checkpoint/), so `npm run sample`,
 * `evaluate`, `export` and `demo` work on them. Every tensor is checked by name and shape.
 */
export function importPytorchRun(o: PytorchImport): RunFolder {
  const folder = new RunFolder(o.out);
  if (folder.hasCheckpoint()) throw new Error(`${o.out} already holds a checkpoint; choose another --out (nothing was overwritten)`);
  const arch = { ...o.arch, init: 'normal' as const };
  const tensors = new Map<string, tf.Tensor>();
  const modules: Module[] = [];
  const add = (prefix: string, m: Module, file: string, role: 'G' | 'D') => {
    modules.push(m);
    loadPytorchState(m, role, readSafetensors(file), file);
    for (const [k, v] of m.stateDict()) tensors.set(`${prefix}.${k}`, v);
  };
  try {
    add('G', new BigGanGenerator(arch), o.g, 'G');
    if (o.gEma) add('G_ema', new BigGanGenerator(arch), o.gEma, 'G');
    if (o.d) add('D', new BigGanDiscriminator(arch), o.d, 'D');
    const cfg: RunConfig = {
      ...BASE,
      preset: 'imported-biggan-pytorch',
      model: 'biggan',
      data: 'imported',
      conditional: (o.arch.classes ?? 0) > 0,
      arch: { ...o.arch } as Record<string, unknown>,
      loss: 'hinge',
      emaDecay: o.gEma ? 0.9999 : 0,
    };
    folder.writeConfig(cfg);
    if (o.classNames) folder.writeDataInfo({ data: 'imported', classNames: o.classNames, examples: 0 });
    saveCheckpoint(folder.checkpointDir, 0, tensors, { importedFrom: { g: o.g, gEma: o.gEma ?? null, d: o.d ?? null } });
    return folder;
  } finally {
    for (const m of modules) m.dispose();
  }
}

/**
 * Writes a BigGAN run's G, D and G_ema as BigGAN-PyTorch state dicts (safetensors), plus the constructor
 * arguments that rebuild the same networks there: the route to training on a cluster and coming back.
 */
export function exportPytorchRun(runDir: string, outDir: string): { files: string[]; constructor: string } {
  const folder = new RunFolder(runDir);
  const cfg = folder.readConfig();
  if (cfg.model !== 'biggan') throw new Error(`${runDir} trained a ${cfg.model} model; BigGAN-PyTorch loads BigGAN runs only`);
  const { tensors } = loadCheckpoint(folder.checkpointDir);
  const arch = { ...(cfg.arch as unknown as BigGanConfig), init: 'normal' as const };
  if (arch.sharedEmbedding === false || arch.hierarchicalZ === false) {
    throw new Error(`${runDir} trained a BigGAN without a shared embedding or hierarchical z (an ablation); the export writes BigGAN-PyTorch's default G (G_shared, hier) only`);
  }
  const files: string[] = [];
  fs.mkdirSync(outDir, { recursive: true });
  try {
    for (const [prefix, role] of [['G', 'G'], ['G_ema', 'G'], ['D', 'D']] as const) {
      if (![...tensors.keys()].some((k) => k.startsWith(`${prefix}.`))) continue;
      const m: Module = role === 'G' ? new BigGanGenerator(arch) : new BigGanDiscriminator(arch);
      m.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, t]) => [k.slice(prefix.length + 1), t])), { source: `${runDir} (${prefix})` });
      const file = path.join(outDir, `${prefix}.safetensors`);
      writeSafetensors(file, toPytorchState(m, role), { source: 'BigGAN.ts', run: runDir });
      files.push(file);
      m.dispose();
    }
  } finally {
    tf.dispose([...tensors.values()]);
  }
  const a = cfg.arch as unknown as Required<BigGanConfig>;
  const attn = (a.attention ?? []).length ? a.attention.join('_') : '0';
  const common = `resolution=${a.resolution}, n_classes=${a.classes}`;
  const constructor =
    `G = BigGAN.Generator(G_ch=${a.ch}, dim_z=${a.zDim}, bottom_width=4, ${common}, G_attn='${attn}', G_shared=True, shared_dim=${a.sharedDim ?? 128}, hier=True, skip_init=True)\n` +
    `D = BigGAN.Discriminator(D_ch=${a.ch}, ${common}, D_attn='${attn}', skip_init=True)\n` +
    `G.load_state_dict(safetensors.torch.load_file('G.safetensors'))  # likewise D, and G_ema into a second Generator`;
  fs.writeFileSync(path.join(outDir, 'LOAD_IN_PYTORCH.txt'), constructor + '\n');
  return { files, constructor };
}
