import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from './config';
import { RunFolder } from './runFolder';
import { recordMismatch, recordPath, settingsMismatch, shorterRun } from './scoreRecords';
import { judgeRecord, scoresDir, suiteQueue, trainArgs, type SuiteEntry } from './suites';

/** What `npm run results` will do with a suite's runs, decided for all of them before any trains. */
export interface SuitePlan {
  /** The runs to train, carry on or score, in the order they train; runs with a standing record are left out. */
  queue: SuiteEntry[];
  /**
   * Runs whose folders hold a checkpoint of a shorter budget, trained otherwise as their config asks now: the
   * budget they started with and the one they carry on to. Raising a budget costs only the steps it adds.
   */
  raised: Map<SuiteEntry, { from: number; to: number }>;
  /** Runs that cannot go on as asked (a record or run folder made with other settings): why, and the fix. */
  refusals: string[];
}

/**
 * Plans a suite's runs. Every entry is checked before any trains: with --jobs 2, a refusal found by one worker
 * mid-suite would leave the other's run going on alone after the command has failed. `root` is the repository's
 * root (records under results/scores/, config files); run folders are as the entries name them.
 */
export function planSuite(suiteName: string, entries: readonly SuiteEntry[], root = '.'): SuitePlan {
  const raised = new Map<SuiteEntry, { from: number; to: number }>();
  const refusals: string[] = [];
  const queue = suiteQueue(entries).filter((e) => {
    const now = resolveConfig(e.config.endsWith('.json') ? path.join(root, e.config) : e.config, e.overrides);
    const folder = new RunFolder(e.out);
    const trained = folder.hasCheckpoint() ? (folder.readConfig() as unknown as Record<string, unknown>) : undefined;
    const from = trained && shorterRun(trained, now);
    // A resumed run trains on with the settings it started with (but a raised budget): a run whose other settings
    // differ from its config's now would be neither the old run nor the new.
    const changed = trained ? settingsMismatch(trained, now) : [];
    const resumable = trained !== undefined && (from !== undefined || changed.length === 0);
    const { record, differ } = judgeRecord(suiteName, e, root);
    const made = [e.config, ...trainArgs(e)].join(' ');
    if (record && differ.length) {
      const recorded = record.settings && shorterRun(record.settings, now);
      const onlyShorter = recorded !== undefined && recordMismatch(record, trainArgs(e), { ...now, steps: recorded }, e.evalArgs).length === 0;
      if (!(onlyShorter && resumable)) {
        const where = recordPath(scoresDir(suiteName, root), e.out);
        refusals.push(onlyShorter && trained === undefined
          ? `${where} was made with fewer steps than ${made} trains now (${differ.join('; ')}) and ${e.out} holds no checkpoint of it to carry on from: delete the record to train that run again from the start`
          : `${where} was made otherwise than ${made} trains now (${differ.join('; ')}): delete it and ${e.out} to redo that run (or, if a config changed, undo that change)`);
        return false;
      }
    } else if (record) {
      return false;
    } else if (trained && !resumable) {
      refusals.push(`${e.out} started with other settings than ${e.config} gives now (${changed.join('; ')}): delete ${e.out} to start that run again, or undo the config's change`);
      return false;
    }
    if (from !== undefined) raised.set(e, { from, to: now.steps });
    return true;
  });
  return { queue, raised, refusals };
}

/**
 * Scores in a run folder made before its last step (`eval.json`, `eval-raw.json` of a run whose budget was raised
 * since) stay in the folder, renamed for the step they were made at (`eval-step20000.json`), so that the run is
 * scored again at its new length rather than recorded with its old scores. Returns whether any were moved.
 */
export function setAsideEarlierScores(runFolder: string, steps: number): boolean {
  let moved = false;
  for (const f of ['eval.json', 'eval-raw.json']) {
    const file = path.join(runFolder, f);
    if (!fs.existsSync(file)) continue;
    const step = (JSON.parse(fs.readFileSync(file, 'utf8')) as { step?: unknown }).step;
    if (typeof step !== 'number' || step >= steps) continue;
    fs.renameSync(file, path.join(runFolder, f.replace('.json', `-step${step}.json`)));
    moved = true;
  }
  return moved;
}
