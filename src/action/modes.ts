/**
 * The action's modes (action.yml, `mode`): each takes the chosen edges and returns a report and a
 * verdict; main.ts publishes it. History is written only from trusted events, whatever the inputs.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { markerFor } from '../github/marker.js';
import { findPullRequestsBySha } from '../github/pulls.js';
import { compareSides } from '../pipeline/compare.js';
import { buildDashboard, repositoryUrl } from '../pipeline/dashboard.js';
import { historyGate, prGate } from '../pipeline/gate.js';
import { sweepPipeline } from '../pipeline/sweep.js';
import { overallVerdict } from '../compare/verdict.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { dashboardSummary, recordedSummary, sweepSummary } from '../report/summary.js';
import { readResultsFile } from '../results/read.js';
import { renderSweep } from '../sweep/report.js';
import { shortRevision } from '../text.js';
import { INPUT, type Mode } from './inputs.js';
import {
  actionProgress,
  defaultBranch,
  gateReport,
  loadActionConfig,
  measureAndSave,
  optionalActionConfig,
  pullRequestGate,
  pullRequestResult,
  recordIfTrusted,
  regressionFailures,
} from './shared.js';
import { bisectMode } from './bisect.js';
import { driftAfter } from './drift.js';
import { gateShardJob, measureShardJob, merge, shards } from './shardModes.js';
import type { ActionEnv, ModeResult } from './types.js';

/** A mode run on an event that lacks what it needs (a pull request, a workflow run). */
function wrongEvent(action: ActionEnv, mode: string, event: string): InputError {
  return new InputError(`mode ${mode} runs on ${event} events, not ${action.context.eventName}`, {
    field: 'input mode',
  });
}

/**
 * pull_request: measure the head beside the base revision (or against the base branch's stored
 * runs, see `baseline`), gate, never write history.
 */
async function pr(action: ActionEnv): Promise<ModeResult> {
  const pull = action.context.pullRequest;
  if (!pull) throw wrongEvent(action, 'pr', 'pull_request');
  const config = await loadActionConfig(action);
  if (action.inputs.shard) return gateShardJob(action, config, pull, action.inputs.shard);
  return pullRequestResult(action, await prGate(pullRequestGate(action, config, pull)), pull);
}

/** push to the default branch: measure and append to the history. */
async function record(action: ActionEnv): Promise<ModeResult> {
  const config = await loadActionConfig(action);
  if (action.inputs.shard) return measureShardJob(action, config, action.inputs.shard);
  const { results, file } = await measureAndSave(action, config, action.context.sha);
  const stored = await recordIfTrusted(action, [results]);
  return {
    verdict: stored.stored ? 'recorded' : 'unchanged',
    markdown: recordedSummary(action.inputs.name, { ...stored, results: [results] }),
    resultsFile: file,
    failures: [],
    notes: stored.note ? [stored.note] : [],
  };
}

/** Results files arrive from fork PRs as artifacts: untrusted data, bounded before parsing. */
const MAX_UNTRUSTED_BYTES = 20 * 1024 * 1024;

/** workflow_run: comment the results a pull_request run uploaded, with default-branch code only. */
async function report(action: ActionEnv): Promise<ModeResult> {
  const run = action.context.workflowRun;
  if (!run) throw wrongEvent(action, 'report', 'workflow_run');
  const file = path.resolve(action.workspace, action.inputs.resultsPath);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined)
    throw new InputError(
      'no results file: did the pull_request workflow upload it as an artifact?',
      { file },
    );
  if (size > MAX_UNTRUSTED_BYTES)
    throw new InputError(
      `is ${size} bytes; results files above ${MAX_UNTRUSTED_BYTES} are refused`,
      { file },
    );
  const results = await readResultsFile(file);
  const pulls = action.github
    ? await findPullRequestsBySha(action.github, {
        owner: action.context.owner,
        repo: action.context.repo,
        sha: run.headSha,
      })
    : [];
  const [pull] = pulls;
  const config = await optionalActionConfig(action);
  // The base revision cannot be run here (this job runs default-branch code only, never the
  // fork's): the head's run is judged against the stored runs, run by run.
  const outcome = await historyGate(
    results,
    {
      store: action.store,
      branch: pull?.baseRef ?? defaultBranch(action),
      window: action.inputs.baselineWindow,
    },
    config,
    action.inputs.policy,
  );
  const reportPart = gateReport(
    action.inputs.name,
    outcome,
    `${shortRevision(run.headSha)}${pull ? ` (#${pull.number})` : ''}`,
  );
  // Without a token nothing was looked up: saying no pull request has this head would be a guess.
  const noPull = action.github
    ? `no open pull request has head ${run.headSha}: nothing to comment on`
    : `no github-token, so the pull request with head ${run.headSha} was not looked up: nothing to comment on`;
  const notes = pull ? reportPart.notes : [...reportPart.notes, noPull];
  return {
    ...reportPart,
    notes,
    resultsFile: file,
    ...(pull ? { pullRequest: pull.number } : {}),
    failures: regressionFailures(reportPart, action.inputs.failOnRegression),
  };
}

/** schedule: record, then look for change points in the default branch's history. */
async function nightly(action: ActionEnv): Promise<ModeResult> {
  const config = await loadActionConfig(action);
  const { results, file } = await measureAndSave(action, config, action.context.sha);
  const stored = await recordIfTrusted(action, [results]);
  const drift = await driftAfter(action, config, [results]);
  return {
    verdict: drift.drifts.length > 0 ? 'drift' : stored.stored ? 'recorded' : 'unchanged',
    markdown: [
      drift.markdown,
      recordedSummary(action.inputs.name, { ...stored, results: [results] }),
    ].join('\n'),
    resultsFile: file,
    failures: [],
    notes: [...drift.notes, ...(stored.note ? [stored.note] : [])],
  };
}

/** workflow_dispatch: sweep the knobs and recommend settings. */
async function sweep(action: ActionEnv): Promise<ModeResult> {
  const config = await loadActionConfig(action);
  const out = path.resolve(action.workspace, action.inputs.resultsPath);
  const { analysis, run } = await sweepPipeline({
    config,
    env: action.env,
    progress: actionProgress(),
    revision: { commit: action.context.sha, ref: action.context.ref },
    out,
  });
  return {
    verdict: 'swept',
    markdown: sweepSummary(action.inputs.name, {
      report: renderSweep(analysis, 'markdown'),
      measured: run.measured,
    }),
    resultsFile: out,
    failures: [],
    notes: [],
  };
}

/** Two result inputs compared, no benchmark run: for tools that produce their own results. */
async function compare(action: ActionEnv): Promise<ModeResult> {
  const { base, head } = action.inputs;
  if (!base || !head)
    throw new InputError('mode compare needs both inputs base and head', { field: 'input mode' });
  const config = await optionalActionConfig(action);
  const { comparison } = await compareSides({
    base,
    head,
    cwd: action.workspace,
    config,
    overrides: action.inputs.policy,
  });
  const markdown = renderComparisonMarkdown(comparison, {
    marker: markerFor(action.inputs.name),
    title: action.inputs.name,
    baseLabel: base,
    headLabel: head,
  });
  const result = { verdict: overallVerdict(comparison), markdown, comparison, notes: [] };
  const pull = action.context.pullRequest?.number;
  return {
    ...result,
    ...(pull ? { pullRequest: pull } : {}),
    failures: regressionFailures(result, action.inputs.failOnRegression),
  };
}

/**
 * The history dashboard of the default branch, from the data branch, as a static site in
 * site-path: for actions/upload-pages-artifact. Unreadable stored files become notes.
 */
async function dashboard(action: ActionEnv): Promise<ModeResult> {
  const { inputs } = action;
  const config = await optionalActionConfig(action);
  const repoUrl = repositoryUrl(inputs.repositoryUrl, action.env, `input ${INPUT.repositoryUrl}`);
  const out = path.resolve(action.workspace, inputs.sitePath);
  const { data } = await buildDashboard({
    store: action.store,
    branch: defaultBranch(action),
    out,
    outField: `input ${INPUT.sitePath}`,
    ...(repoUrl ? { repoUrl } : {}),
    config,
    overrides: inputs.policy,
    now: new Date(),
  });
  return {
    verdict: 'built',
    markdown: dashboardSummary(inputs.name, {
      branch: defaultBranch(action),
      runs: data.runs.time.length,
      charts: data.series.length,
      changePoints: data.series.filter((s) => s.changePoints.length > 0).length,
      environments: data.environments.length,
      out,
    }),
    failures: [],
    notes: data.notes,
  };
}

export const MODES_BY_NAME: Record<Mode, (action: ActionEnv) => Promise<ModeResult>> = {
  pr,
  record,
  report,
  nightly,
  sweep,
  compare,
  dashboard,
  shards,
  merge,
  bisect: bisectMode,
};
