import * as fs from 'node:fs';
import { LOSSES, type LossName } from '../losses';
import type { BigGanConfig } from '../models/biggan';
import type { DcganConfig } from '../models/dcgan';
import type { ToyMlpConfig } from '../models/toyMlp';

/**
 * Everything a training run is: the model, the data, the objective and the schedule. Presets cover the notebooks'
 * models; a JSON file may name a preset in `extends` and change any key. Unknown keys are errors.
 */
export interface RunConfig {
  /** Which preset this config started from (informational). */
  preset: string;
  model: 'toy' | 'dcgan' | 'biggan';
  /**
   * Options passed to the model classes (ToyMlpConfig, DcganConfig or BigGanConfig). `resolution`, `channels` and
   * `classes` are filled in from the data where not given.
   */
  arch: Record<string, unknown>;
  /** ring8 | grid25 | fashion-mnist | mnist | cifar10 | folder:<path> */
  data: string;
  /** Keep only the first N training examples (0: all). */
  dataLimit: number;
  /** Train a class-conditional model on the data's labels. */
  conditional: boolean;
  loss: LossName;
  /** Generator updates. */
  steps: number;
  batchSize: number;
  /** Micro-batches per update (a batch of batchSize·accumulate in batchSize's memory). */
  accumulate: number;
  dSteps: number;
  gLr: number;
  dLr: number;
  beta1: number;
  beta2: number;
  gradientPenalty: number;
  r1: number;
  orthoReg: number;
  /** λ of MSGAN's mode-seeking term on G (0: off; the paper uses 1). */
  modeSeeking: number;
  /** λ of the entropy term on G (0: off): the nearest-neighbour estimate of its samples' entropy, maximised. */
  entropy: number;
  /** WGAN's weight clipping bound for D (0: off). */
  weightClip: number;
  /** EMA decay of G's weights (0: no EMA copy). */
  emaDecay: number;
  emaStart: number;
  seed: number;
  sampleEvery: number;
  checkpointEvery: number;
  logEvery: number;
}

/** The defaults every preset and config file starts from: a non-saturating DCGAN on Fashion-MNIST. */
export const BASE: RunConfig = {
  preset: 'base',
  model: 'dcgan',
  arch: {},
  data: 'fashion-mnist',
  dataLimit: 0,
  conditional: false,
  loss: 'non-saturating',
  steps: 5000,
  batchSize: 64,
  accumulate: 1,
  dSteps: 1,
  gLr: 2e-4,
  dLr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  gradientPenalty: 0,
  r1: 0,
  orthoReg: 0,
  modeSeeking: 0,
  entropy: 0,
  weightClip: 0,
  emaDecay: 0,
  emaStart: 0,
  seed: 0,
  sampleEvery: 250,
  checkpointEvery: 500,
  logEvery: 10,
};

const toy: Partial<RunConfig> = { model: 'toy', arch: { hidden: 128, depth: 3 }, batchSize: 256, steps: 2000, gLr: 1e-3, dLr: 1e-3, sampleEvery: 250, checkpointEvery: 1000, logEvery: 10 };

/**
 * PacGAN's 2-D protocol (Lin et al., 2018, and their code): G 4 × 400 ReLU with batch norm from z ∈ R², D 3 × 200
 * maxout units of 5 pieces then linear, weights N(0, 0.02²), Adam 1e-4 β₁ 0.8, 100 (packed) examples per batch,
 * the standard GAN loss. Their runs last 400 epochs of 100,000 samples (400,000 steps); `steps` here is where the
 * modes and reverse KL level off on this machine (README, Results): on the grid about 120,000 steps, where PacGAN4's
 * full-length seed 0 comes to hold 24–25 modes at low KL (at 20,000 it is still a haze); on the ring 20,000, past
 * the 10,000 or so from which seed 0 of each row moves within a band. They update G and D simultaneously; this
 * Trainer alternates.
 */
function pacgan(data: 'ring8' | 'grid25', pack: number, extra: Partial<RunConfig> = {}): Partial<RunConfig> {
  return {
    model: 'toy',
    data,
    arch: { zDim: 2, init: { kind: 'normal', std: 0.02 }, g: { hidden: 400, depth: 4, batchNorm: true }, d: { hidden: 200, depth: 3, maxout: 5, pack } },
    loss: 'non-saturating',
    // 100 packs of `pack` samples: D sees as many examples per batch as without packing, G makes pack× more.
    batchSize: 100 * pack,
    steps: data === 'grid25' ? 120000 : 20000,
    gLr: 1e-4,
    dLr: 1e-4,
    // Their config says beta1 0.8 in Blocks' Adam. Blocks weighed the new gradient by beta1 until January 2017
    // (commit aa064519, "Updated moment parametrization to v8 of the adam paper"); from then on beta1 is the usual
    // decay. PacGAN's code came a year later (first commit January 2018) on ALI's setup, which asks for Blocks'
    // development version unpinned: β₁ = 0.8 in the usual convention. (The kit read it as 0.2 until December 2026;
    // records made so are in git history, commit 1bd27cd.)
    beta1: 0.8,
    beta2: 0.999,
    sampleEvery: 2000,
    checkpointEvery: 2000,
    logEvery: 50,
    ...extra,
  };
}

/** The presets: one per model the notebooks train, with the papers' objectives and optimiser settings. */
export const PRESETS: Record<string, Partial<RunConfig>> = {
  'toy-ring': { ...toy, data: 'ring8' },
  'toy-grid': { ...toy, data: 'grid25' },
  'toy-ring-r1': { ...toy, data: 'ring8', r1: 0.1 },
  'toy-grid-r1': { ...toy, data: 'grid25', r1: 0.1 },
  'toy-ring-gan': pacgan('ring8', 1),
  'toy-ring-pacgan2': pacgan('ring8', 2),
  'toy-ring-pacgan4': pacgan('ring8', 4),
  'toy-grid-gan': pacgan('grid25', 1),
  'toy-grid-pacgan2': pacgan('grid25', 2),
  'toy-grid-pacgan4': pacgan('grid25', 4),
  // MSGAN (Mao et al., 2019): the plain GAN of PacGAN's protocol plus the mode-seeking term at the paper's λ = 1.
  'toy-grid-msgan': pacgan('grid25', 1, { modeSeeking: 1 }),
  // Radford et al.: Adam 2e-4, β₁ 0.5, batch norm in G.
  dcgan: { model: 'dcgan', arch: { ch: 32 } },
  // Arjovsky et al.: clipping at 0.01, 5 critic steps, RMSProp at 5e-5 (they found momentum unstable with clipping).
  // This library's optimiser is Adam; with β₁ = 0 and β₂ = 0.99 it is RMSProp (PyTorch's default decay 0.99) plus
  // bias correction of the second moment.
  wgan: { model: 'dcgan', arch: { ch: 32 }, loss: 'wasserstein', weightClip: 0.01, dSteps: 5, gLr: 5e-5, dLr: 5e-5, beta1: 0, beta2: 0.99 },
  // Gulrajani et al.: λ = 10, 5 critic steps, Adam 1e-4, β = (0, 0.9).
  'wgan-gp': { model: 'dcgan', arch: { ch: 32 }, loss: 'wasserstein', gradientPenalty: 10, dSteps: 5, gLr: 1e-4, dLr: 1e-4, beta1: 0, beta2: 0.9 },
  // Miyato et al.: spectral norm in D, hinge loss, Adam 2e-4 β = (0.5, 0.999), n_dis 1 at this size (their setting C).
  sngan: { model: 'dcgan', arch: { ch: 32, spectralNorm: true }, loss: 'hinge', gLr: 2e-4, dLr: 2e-4, beta1: 0.5, beta2: 0.999 },
  // BigGAN's pieces: hinge, SN in G and D, β = (0, 0.999), ortho reg 1e-4, EMA 0.9999 from step 1000; rates 1e-4/4e-4 are
  // SAGAN's (BigGAN-PyTorch's ImageNet scripts; the paper's own are 5e-5/2e-4), with the paper's n_dis 2.
  biggan32: { model: 'biggan', arch: { resolution: 32, ch: 64, zDim: 128 }, conditional: true, loss: 'hinge', gLr: 1e-4, dLr: 4e-4, beta1: 0, beta2: 0.999, orthoReg: 1e-4, emaDecay: 0.9999, emaStart: 1000, accumulate: 2, batchSize: 32, dSteps: 2 },
  // The same architecture narrowed for a CPU (ch 16): what the results table trains on this machine.
  // Measured on a CPU (README, Results): the settings of the BigGAN-PyTorch reference run — equal rates 2e-4, n_dis 2,
  // batch 64, no orthogonal regularisation — with an EMA horizon (1/(1 − 0.999) = 1,000 steps) a few-thousand-step
  // run can use.
  'biggan32-cpu': { model: 'biggan', arch: { resolution: 32, ch: 16, zDim: 128 }, conditional: true, loss: 'hinge', gLr: 2e-4, dLr: 2e-4, beta1: 0, beta2: 0.999, orthoReg: 0, emaDecay: 0.999, emaStart: 500, batchSize: 64, dSteps: 2 },
  biggan64: { model: 'biggan', arch: { resolution: 64, ch: 64, attention: [32] }, data: 'folder:', conditional: true, loss: 'hinge', gLr: 1e-4, dLr: 4e-4, beta1: 0, beta2: 0.999, orthoReg: 1e-4, emaDecay: 0.9999, emaStart: 1000, batchSize: 16, accumulate: 4, dSteps: 2 },
  biggan128: { model: 'biggan', arch: { resolution: 128, ch: 96, attention: [64] }, data: 'folder:', conditional: true, loss: 'hinge', gLr: 1e-4, dLr: 4e-4, beta1: 0, beta2: 0.999, orthoReg: 1e-4, emaDecay: 0.9999, emaStart: 20000, batchSize: 8, accumulate: 32, dSteps: 2 },
};

function closest(word: string, options: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = options.map((o) => [o, dist(word, o)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, word.length / 3) ? best[0] : undefined;
}

/** Checks keys and value types against BASE; errors name the key, the problem and the valid choices. */
export function validateConfig(raw: Record<string, unknown>, where: string): Partial<RunConfig> {
  const keys = Object.keys(BASE);
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'extends') continue;
    if (!keys.includes(k)) {
      const guess = closest(k, keys);
      throw new Error(`${where}: unknown key '${k}'${guess ? ` (did you mean '${guess}'?)` : ''}. Valid keys: extends, ${keys.join(', ')}`);
    }
    const expected = typeof BASE[k as keyof RunConfig];
    if (typeof v !== expected || (expected === 'object' && (v === null || Array.isArray(v)))) {
      throw new Error(`${where}: '${k}' must be ${expected === 'object' ? 'an object' : `a ${expected}`}, got ${JSON.stringify(v)}`);
    }
  }
  if (raw.loss !== undefined && !(String(raw.loss) in LOSSES)) throw new Error(`${where}: loss '${raw.loss}' is not one of ${Object.keys(LOSSES).join(', ')}`);
  if (raw.model !== undefined && !['toy', 'dcgan', 'biggan'].includes(String(raw.model))) throw new Error(`${where}: model '${raw.model}' is not one of toy, dcgan, biggan`);
  for (const k of ['steps', 'batchSize', 'accumulate', 'dSteps', 'sampleEvery', 'checkpointEvery', 'logEvery'] as const) {
    const v = raw[k];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) throw new Error(`${where}: '${k}' must be a whole number ≥ 1, got ${v}`);
  }
  return raw as Partial<RunConfig>;
}

/** The `arch` keys each model kind takes (typed against its config, so a renamed option fails to compile here). */
const ARCH_KEYS: Record<'biggan' | 'dcgan' | 'toy', string[]> = {
  biggan: ['resolution', 'ch', 'zDim', 'sharedDim', 'classes', 'attention', 'channels', 'spectralNorm', 'init', 'sharedEmbedding', 'hierarchicalZ', 'pack', 'seed'] satisfies (keyof BigGanConfig)[],
  dcgan: ['zDim', 'ch', 'resolution', 'channels', 'classes', 'gConditioning', 'dConditioning', 'spectralNorm', 'batchNorm', 'pack', 'seed'] satisfies (keyof DcganConfig)[],
  toy: ['zDim', 'hidden', 'depth', 'dim', 'batchNorm', 'maxout', 'pack', 'init', 'seed'] satisfies (keyof ToyMlpConfig)[],
};

/** Checks an `arch` object's keys (and its players' `g` and `d` objects) against the model kind's options. */
function validateArch(model: RunConfig['model'], arch: Record<string, unknown>, where: string): void {
  const keys = ARCH_KEYS[model];
  const check = (obj: Record<string, unknown>, path: string) => {
    for (const k of Object.keys(obj)) {
      if (keys.includes(k)) continue;
      if ((k === 'g' || k === 'd') && path === 'arch') {
        const own = obj[k];
        if (own == null || typeof own !== 'object' || Array.isArray(own)) throw new Error(`${where}: arch.${k} must be an object of ${k === 'g' ? 'generator' : 'discriminator'} options, got ${JSON.stringify(own)}`);
        check(own as Record<string, unknown>, `arch.${k}`);
        continue;
      }
      const guess = closest(k, keys);
      throw new Error(`${where}: ${path} has no option '${k}' for a ${model} model${guess ? ` (did you mean '${guess}'?)` : ''}. Valid: ${keys.join(', ')}`);
    }
  };
  check(arch, 'arch');
}

/** Later `arch` objects over earlier ones, the players' own `g` and `d` options merged key by key too. */
function mergeArch(...layers: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) {
      const player = (k === 'g' || k === 'd') && v && typeof v === 'object' && !Array.isArray(v);
      out[k] = player ? { ...((out[k] as Record<string, unknown> | undefined) ?? {}), ...(v as Record<string, unknown>) } : v;
    }
  }
  return out;
}

/**
 * A preset name, or a JSON file `{ "extends": "<preset>", …keys }`, resolved to a full config. Later sources win:
 * BASE, then the preset, then the file's keys, then `overrides` (command-line flags).
 */
export function resolveConfig(nameOrFile: string, overrides: Partial<RunConfig> = {}): RunConfig {
  let preset = nameOrFile;
  let own: Partial<RunConfig> = {};
  if (!(nameOrFile in PRESETS)) {
    if (!/\.json$/.test(nameOrFile) && !fs.existsSync(nameOrFile)) {
      const guess = closest(nameOrFile, Object.keys(PRESETS));
      throw new Error(`'${nameOrFile}' is neither a preset${guess ? ` (did you mean '${guess}'?)` : ''} nor a JSON file. Presets: ${Object.keys(PRESETS).join(', ')}`);
    }
    if (!fs.existsSync(nameOrFile)) throw new Error(`config file ${nameOrFile} does not exist`);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(fs.readFileSync(nameOrFile, 'utf8'));
    } catch (e) {
      throw new Error(`config file ${nameOrFile} is not valid JSON: ${(e as Error).message}`);
    }
    own = validateConfig(raw, nameOrFile);
    preset = String(raw.extends ?? 'dcgan');
    if (!(preset in PRESETS)) throw new Error(`${nameOrFile}: extends '${preset}', which is not a preset. Presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  validateConfig(overrides as Record<string, unknown>, 'command line');
  const cfg: RunConfig = { ...BASE, ...PRESETS[preset], ...own, ...overrides, preset };
  cfg.arch = mergeArch(PRESETS[preset].arch, own.arch, overrides.arch);
  validateArch(cfg.model, cfg.arch, nameOrFile);
  if (cfg.data === 'folder:') throw new Error(`preset ${preset} trains on an image folder: give one with --data folder:<path> (one sub-folder per class)`);
  return cfg;
}
