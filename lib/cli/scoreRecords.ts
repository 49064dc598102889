import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvaluation } from '../run/evaluateRun';
import { RunFolder, type CoveragePoint } from '../run/runFolder';

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

/** The record of a run folder, when one was written with these train arguments. */
export function readRecord(scoresDir: string, runFolder: string, trainArgs?: string[]): RunRecord | undefined {
  const file = recordPath(scoresDir, runFolder);
  if (!fs.existsSync(file)) return undefined;
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  if (trainArgs && JSON.stringify(record.trainArgs) !== JSON.stringify(trainArgs)) return undefined;
  return record;
}

/** Gathers a finished run's eval.json (and eval-raw.json, coverage.jsonl where present) into its record. */
export function writeRecord(scoresDir: string, runFolder: string, config: string, trainArgs: string[]): RunRecord {
  const evalFile = path.join(runFolder, 'eval.json');
  if (!fs.existsSync(evalFile)) throw new Error(`${runFolder} has no eval.json: run npm run evaluate -- --checkpoint ${runFolder} first`);
  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as RunEvaluation;
  const rawFile = path.join(runFolder, 'eval-raw.json');
  const coverage = new RunFolder(runFolder).readCoverage();
  const record: RunRecord = {
    config,
    trainArgs,
    eval: read(evalFile),
    evalRaw: fs.existsSync(rawFile) ? read(rawFile) : undefined,
    coverage: coverage.length ? coverage : undefined,
  };
  fs.mkdirSync(scoresDir, { recursive: true });
  fs.writeFileSync(recordPath(scoresDir, runFolder), JSON.stringify(record, null, 1) + '\n');
  return record;
}
