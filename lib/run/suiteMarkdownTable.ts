import { formatMeanStd } from '../metrics/spread';
import { uniformCoverage } from '../metrics/modeCoverage';
import { TOYS } from './build';
import type { RunEvaluation } from './evaluateRun';
import type { RunRecord } from './scoreRecords';
import { configName, SEEDS, type SuiteEntry } from './suites';
import { pacganCell } from './toyScoreTable';

/**
 * Over the toy suite's 10 seeds, the population std (as its earlier tables); over the ablation's 2 or 3, the sample std.
 * One seed has no spread to show: its value alone.
 */
const pm = (v: number[], digits: number) => (v.length === 1 ? v[0].toFixed(digits) : formatMeanStd(v, digits));
const pmSample = (v: number[], digits: number) => formatMeanStd(v, digits, { sample: true });

/** Each entry's record, where its run has finished (read once for the tables). */
export type SuiteRecords = Map<SuiteEntry, RunRecord | undefined>;

/**
 * A suite's results as a Markdown table, from its records alone: a toy row is the mean ± std of its seeds beside
 * PacGAN's published figures, followed by the chance rows of each mixture in it; an image row is one run's scores,
 * or the mean ± sample std of a config's seeds (and its raw G's, where an EMA run has one).
 */
export function suiteMarkdownTable(records: SuiteRecords): string {
  const evals = new Map<string, RunEvaluation[]>();
  // A toy row's PacGAN figures are its config's, whatever its length: the config file names the experiment.
  const configOf = new Map([...records.keys()].map((e) => [e.label, configName(e)]));
  const add = (label: string, r: RunEvaluation | undefined) => r && evals.set(label, [...(evals.get(label) ?? []), r]);
  for (const [e, record] of records) {
    add(e.label, record?.eval);
    add(`${e.label} — its raw G`, record?.evalRaw);
  }
  const rows: string[] = [];
  for (const [label, rs] of evals) {
    if (rs[0].toy) {
      if (rows.length === 0) {
        rows.push('| run | seeds | steps | modes covered | high-quality % | reverse KL | all modes in | PacGAN Table 1: modes / HQ % / KL |', '|---|---|---|---|---|---|---|---|');
      }
      const t = rs.map((r) => r.toy!);
      rows.push(`| ${label} | ${rs.length} | ${rs[0].step} | ${pm(t.map((x) => x.modesCovered), 1)} / ${t[0].modes} | ${pm(t.map((x) => 100 * x.highQualityFraction), 1)} | ${pm(t.map((x) => x.klFromUniform), 3)} | ${t.filter((x) => x.modesCovered === x.modes).length}/${rs.length} seeds | ${pacganCell(configOf.get(label)!)} |`);
    } else if (rs[0].images) {
      if (rows.length === 0) rows.push('| run | steps | G | FID ↓ | KID ↓ | IS ↑ | precision ↑ | recall ↑ | class acc. ↑ | n real / fake |', '|---|---|---|---|---|---|---|---|---|---|');
      if (rs.length > 1) {
        // Several seeds of one config: mean ± sample std over them (the ablation's rows).
        const ms = rs.map((r) => r.images!);
        const acc = ms.every((m) => m.classAccuracy) ? `${pmSample(ms.map((m) => 100 * m.classAccuracy!.overall), 1)}%` : '–';
        const is = ms.every((m) => m.inceptionScore) ? pmSample(ms.map((m) => m.inceptionScore!.mean), 2) : '–';
        rows.push(`| ${label} (${rs.length} seeds, ± over seeds) | ${rs[0].step} | ${rs[0].generator} | ${pmSample(ms.map((m) => m.fid), 2)} | ${pmSample(ms.map((m) => m.kid.mean), 3)} | ${is} | ${pmSample(ms.map((m) => m.precision), 3)} | ${pmSample(ms.map((m) => m.recall), 3)} | ${acc} | ${ms[0].nReal} / ${ms[0].nFake} |`);
        continue;
      }
      for (const r of rs) {
        const m = r.images!;
        rows.push(`| ${label} | ${r.step} | ${r.generator} | ${m.fid.toFixed(2)} | ${m.kid.mean.toPrecision(4)} ± ${m.kid.std.toPrecision(3)} | ${m.inceptionScore ? `${m.inceptionScore.mean.toFixed(2)} ± ${m.inceptionScore.std.toFixed(2)}` : '–'} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} | ${m.classAccuracy ? `${(100 * m.classAccuracy.overall).toFixed(1)}%` : '–'} | ${m.nReal} / ${m.nFake} |`);
      }
    }
  }
  rows.push(...chanceRows([...evals.values()].flatMap((rs) => (rs[0].toy ? [rs[0].data] : []))));
  return rows.join('\n');
}

/**
 * A toy table's scale: for each mixture in it, PacGAN's scores of no generator at all (`uniformCoverage`, 2,500
 * uniform points over the modes' box), over as many draws as the suite has seeds. A row near these, however many
 * modes it "covers", is a haze over the region, not a generator that found the modes.
 */
function chanceRows(mixtures: string[]): string[] {
  return [...new Set(mixtures)].filter((name) => name in TOYS).map((name) => {
    const m = TOYS[name]();
    const t = SEEDS.map((seed) => uniformCoverage(m.centres, m.sigma, { seed }));
    const [[x0, x1], [y0, y1]] = t[0].box;
    const square = `[${x0.toFixed(2)}, ${x1.toFixed(2)}] × [${y0.toFixed(2)}, ${y1.toFixed(2)}]`;
    return `| chance: ${t[0].samples.toLocaleString('en')} points uniform over ${square} (${name}) | ${t.length} draws | – | ${pm(t.map((x) => x.modesCovered), 1)} / ${t[0].modes} | ${pm(t.map((x) => 100 * x.highQualityFraction), 1)} | ${pm(t.map((x) => x.klFromUniform), 3)} | ${t.filter((x) => x.modesCovered === x.modes).length}/${t.length} draws | – |`;
  });
}
