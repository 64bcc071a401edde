/**
 * The nightly's drift, shared by mode nightly (one run) and mode merge on a schedule (one run per
 * shard): the search of the default branch's history, and one tracking issue per drifted metric.
 */
import type { Drift } from '../compare/drift.js';
import type { Config } from '../config/index.js';
import { upsertTrackingIssue } from '../github/issues.js';
import type { GitHubClient } from '../github/types.js';
import { nightlySummary, trackingIssueBody, trackingIssueTitle } from '../report/nightly.js';
import type { Results } from '../results/schema.js';
import { searchDrift } from '../pipeline/drift.js';
import { defaultBranch } from './shared.js';
import type { ActionEnv } from './types.js';

export interface DriftReport {
  drifts: Drift[];
  /** The nightly summary: drift per metric with its trend, or none. */
  markdown: string;
  /** Store warnings (files skipped) and the tracking issues opened or updated. */
  notes: string[];
}

/** Drift after recording `recorded` (pipeline/drift.ts), and a tracking issue per drift. */
export async function driftAfter(
  action: ActionEnv,
  config: Config | undefined,
  recorded: readonly Results[],
): Promise<DriftReport> {
  const { drifts, series, runs, warnings } = await searchDrift({
    store: action.store,
    branch: defaultBranch(action),
    recorded,
    config,
    overrides: action.inputs.policy,
  });
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
