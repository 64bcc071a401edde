/**
 * The gate shared by `perfgate check` and the action's pr and report modes: a run's results
 * against the baseline chosen from the stored history of its base branch.
 */
import { compareResults, type Comparison } from '../compare/compare.js';
import { plural } from '../compare/environment.js';
import type { ComparePolicy } from '../compare/policy.js';
import type { Results } from '../results/schema.js';
import { shortRevision } from '../report/format.js';
import { selectBaseline, type BaselineSelection } from '../store/baseline.js';
import type { HistoryStore } from '../store/history.js';

export interface GateInput {
  results: Results;
  store: HistoryStore;
  /** The branch whose history holds the baseline (the pull request's base). */
  branch: string;
  window: number;
  policy: Partial<ComparePolicy>;
  mergeBase?: string;
}

export interface GateOutcome {
  /** Absent when no stored result matches: report the numbers, pass, say how to get a baseline. */
  comparison?: Comparison;
  selection: BaselineSelection;
  /** Unreadable files the store skipped. */
  warnings: string[];
}

export async function gateAgainstHistory(input: GateInput): Promise<GateOutcome> {
  const { entries, warnings } = await input.store.list(input.branch);
  const selection = selectBaseline(
    entries,
    {
      configHash: input.results.configHash,
      environment: input.results.environment,
      mergeBase: input.mergeBase,
    },
    input.window,
  );
  const comparison = selection.baseline
    ? compareResults(selection.baseline, input.results, input.policy)
    : undefined;
  return { ...(comparison ? { comparison } : {}), selection, warnings };
}

/** "main: 3 stored results pooled (abc1234, def5678, …)" for a report's context lines. */
export function baselineLabel(branch: string, selection: BaselineSelection): string {
  const commits = selection.used.map((e) => shortRevision(e.results.commit, e.results.createdAt));
  const shown = commits.length > 4 ? [...commits.slice(0, 4), '…'] : commits;
  return `${branch}: ${plural(selection.used.length, 'stored result')} pooled (${shown.join(', ')})`;
}
