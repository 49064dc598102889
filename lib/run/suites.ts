import * as path from 'node:path';
import { resolveConfig, type RunConfig } from './config';
import { readRecord, recordMismatch, type RunRecord } from './scoreRecords';

/**
 * The results suites (`npm run results -- --suite NAME`): which runs make the README's tables, how each is trained
 * and scored, and where its committed record lives. The CLI trains them; notebooks read their records.
 */
export interface SuiteEntry {
  /** The row of the table the run belongs to. */
  label: string;
  /** The row's config without the seed: a preset, or the base name of its JSON file (`3-ema`). */
  row: string;
  seed?: number;
  /** A preset or a JSON file, relative to the repository's root. */
  config: string;
  /** The run folder, relative to the repository's root. */
  out: string;
  /** What the entry overrides in its config (a seed, a shortened step count), passed to train as flags. */
  overrides: Partial<RunConfig>;
  evalArgs: string[];
  /** Also score the raw G (an EMA run's), into eval-raw.json. */
  rawToo?: boolean;
  /** Where the entry trains in the queue, lowest first, where that differs from its place in the table. */
  runRank?: number;
}

/** The suites there are. */
export const SUITES = ['toy', 'images', 'biggan-ablation'] as const;

/** Where a suite's records are committed, below the repository's root. */
export const scoresDir = (suiteName: string, root = '.') => path.join(root, 'results', 'scores', suiteName);

/** The toy suite's seeds: PacGAN's Table 1 averages 10 runs. */
export const SEEDS = Array.from({ length: 10 }, (_, i) => i);

/** The toy suite: PacGAN's 2-D protocol (lib/run/config.ts), without and with packing, and with mode seeking. */
const TOY_CONFIGS = ['toy-ring-gan', 'toy-ring-pacgan2', 'toy-ring-pacgan4', 'toy-grid-gan', 'toy-grid-pacgan2', 'toy-grid-pacgan4', 'toy-grid-msgan'];

/**
 * The grid's GAN and PacGAN4 once each at PacGAN's full length, 400 epochs of 100,000 examples — packs, where D
 * sees packs: its data set holds 100,000 rows of `pack` points — at 100 a batch: 400,000 steps
 * (results/toy-full/*.json). So the high-quality fraction can be compared with its Table 1: at the suite's budgets
 * it may still be rising.
 */
const TOY_FULL_LENGTH = ['toy-grid-gan', 'toy-grid-pacgan4'];

/** The suffix of a full-length toy row (`toy-grid-gan-full`). */
export const FULL_LENGTH = '-full';

/**
 * The rows of the BigGAN ablation (results/ablation/*.json), each adding one trick to the row above, and how many
 * seeds each trains: two, and three for the pair notebook 08 compares (without and with attention), since a claim
 * comparing two methods needs more than two seeds' spread.
 */
const ABLATION: { file: string; label: string; ema?: boolean; seeds: number }[] = [
  { file: '0-baseline', label: "SNGAN-style conditional ResNet (per-block class gains, z at the input; Table 1's baseline without attention)", seeds: 2 },
  { file: '1-shared-hierarchical', label: '+ shared embedding, hierarchical z', seeds: 2 },
  { file: '2-ortho', label: '+ orthogonal regularisation (β 1e-4)', seeds: 2 },
  { file: '3-ema', label: '+ EMA of G (0.999 from step 500; standing statistics)', ema: true, seeds: 3 },
  // BigGAN-PyTorch's 32×32 table labels every D block 16: D gets attention after each of its four blocks.
  { file: '4-attention', label: '+ self-attention (G at 16×16; D after every block, as BigGAN-PyTorch at 32×32)', ema: true, seeds: 3 },
  // Width ×1.5, as the BigGAN paper's Table 1 widens (ch 64 → 96). ×2 would cost 3.5 times a row here, more than a
  // sitting; ×1.5 costs 1.8 times (seconds a step on one core, measured side by side).
  { file: '5-wide', label: '+ width 24 (×1.5 channels, as Table 1; 1 seed)', ema: true, seeds: 1 },
];

/**
 * The order the ablation trains in. Notebook 08 compares the attention row with the EMA row it builds on and
 * needs the attention run's generator first: seed 0 trains the attention row before the EMA row, and the pair's
 * other seeds come before the seed-1 rows only notebook 09 reads. The wide row costs about twice another row: it
 * comes last, so that the rows the text draws conclusions from finish first.
 */
const ABLATION_ORDER: [string, number][] = [
  ['0-baseline', 0], ['1-shared-hierarchical', 0], ['2-ortho', 0], ['4-attention', 0], ['3-ema', 0],
  ['4-attention', 1], ['3-ema', 1], ['4-attention', 2], ['3-ema', 2],
  ['0-baseline', 1], ['1-shared-hierarchical', 1], ['2-ortho', 1],
  ['5-wide', 0],
];

/** Where an ablation run trains in ABLATION_ORDER; a run left out of it is a mistake in this file, not a run to put first. */
function ablationRank(file: string, seed: number): number {
  const rank = ABLATION_ORDER.findIndex(([f, s]) => f === file && s === seed);
  if (rank < 0) throw new Error(`ABLATION_ORDER (lib/run/suites.ts) has no place for ${file} seed ${seed}: add it`);
  return rank;
}

/** Which of a suite's runs `suiteEntries` lists, and where the repository is. */
export interface SuiteEntriesOptions {
  /** Shorten every run to this many steps (a smoke test of the suite), into run folders of its own. */
  steps?: number;
  /** The repository's root, where the suite's config files are read (default: the working directory; a notebook: '..'). */
  root?: string;
}

/** The runs of a suite, in table order. */
export function suiteEntries(name: string, o: SuiteEntriesOptions = {}): SuiteEntry[] {
  const { steps, root = '.' } = o;
  const stepsOverride = steps ? { steps } : {};
  // A shortened run (a smoke test of the suite) gets its own run folder and record, so that it can neither resume
  // a full run's checkpoint nor replace its committed scores.
  const tag = steps ? `-steps${steps}` : '';
  if (name === 'toy') {
    // Seed-major, so that a suite stopped part way (it resumes) has the same seeds of every row.
    const full = TOY_FULL_LENGTH.map((config): SuiteEntry => ({
      label: `${config} (${(steps ?? resolveConfig(path.join(root, `results/toy-full/${config}.json`)).steps).toLocaleString('en')} steps, PacGAN's full length)`,
      row: `${config}${FULL_LENGTH}`,
      seed: 0,
      config: `results/toy-full/${config}.json`,
      out: `runs/results/${config}${FULL_LENGTH}-seed0${tag}`,
      overrides: { seed: 0, ...stepsOverride },
      evalArgs: [],
      // Each costs about twenty of the suite's runs: they come after the ten seeds the table's rows need.
      runRank: 1,
    }));
    return [
      ...SEEDS.flatMap((seed) =>
        TOY_CONFIGS.map((config) => ({ label: config, row: config, seed, config, out: `runs/results/${config}-seed${seed}${tag}`, overrides: { seed, ...stepsOverride }, evalArgs: [] })),
      ),
      ...full,
    ];
  }
  if (name === 'images') {
    return ['results/wgan-gp-cpu.json', 'results/sngan-cpu.json', 'results/biggan-cpu.json'].map((config) => {
      const label = path.basename(config, '.json');
      return { label, row: label, config, out: `runs/results/${label}${tag}`, overrides: stepsOverride, evalArgs: ['--n', '5000'] };
    });
  }
  if (name === 'biggan-ablation') {
    // BigGAN's tricks one at a time, after its Table 1, each row at 2,000 steps, seed-major in the table. EMA rows
    // are scored with standing statistics.
    const entry = (row: (typeof ABLATION)[number], seed: number): SuiteEntry => ({
      label: row.label,
      row: row.file,
      seed,
      config: `results/ablation/${row.file}.json`,
      out: `runs/results/ablation-${row.file}-seed${seed}${tag}`,
      overrides: { seed, ...stepsOverride },
      evalArgs: ['--n', '10000', ...(row.ema ? ['--standing', '16'] : [])],
      // The EMA G trails the raw one in runs this short (README): score both, so that rows after EMA are not
      // judged through its lag alone.
      rawToo: row.ema,
      runRank: ablationRank(row.file, seed),
    });
    const mostSeeds = Math.max(...ABLATION.map((row) => row.seeds));
    return Array.from({ length: mostSeeds }, (_, seed) => seed).flatMap((seed) =>
      ABLATION.filter((row) => seed < row.seeds).map((row) => entry(row, seed)));
  }
  throw new Error(`unknown suite '${name}': ${SUITES.join(', ')}`);
}

/** The order a suite's runs train in: by `runRank`, table order within a rank. */
export const suiteQueue = (entries: readonly SuiteEntry[]): SuiteEntry[] => [...entries].sort((x, y) => (x.runRank ?? 0) - (y.runRank ?? 0));

/** The `npm run train` flags that give an entry's overrides (`--seed 3 --steps 50`). */
export const trainArgs = (e: SuiteEntry) => Object.entries(e.overrides).flatMap(([key, value]) => [`--${key}`, String(value)]);

/**
 * An entry's committed record, and why it cannot stand for the run the suite would train and score now (empty:
 * it can). `root` is the repository's root, for callers elsewhere (a notebook: '..').
 */
export function judgeRecord(suiteName: string, e: SuiteEntry, root = '.'): { record?: RunRecord; differ: string[] } {
  const record = readRecord(scoresDir(suiteName, root), e.out);
  const config = e.config.endsWith('.json') ? path.join(root, e.config) : e.config;
  return { record, differ: record ? recordMismatch(record, trainArgs(e), resolveConfig(config, e.overrides), e.evalArgs) : [] };
}

/** A finished run of a suite: its entry and its committed record. */
export interface SuiteRecord extends SuiteEntry {
  record: RunRecord;
}

/** An entry's config by name, without folder or `.json` (`toy-grid-gan` for results/toy-full/toy-grid-gan.json): what Table 1 and a chart's legend are keyed by. */
export const configName = (e: Pick<SuiteEntry, 'config'>): string => path.basename(e.config, '.json');

/** Finished runs grouped by row, rows in the order they first appear, each row's runs in seed order: a table's rows. */
export function recordsByRow(records: readonly SuiteRecord[]): SuiteRecord[][] {
  const byRow = new Map<string, SuiteRecord[]>();
  for (const r of records) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r]);
  return [...byRow.values()].map((runs) => [...runs].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0)));
}

/**
 * The committed records of a suite's finished runs that stand for what the suite trains now, in table order:
 * what a notebook shows of a suite without training it. A record made otherwise (another config, seed, sample
 * count) is an error naming the difference, rather than a score quietly compared with others.
 */
export function suiteRecords(name: string, o: { root?: string } = {}): SuiteRecord[] {
  return suiteEntries(name, { root: o.root }).flatMap((e) => {
    const { record, differ } = judgeRecord(name, e, o.root);
    if (!record) return [];
    if (differ.length) throw new Error(`the record of ${e.out} was made otherwise than the ${name} suite trains now (${differ.join('; ')}): run \`npm run results -- --suite ${name}\` to redo it`);
    return [{ ...e, record }];
  });
}
