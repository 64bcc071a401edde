/** Steps several modes share: loading the config, measuring, gating, rendering the gate's report. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { markerFor } from '../github/marker.js';
import { isTrustedEvent } from '../github/context.js';
import type { GateOutcome, PrGateInput } from '../pipeline/gate.js';
import { measure } from '../pipeline/measure.js';
import { pullRequestLabel, pullRequestSides, type PullRequest } from '../pipeline/pullRequest.js';
import { gateFailures, overallVerdict } from '../compare/verdict.js';
import { renderGateMarkdown } from '../report/gate.js';
import { assertWritable } from '../files.js';
import { writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { lineProgress, type Progress } from '../run/progress.js';
import { branchName } from '../store/revision.js';
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

/**
 * Append to the history, but only from a trusted event: one run, or a sharded run's shards (all
 * of them or none).
 */
export async function recordIfTrusted(
  action: ActionEnv,
  results: readonly Results[],
): Promise<{ branch: string; stored?: string[]; note?: string }> {
  const branch = defaultBranch(action);
  if (!isTrustedEvent(action.context)) {
    return {
      branch,
      note: `not recording: ${action.context.eventName} on ${action.context.ref} is not a trusted event (push to the default branch, schedule or dispatch on it)`,
    };
  }
  return { branch, stored: await action.store.appendAll(results, { branch }) };
}

/** The PR gate's input for a pull request event, as the action's inputs set it. */
export function pullRequestGate(action: ActionEnv, config: Config, pull: PullRequest): PrGateInput {
  const { inputs } = action;
  return {
    config,
    env: action.env,
    progress: actionProgress(),
    overrides: inputs.policy,
    ...(inputs.baseline ? { baseline: inputs.baseline } : {}),
    ...(inputs.baselineRevision ? { against: inputs.baselineRevision } : {}),
    fields: { against: `input ${INPUT.baselineRevision}`, baseline: `input ${INPUT.baseline}` },
    ...pullRequestSides(pull, action.context.ref, {
      store: action.store,
      window: inputs.baselineWindow,
    }),
  };
}

/** The gate's report as a PR comment shows it (report/gate.ts renders it), under `title`. */
export function gateReport(
  title: string,
  outcome: GateOutcome,
  headLabel: string,
): Pick<ModeResult, 'verdict' | 'markdown' | 'comparison' | 'notes'> {
  const markdown = renderGateMarkdown(outcome, { marker: markerFor(title), title, headLabel });
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
  pull: PullRequest,
): Promise<ModeResult> {
  const file = await saveResults(action, outcome.results);
  const report = gateReport(action.inputs.name, outcome, pullRequestLabel(pull));
  return {
    ...report,
    resultsFile: file,
    pullRequest: pull.number,
    failures: regressionFailures(report, action.inputs.failOnRegression),
  };
}
