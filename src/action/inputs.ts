/**
 * The action's inputs, read once into a typed object. Input names live here only; tests set real
 * INPUT_* variables. Validation uses the option parsers the CLI uses (pipeline/options.ts), so both
 * faces reject the same values.
 */
import * as core from '@actions/core';
import { choiceOption, labelsOption, policyOverrides, wholeOption } from '../pipeline/options.js';
import type { ComparePolicy } from '../compare/policy.js';
import { BASELINE_MODES, type BaselineMode } from '../config/index.js';
import { HISTORY_WINDOW, RESULTS_PATH } from '../pipeline/defaults.js';
import { MAX_SHARDS } from '../results/shard.js';
import { parseShardSpec, type ShardSpec } from '../shard/plan.js';
import { BOT_LOGIN, DATA_BRANCH, REPORT_NAME } from '../constants.js';

const MODES = [
  'pr',
  'record',
  'report',
  'nightly',
  'sweep',
  'compare',
  'dashboard',
  'shards',
  'merge',
  'bisect',
] as const;
export type Mode = (typeof MODES)[number];
const COMMENT_POLICIES = ['always', 'on-change', 'never'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

export const INPUT = {
  mode: 'mode',
  config: 'config',
  githubToken: 'github-token',
  dataBranch: 'data-branch',
  baseline: 'baseline',
  baselineRevision: 'baseline-revision',
  baselineWindow: 'baseline-window',
  failOnRegression: 'fail-on-regression',
  comment: 'comment',
  commentAuthor: 'comment-author',
  alpha: 'alpha',
  failOn: 'fail-on',
  threshold: 'threshold',
  adjustment: 'adjustment',
  resultsPath: 'results-path',
  reportPath: 'report-path',
  sitePath: 'site-path',
  repositoryUrl: 'repository-url',
  name: 'name',
  base: 'base',
  head: 'head',
  shard: 'shard',
  shardCount: 'shard-count',
  runsOn: 'runs-on',
  results: 'results',
  good: 'good',
  bad: 'bad',
  metric: 'metric',
  issue: 'issue',
  tune: 'tune',
} as const;

export interface ActionInputs {
  mode: Mode;
  config: string;
  githubToken?: string;
  dataBranch: string;
  /** Overrides the config's `baseline`: interleaved, history or auto. */
  baseline?: BaselineMode;
  /** The base revision measured beside the head; default: the pull request's merge base. */
  baselineRevision?: string;
  /** Stored runs a history check uses at most. */
  baselineWindow: number;
  failOnRegression: boolean;
  comment: CommentPolicy;
  /** The login that posts the comment: how an earlier comment is recognised as ours. */
  commentAuthor: string;
  /** Inputs alpha, threshold, adjustment and fail-on: over the config's compare section. */
  policy: Partial<ComparePolicy>;
  resultsPath: string;
  reportPath: string;
  /** dashboard mode: the folder the site is written to. */
  sitePath: string;
  /** dashboard mode: where commits link to; default: this repository on this server. */
  repositoryUrl?: string;
  name: string;
  /** compare mode only: two inputs in any format `perfgate compare` reads. */
  base?: string;
  head?: string;
  /**
   * pr and record modes: this job is shard K of N, or the matrix entry (`${{ toJSON(matrix) }}`)
   * whose suites it runs as planned (docs/scaling.md); the merge judges.
   */
  shard?: ShardSpec;
  /** shards mode (required there): how many shards to plan. */
  shardCount?: number;
  /** shards mode: the runner labels of shards whose suites are not pinned (default ubuntu-latest). */
  runsOn?: string[];
  /** merge mode: the shard artifacts, files or folders, one per line (default perfgate-shards). */
  results?: string[];
  /** bisect mode: the range, the metrics to follow (globs) and the tracking issue to comment on. */
  good?: string;
  bad?: string;
  metric?: string[];
  issue?: number;
  /** Tune the runner before the mode and restore it after (perfgate doctor --tune, root only). */
  tune?: boolean;
}

function optional(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

const field = (name: string) => `input ${name}`;

function flag(name: string, fallback: boolean): boolean {
  const value = optional(name);
  if (value === undefined) return fallback;
  const parsed = choiceOption(value, field(name), ['true', 'false'] as const);
  return parsed === 'true';
}

export function readInputs(): ActionInputs {
  const window = wholeOption(optional(INPUT.baselineWindow), field(INPUT.baselineWindow), {
    min: 1,
    max: 1000,
  });
  return {
    mode: choiceOption(optional(INPUT.mode), field(INPUT.mode), MODES) ?? 'pr',
    config: optional(INPUT.config) ?? 'perfgate.yml',
    githubToken: optional(INPUT.githubToken),
    dataBranch: optional(INPUT.dataBranch) ?? DATA_BRANCH,
    baseline: choiceOption(optional(INPUT.baseline), field(INPUT.baseline), BASELINE_MODES),
    baselineRevision: optional(INPUT.baselineRevision),
    baselineWindow: window ?? HISTORY_WINDOW,
    failOnRegression: flag(INPUT.failOnRegression, true),
    tune: flag(INPUT.tune, false),
    comment:
      choiceOption(optional(INPUT.comment), field(INPUT.comment), COMMENT_POLICIES) ?? 'always',
    policy: policyOverrides(
      {
        alpha: optional(INPUT.alpha),
        threshold: optional(INPUT.threshold),
        adjustment: optional(INPUT.adjustment),
        failOn: optional(INPUT.failOn),
      },
      (name) => field(INPUT[name]),
    ),
    commentAuthor: optional(INPUT.commentAuthor) ?? BOT_LOGIN,
    resultsPath: optional(INPUT.resultsPath) ?? RESULTS_PATH,
    reportPath: optional(INPUT.reportPath) ?? 'perfgate-out/report.md',
    sitePath: optional(INPUT.sitePath) ?? 'perfgate-out/site',
    repositoryUrl: optional(INPUT.repositoryUrl),
    name: optional(INPUT.name) ?? REPORT_NAME,
    base: optional(INPUT.base),
    head: optional(INPUT.head),
    ...shardInputs(),
    ...bisectInputs(),
  };
}

const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

function bisectInputs(): Pick<ActionInputs, 'good' | 'bad' | 'metric' | 'issue'> {
  const good = optional(INPUT.good);
  const bad = optional(INPUT.bad);
  const issue = wholeOption(optional(INPUT.issue), field(INPUT.issue), {
    min: 1,
    max: 2 ** 31 - 1,
  });
  const metric = lines(optional(INPUT.metric));
  return {
    ...(good ? { good } : {}),
    ...(bad ? { bad } : {}),
    ...(metric.length > 0 ? { metric } : {}),
    ...(issue === undefined ? {} : { issue }),
  };
}

/** The inputs of a sharded run: a shard job's place, the plan's size and labels, the artifacts. */
function shardInputs(): Pick<ActionInputs, 'shard' | 'shardCount' | 'runsOn' | 'results'> {
  const shard = optional(INPUT.shard);
  const count = wholeOption(optional(INPUT.shardCount), field(INPUT.shardCount), {
    min: 1,
    max: MAX_SHARDS,
  });
  const runsOn = labelsOption(optional(INPUT.runsOn), field(INPUT.runsOn));
  const results = lines(optional(INPUT.results));
  return {
    ...(shard ? { shard: parseShardSpec(shard, field(INPUT.shard)) } : {}),
    ...(count === undefined ? {} : { shardCount: count }),
    ...(runsOn ? { runsOn } : {}),
    ...(results.length > 0 ? { results } : {}),
  };
}
