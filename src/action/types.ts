/** What every mode of the action receives and returns: the edges are chosen once, in main.ts. */
import type { Comparison } from '../compare/comparison.js';
import type { EventContext } from '../github/context.js';
import type { GitHubClient } from '../github/types.js';
import type { OverallVerdict } from '../compare/verdict.js';
import type { HistoryStore } from '../store/history.js';
import type { ActionInputs } from './inputs.js';

export interface ActionEnv {
  inputs: ActionInputs;
  context: EventContext;
  /** The checkout (GITHUB_WORKSPACE): relative input paths start here. */
  workspace: string;
  env: NodeJS.ProcessEnv;
  store: HistoryStore;
  /** Absent without a token: nothing is posted. */
  github?: GitHubClient;
}

/** The action's `verdict` output: a comparison's overall verdict, or what a mode did instead. */
export type ModeVerdict =
  | OverallVerdict
  | 'no-baseline'
  | 'recorded'
  | 'drift'
  | 'swept'
  | 'built'
  /** shards mode: the matrix is planned. A shard job: measured, for the merge to judge. */
  | 'planned'
  | 'sharded'
  /** bisect mode: the search is done, with or without a culprit (output culprit). */
  | 'bisected';

export interface ModeResult {
  verdict: ModeVerdict;
  /** The report: job summary, report file, and the PR comment when there is one. */
  markdown: string;
  comparison?: Comparison;
  resultsFile?: string;
  /** The pull request to comment on. */
  pullRequest?: number;
  /** Why the step fails; empty when it passes. */
  failures: string[];
  notes: string[];
  /** Outputs of this mode besides the common ones (shards mode: `matrix`). */
  outputs?: Record<string, string>;
}
