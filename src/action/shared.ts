/** Steps several modes share: loading the config, measuring, gating, rendering the gate's report. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { layerPolicies, type ComparePolicy } from '../compare/policy.js';
import { loadConfig, type Config } from '../config/index.js';
import { markerFor } from '../github/marker.js';
import { baselineLabel, gateAgainstHistory } from '../pipeline/gate.js';
import { escapeMarkdown } from '../report/escape.js';
import { layoutMarkdown } from '../report/grid.js';
import { overallVerdict } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { resultsTable } from '../report/table.js';
import { writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { lineProgress } from '../run/progress.js';
import { runBenchmarks } from '../run/runner.js';
import type { ActionEnv, ModeResult } from './types.js';

export function loadActionConfig(action: ActionEnv): Promise<Config> {
  return loadConfig(path.resolve(action.workspace, action.inputs.config), action.env);
}

/** The config when the file exists (report and compare modes only need its policy). */
export async function optionalActionConfig(action: ActionEnv): Promise<Config | undefined> {
  const file = path.resolve(action.workspace, action.inputs.config);
  return existsSync(file) ? loadConfig(file, action.env) : undefined;
}

export function actionPolicy(action: ActionEnv, config?: Config): Partial<ComparePolicy> {
  const { alpha, threshold, adjustment } = action.inputs;
  return layerPolicies(config?.compare ?? {}, { alpha, threshold, adjustment });
}

/** Run the suites with progress in log groups, and keep the results file (the artifact). */
export async function measureAndSave(
  action: ActionEnv,
  config: Config,
  commit: string,
): Promise<{ results: Results; file: string }> {
  const results = await runBenchmarks({
    config,
    env: action.env,
    progress: lineProgress((text) => process.stdout.write(text), true),
    commit,
    ref: action.context.ref,
  });
  const file = path.resolve(action.workspace, action.inputs.resultsPath);
  await writeResultsFile(file, results);
  return { results, file };
}

/** The default branch, which nightly and record runs write to and pull requests compare with. */
export function defaultBranch(action: ActionEnv): string {
  return action.context.defaultBranch ?? action.context.ref.replace(/^refs\/heads\//, '');
}

const HOW_TO_BASELINE =
  'Run this action with `mode: record` on pushes to the default branch (see the README) so pull requests have a baseline.';

/** Gate results against the base branch's history and render the report a PR comment shows. */
export async function gateReport(
  action: ActionEnv,
  input: {
    results: Results;
    branch: string;
    mergeBase?: string;
    headLabel: string;
    policy: Partial<ComparePolicy>;
  },
): Promise<Pick<ModeResult, 'verdict' | 'markdown' | 'comparison' | 'notes'>> {
  const outcome = await gateAgainstHistory({
    results: input.results,
    store: action.store,
    branch: input.branch,
    window: action.inputs.baselineWindow,
    policy: input.policy,
    ...(input.mergeBase ? { mergeBase: input.mergeBase } : {}),
  });
  const notes = [...outcome.warnings, ...outcome.selection.notes];
  const marker = markerFor(action.inputs.name);
  if (!outcome.comparison) {
    const markdown = [
      marker,
      `### ${action.inputs.name}`,
      '',
      // Notes quote the head's environment, which a fork controls: escape them.
      `⚪ **No baseline to compare with.** ${notes.map(escapeMarkdown).join(' ')} ${HOW_TO_BASELINE}`,
      '',
      '<details><summary>This run</summary>',
      '',
      layoutMarkdown(resultsTable(input.results)),
      '',
      '</details>',
      '',
    ].join('\n');
    return { verdict: 'no-baseline', markdown, notes };
  }
  const markdown = renderComparisonMarkdown(outcome.comparison, {
    marker,
    title: action.inputs.name,
    baseLabel: baselineLabel(input.branch, outcome.selection),
    headLabel: input.headLabel,
    environments: {
      base: outcome.selection.baseline?.environment,
      head: input.results.environment,
    },
    context: outcome.selection.notes,
  });
  return {
    verdict: overallVerdict(outcome.comparison),
    markdown,
    comparison: outcome.comparison,
    notes: outcome.warnings,
  };
}

export function regressionFailures(
  result: Pick<ModeResult, 'comparison'>,
  failOnRegression: boolean,
): string[] {
  const regressed = result.comparison?.metrics.filter((m) => m.verdict === 'regression') ?? [];
  if (!failOnRegression || regressed.length === 0) return [];
  return [`${regressed.length} metric(s) regressed: ${regressed.map((m) => m.key).join(', ')}`];
}
