/**
 * The nightly's drift search (mode nightly, and mode merge on a schedule): change points in a
 * branch's stored history, for the series of the runs just recorded.
 */
import { findDrift, metricSeries, type Drift, type MetricSeries } from '../compare/drift.js';
import { environmentDifference } from '../compare/environment.js';
import type { ComparePolicy } from '../compare/policy.js';
import type { Config } from '../config/index.js';
import type { Results } from '../results/schema.js';
import type { HistoryStore } from '../store/history.js';
import { policyIn } from './options.js';

export interface DriftInput {
  store: HistoryStore;
  branch: string;
  recorded: readonly Results[];
  /** Its compare section sets the thresholds, under `overrides`. */
  config: Config | undefined;
  overrides: Partial<ComparePolicy>;
}

export interface DriftSearch {
  drifts: Drift[];
  series: MetricSeries[];
  /** The most runs any searched series has. */
  runs: number;
  /** Unreadable stored files that were skipped. */
  warnings: string[];
}

/**
 * For each recorded run, the stored runs of the same config on the same kind of machine (a new
 * runner is not a regression), and only that run's own suites, so that shards on one kind of
 * machine never search each other's series twice.
 */
export async function searchDrift(input: DriftInput): Promise<DriftSearch> {
  const { entries, warnings } = await input.store.list(input.branch);
  const stored = entries.map((e) => e.results);
  const series: MetricSeries[] = input.recorded.flatMap((results) => {
    const suites = new Set(results.suites.map((s) => s.name));
    const history = stored.filter(
      (r) =>
        r.configHash === results.configHash &&
        !environmentDifference(r.environment, results.environment),
    );
    return metricSeries(history).filter((s) => suites.has(s.suite));
  });
  const runs = Math.max(0, ...series.map((s) => s.points.length));
  const drifts = findDrift(series, { policy: policyIn(input.config, input.overrides) });
  return { drifts, series, runs, warnings };
}
