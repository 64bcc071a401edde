/** Steps several modes share: loading the config, measuring, gating, rendering the gate's report. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { layerPolicies, type ComparePolicy } from '../compare/policy.js';
import { loadConfig, type Config } from '../config/index.js';
import { markerFor } from '../github/marker.js';
import { isTrustedEvent, type EventContext } from '../github/context.js';
import type { GateOutcome, PrGateInput } from '../pipeline/gate.js';
import { measure } from '../pipeline/measure.js';
import { layoutMarkdown } from '../report/grid.js';
import { gateFailures, overallVerdict } from '../compare/verdict.js';
import { renderGateMarkdown } from '../report/gate.js';
import { resultsTable } from '../report/table.js';
import { assertWritable, writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { lineProgress, type Progress } from '../run/progress.js';
import { branchName } from '../store/revision.js';
import { shortRevision } from '../text.js';
import { INPUT } from './inputs.js';
import type { ActionEnv, ModeResult } from './types.js';

/**
 * The config of a mode that measures, and a check that its results can be written: a bad
 * results-path (below a regular file, a link) is found before minutes of measuring, not after.
 */
export async function loadActionConfig(action: ActionEnv): Promise<Config> {
  const config = await loadConfig(path.resolve(action.workspace, action.inputs.config), action.env);
  await assertWritable(
    path.resolve(action.workspace, action.inputs.resultsPath),
    `input ${INPUT.resultsPath}`,
  );
  return config;
}

/** The config when the file exists (report and compare modes only need its policy). */
export async function optionalActionConfig(action: ActionEnv): Promise<Config | undefined> {
  const file = path.resolve(action.workspace, action.inputs.config);
  return existsSync(file) ? loadConfig(file, action.env) : undefined;
}

export function actionPolicy(action: ActionEnv, config?: Config): Partial<ComparePolicy> {
  const { alpha, threshold, adjustment, failOn } = action.inputs;
  return layerPolicies(config?.compare ?? {}, { alpha, threshold, adjustment, failOn });
}

/** Progress in log groups; every line from input escaped (run/progress.ts). */
export function actionProgress(): Progress {
  return lineProgress((text) => process.stdout.write(text), true);
}

/** Keep the head's results file: the artifact a fork's commenter (mode report) reads. */
export async function saveResults(action: ActionEnv, results: Results): Promise<string> {
  const file = path.resolve(action.workspace, action.inputs.resultsPath);
  await writeResultsFile(file, results, `input ${INPUT.resultsPath}`);
  return file;
}

/** Set up and run the suites, and keep the results file. */
export async function measureAndSave(
  action: ActionEnv,
  config: Config,
  commit: string,
): Promise<{ results: Results; file: string }> {
  const { results } = await measure({
    config,
    env: action.env,
    progress: actionProgress(),
    revision: { commit, ref: action.context.ref },
  });
  return { results, file: await saveResults(action, results) };
}

/** The default branch, which nightly and record runs write to and pull requests compare with. */
export function defaultBranch(action: ActionEnv): string {
  return action.context.defaultBranch ?? branchName(action.context.ref);
}

/** Append to the history, but only from a trusted event. */
export async function recordIfTrusted(
  action: ActionEnv,
  results: Results,
): Promise<{ stored?: string; note?: string }> {
  const { stored, note } = await recordAllIfTrusted(action, [results]);
  return { ...(stored ? { stored: stored[0] } : {}), ...(note ? { note } : {}) };
}

/** Several results at once (a sharded run's shards): all of them or none, from a trusted event. */
export async function recordAllIfTrusted(
  action: ActionEnv,
  results: readonly Results[],
): Promise<{ stored?: string[]; note?: string }> {
  if (!isTrustedEvent(action.context)) {
    return {
      note: `not recording: ${action.context.eventName} on ${action.context.ref} is not a trusted event (push to the default branch, schedule or dispatch on it)`,
    };
  }
  return { stored: await action.store.appendAll(results, { branch: defaultBranch(action) }) };
}

export function recordedMarkdown(
  action: ActionEnv,
  results: Results,
  stored: { stored?: string; note?: string },
): string {
  return [
    `### ${action.inputs.name}`,
    '',
    stored.stored
      ? `Recorded for ${defaultBranch(action)}: \`${stored.stored}\``
      : `⚠️ ${stored.note}`,
    '',
    layoutMarkdown(resultsTable(results)),
    '',
  ].join('\n');
}

type PullRequestContext = NonNullable<EventContext['pullRequest']>;

/** The PR gate's input for a pull request event, as the action's inputs set it. */
export function pullRequestGate(
  action: ActionEnv,
  config: Config,
  pull: PullRequestContext,
): PrGateInput {
  const { inputs } = action;
  return {
    config,
    env: action.env,
    progress: actionProgress(),
    revision: { commit: pull.headSha, ref: action.context.ref },
    policy: actionPolicy(action, config),
    baseline: inputs.baseline ?? config.baseline,
    ...(inputs.baselineRevision ? { against: inputs.baselineRevision } : {}),
    knownBase: pull.baseSha,
    fields: { against: `input ${INPUT.baselineRevision}`, baseline: `input ${INPUT.baseline}` },
    history: {
      store: action.store,
      branch: pull.baseRef,
      window: inputs.baselineWindow,
      mergeBase: pull.baseSha,
    },
  };
}

/** How a report names the pull request's head: `abc1234 (#12)`. */
export const pullRequestLabel = (pull: PullRequestContext): string =>
  `${shortRevision(pull.headSha)} (#${pull.number})`;

/** The gate's report as a PR comment shows it (report/gate.ts renders it). */
export function gateReport(
  action: ActionEnv,
  outcome: GateOutcome,
  headLabel: string,
): Pick<ModeResult, 'verdict' | 'markdown' | 'comparison' | 'notes'> {
  const markdown = renderGateMarkdown(outcome, {
    marker: markerFor(action.inputs.name),
    title: action.inputs.name,
    headLabel,
  });
  if (!outcome.comparison) {
    return { verdict: 'no-baseline', markdown, notes: [...outcome.warnings, ...outcome.context] };
  }
  return {
    verdict: overallVerdict(outcome.comparison),
    markdown,
    comparison: outcome.comparison,
    notes: outcome.warnings,
  };
}

/** Why the step fails (compare/verdict.ts gateFailures); nothing with fail-on-regression: false. */
export function regressionFailures(
  result: Pick<ModeResult, 'comparison'>,
  failOnRegression: boolean,
): string[] {
  return failOnRegression && result.comparison ? gateFailures(result.comparison) : [];
}

/**
 * A pull request's gate as a mode's result: the head's results kept in `results-path` (what a
 * fork's commenter, mode report, reads), the report, and the failures; for mode pr and for the
 * merge of a sharded run alike.
 */
export async function pullRequestResult(
  action: ActionEnv,
  outcome: GateOutcome,
  pull: PullRequestContext,
): Promise<ModeResult> {
  const file = await saveResults(action, outcome.results);
  const report = gateReport(action, outcome, pullRequestLabel(pull));
  return {
    ...report,
    resultsFile: file,
    pullRequest: pull.number,
    failures: regressionFailures(report, action.inputs.failOnRegression),
  };
}
