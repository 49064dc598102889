export { BASE, PRESETS, resolveConfig, validateConfig, type RunConfig } from './config';
export { loadRunData, completeArch, buildModels, runBatches, buildTrainer, type RunData } from './build';
export { RunFolder } from './runFolder';
export { loadGenerator, outputFolder, type LoadedGenerator } from './loadGenerator';
export { evaluateRun, type EvaluateRunOptions, type RunEvaluation } from './evaluateRun';
export { takeSnapshot, type Snapshot } from './snapshot';
export { readRecord, recordPath, type RunRecord } from './scoreRecords';
export { SUITES, suiteEntries, suiteRecords, type SuiteEntry, type SuiteRecord } from './suites';
export { suiteScoreTable, type SuiteScoreTableOptions } from './suiteTable';
