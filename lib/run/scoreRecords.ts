import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvaluation } from './evaluateRun';
import { RunFolder, type CoveragePoint } from './runFolder';

/**
 * What a finished run of a results suite leaves in the repository: its scores, and for toy runs their course over
 * training. Run folders hold checkpoints with optimiser state and stay out of the repository; these records are
 * committed, so that a suite longer than one sitting keeps its finished runs and its table can be rebuilt anywhere.
 */
export interface RunRecord {
  /** The config trained (a preset or a JSON file). */
  config: string;
  /** The extra `npm run train` arguments (seed, a step override): a record made with others is not reused. */
  trainArgs: string[];
  /**
   * The settings the run trained with (its run folder's config.json): a record whose config file, preset or
   * defaults have changed since is not reused.
   */
  settings?: Record<string, unknown>;
  /** The `npm run evaluate` arguments its scores were made with (sample count, standing statistics). */
  evalArgs?: string[];
  eval: RunEvaluation;
  /** The raw G's scores, for an EMA run. */
  evalRaw?: RunEvaluation;
  /** A toy run's PacGAN scores at each snapshot. */
  coverage?: CoveragePoint[];
}

/** Where a run folder's record lives: `<scoresDir>/<run folder's name>.json`. */
export function recordPath(scoresDir: string, runFolder: string): string {
  return path.join(scoresDir, `${path.basename(runFolder)}.json`);
}

/** The record of a run folder, when one was written. */
export function readRecord(scoresDir: string, runFolder: string): RunRecord | undefined {
  const file = recordPath(scoresDir, runFolder);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
}

/** Keys a run folder's config.json gets from its data (`completeArch`), which a config need not give. */
const FROM_DATA = new Set(['arch.resolution', 'arch.channels', 'arch.classes']);

/**
 * Options added to RunConfig after runs were recorded, with the value that trains as every run did before the
 * option existed: a record without the key and a config that sets it to this value agree.
 */
const ADDED_LATER: Record<string, unknown> = { entropy: 0 };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Where settings a run trained with (`recorded`, a run folder's config.json) disagree with the settings its config
 * gives now (`now`, from `resolveConfig`), as `key: recorded → now` lines; empty when they agree. A key either side
 * lacks counts too (a deleted option brings back a default), except those the data fills in (`FROM_DATA`) and
 * options newer than the record left at the value that trains as before (`ADDED_LATER`).
 */
export function settingsMismatch(recorded: unknown, now: unknown, prefix = ''): string[] {
  if (isObject(recorded) && isObject(now)) {
    return [...new Set([...Object.keys(recorded), ...Object.keys(now)])].flatMap((k) => {
      const key = `${prefix}${k}`;
      if (now[k] === undefined && (recorded[k] === undefined || FROM_DATA.has(key))) return [];
      if (recorded[k] === undefined && key in ADDED_LATER && now[k] === ADDED_LATER[key]) return [];
      return settingsMismatch(recorded[k], now[k], `${key}.`);
    });
  }
  const show = (v: unknown) => JSON.stringify(v) ?? 'absent';
  return show(recorded) === show(now) ? [] : [`${prefix.slice(0, -1)}: ${show(recorded)} → ${show(now)}`];
}

/**
 * The step budget of a run that trained with `recorded` settings, when those differ from the settings `now` only by
 * a smaller `steps`: such a run can resume from its checkpoint to the longer budget and become the run `now`
 * describes (resuming is exact, and no schedule, EMA start or data order reads `steps`). The old budget must fall on
 * a snapshot and a log step, since train.js also snapshots and logs at the last step: elsewhere the carried-on run
 * would hold a coverage point a straight run lacks. Undefined when they differ otherwise, or not at all.
 */
export function shorterRun(recorded: Record<string, unknown>, now: { steps: number; sampleEvery: number; logEvery: number }): number | undefined {
  const steps = recorded.steps;
  if (typeof steps !== 'number' || steps >= now.steps || steps % now.sampleEvery !== 0 || steps % now.logEvery !== 0) return undefined;
  return settingsMismatch({ ...recorded, steps: now.steps }, now).length === 0 ? steps : undefined;
}

/**
 * Why a record cannot stand for a run the suite would train and score now with these arguments and settings;
 * empty when it can. Scores made otherwise (FID from another sample count) would not compare with the others.
 */
export function recordMismatch(record: RunRecord, trainArgs: string[], settings: object, evalArgs: string[]): string[] {
  if (JSON.stringify(record.trainArgs) !== JSON.stringify(trainArgs)) return [`train arguments: ${record.trainArgs.join(' ')} → ${trainArgs.join(' ')}`];
  if (!record.evalArgs) return ['the record holds no evaluate arguments to compare'];
  if (JSON.stringify(record.evalArgs) !== JSON.stringify(evalArgs)) return [`evaluate arguments: ${record.evalArgs.join(' ') || 'none'} → ${evalArgs.join(' ') || 'none'}`];
  if (!record.settings) return ['the record holds no settings to compare'];
  return settingsMismatch(record.settings, settings);
}

/** Gathers a finished run's eval.json (and eval-raw.json, coverage.jsonl where present) into its record. */
export function writeRecord(scoresDir: string, runFolder: string, config: string, trainArgs: string[], evalArgs: string[]): RunRecord {
  const evalFile = path.join(runFolder, 'eval.json');
  if (!fs.existsSync(evalFile)) throw new Error(`${runFolder} has no eval.json: run npm run evaluate -- --checkpoint ${runFolder} first`);
  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as RunEvaluation;
  const rawFile = path.join(runFolder, 'eval-raw.json');
  const folder = new RunFolder(runFolder);
  const coverage = folder.readCoverage();
  const record: RunRecord = {
    config,
    trainArgs,
    settings: folder.readConfig() as unknown as Record<string, unknown>,
    evalArgs,
    eval: read(evalFile),
    evalRaw: fs.existsSync(rawFile) ? read(rawFile) : undefined,
    coverage: coverage.length ? coverage : undefined,
  };
  fs.mkdirSync(scoresDir, { recursive: true });
  fs.writeFileSync(recordPath(scoresDir, runFolder), JSON.stringify(record, null, 1) + '\n');
  return record;
}
