/**
 * The nightly's drift search, shared by mode nightly (one run) and mode merge on a schedule (one
 * run per shard): change points in the default branch's stored history, one tracking issue per
 * drifted metric.
 */
import { findDrift, metricSeries, type Drift, type MetricSeries } from '../compare/drift.js';
import { environmentDifference } from '../compare/environment.js';
import type { Config } from '../config/index.js';
import { upsertTrackingIssue } from '../github/issues.js';
import type { GitHubClient } from '../github/types.js';
import { nightlySummary, trackingIssueBody, trackingIssueTitle } from '../report/nightly.js';
import type { Results } from '../results/schema.js';
import { actionPolicy, defaultBranch } from './shared.js';
import type { ActionEnv } from './types.js';

export interface DriftReport {
  drifts: Drift[];
  /** The nightly summary: drift per metric with its trend, or none. */
  markdown: string;
  /** Store warnings (files skipped) and the tracking issues opened or updated. */
  notes: string[];
}

/**
 * Drift after recording `recorded`: for each, the stored runs of the same config on the same kind
 * of machine (a new runner is not a regression), and only that run's own suites, so that shards
 * on one kind of machine never search each other's series twice.
 */
export async function driftAfter(
  action: ActionEnv,
  config: Config | undefined,
  recorded: readonly Results[],
): Promise<DriftReport> {
  const { entries, warnings } = await action.store.list(defaultBranch(action));
  const stored = entries.map((e) => e.results);
  const series: MetricSeries[] = recorded.flatMap((results) => {
    const suites = new Set(results.suites.map((s) => s.name));
    const history = stored.filter(
      (r) =>
        r.configHash === results.configHash &&
        !environmentDifference(r.environment, results.environment),
    );
    return metricSeries(history).filter((s) => suites.has(s.suite));
  });
  const runs = Math.max(0, ...series.map((s) => s.points.length));
  const drifts = findDrift(series, { policy: actionPolicy(action, config) });
  const issues = action.github ? await trackDrifts(action, action.github, drifts) : [];
  return {
    drifts,
    markdown: nightlySummary(drifts, series.length, runs),
    notes: [...warnings, ...issues.map((i) => `tracking issue ${i}`)],
  };
}

/** One tracking issue per drifted metric, opened once and updated while the drift lasts. */
async function trackDrifts(
  action: ActionEnv,
  github: GitHubClient,
  drifts: readonly Drift[],
): Promise<string[]> {
  const { owner, repo } = action.context;
  const repoUrl = `${action.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}`;
  const issues: string[] = [];
  for (const drift of drifts) {
    const issue = await upsertTrackingIssue(github, {
      owner,
      repo,
      // Markers allow letters, digits, '.', '_' and '-': suite/metric keys keep their shape with dots.
      key: `${action.inputs.name}.${drift.series.key.replace(/[^A-Za-z0-9._-]/g, '.')}`,
      title: trackingIssueTitle(drift),
      body: trackingIssueBody(drift, repoUrl),
      labels: ['perfgate'],
    });
    issues.push(`${issue.action} ${issue.url}`);
  }
  return issues;
}
