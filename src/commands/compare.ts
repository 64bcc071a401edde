/** `perfgate compare BASE HEAD`: statistics and a table, from files; no benchmark is run. */
import { resolve } from 'node:path';
import type { CliIO, Command, ParsedArgs } from '../cli.js';
import { compareResults } from '../compare/compare.js';
import { layerPolicies, type ComparePolicy } from '../compare/policy.js';
import { loadConfig } from '../config/index.js';
import { EXIT, InputError } from '../errors.js';
import type { Comparison } from '../compare/compare.js';
import { renderComparisonJson } from '../report/json.js';
import { renderComparisonMarkdown } from '../report/markdown.js';
import { renderComparisonText } from '../report/text.js';
import { loadRuns } from '../results/loadSide.js';
import { runMedians } from '../compare/runLevel.js';
import { plural } from '../compare/environment.js';
import type { Results } from '../results/schema.js';
import { ADJUSTMENTS, choiceOption, FORMATS, numberOption } from './options.js';

const USAGE = `usage: perfgate compare BASE HEAD [--config perfgate.yml] [--format text|markdown|json] [--alpha A]
                        [--threshold T] [--adjustment bh|holm|none]

BASE and HEAD: a perfgate results file, a folder or list of them (separate runs: compared run by
run), or Bencher Metric Format files (one file per trial: a folder or a comma-separated list), or
github-action-benchmark custom JSON.
Exit code 1 when a metric regressed, 2 on bad input.`;

/** Policy from the config's `compare` section, overridden by command-line options. */
export async function policyFrom(
  values: ParsedArgs['values'],
  io: CliIO,
): Promise<Partial<ComparePolicy>> {
  const fromConfig =
    typeof values.config === 'string'
      ? (await loadConfig(resolve(io.cwd, values.config), io.env)).compare
      : {};
  return layerPolicies(fromConfig, optionPolicy(values));
}

/** The policy the command-line options set (undefined where they are absent). */
export function optionPolicy(values: ParsedArgs['values']): Partial<ComparePolicy> {
  return {
    alpha: numberOption(values.alpha, '--alpha', { min: 0, max: 0.5 }),
    threshold: numberOption(values.threshold, '--threshold', { min: 0, max: 10 }),
    adjustment: choiceOption(values.adjustment, '--adjustment', ADJUSTMENTS),
  };
}

/**
 * Load both sides and compare them: the pipeline shared by the CLI and the action. One run per
 * side: trials are compared. Several runs on a side (a folder of results files): each run is
 * reduced to its medians and the sides are compared run by run, never as pooled trials.
 */
export async function compareSides(
  baseSpec: string,
  headSpec: string,
  policy: Partial<ComparePolicy>,
  cwd: string,
): Promise<{ base: Results; head: Results; comparison: Comparison }> {
  const [baseRuns, headRuns] = await Promise.all([
    loadRuns(baseSpec, { cwd }),
    loadRuns(headSpec, { cwd }),
  ]);
  if (baseRuns.length === 1 && headRuns.length === 1) {
    const [base, head] = [baseRuns[0], headRuns[0]] as [Results, Results];
    return { base, head, comparison: compareResults(base, head, policy) };
  }
  const base = runMedians(baseRuns, baseSpec);
  const head = runMedians(headRuns, headSpec);
  const comparison = compareResults(base, head, policy, 'run');
  const note =
    `${baseSpec} holds ${plural(baseRuns.length, 'run')} and ${headSpec} ${plural(headRuns.length, 'run')}: ` +
    'trials of different runs are not exchangeable, so each run counts once, by its medians';
  return { base, head, comparison: { ...comparison, notes: [note, ...comparison.notes] } };
}

export const compareCommand: Command = {
  summary: 'compare two sets of results (files or folders) and print the verdicts',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    format: { type: 'string', default: 'text' },
    alpha: { type: 'string' },
    threshold: { type: 'string' },
    adjustment: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 2) {
      throw new InputError(
        `expected two arguments, BASE and HEAD, got ${positionals.length}\n${USAGE}`,
      );
    }
    const [baseSpec, headSpec] = positionals as [string, string];
    const format = choiceOption(values.format, '--format', FORMATS) ?? 'text';
    const policy = await policyFrom(values, io);
    const { comparison } = await compareSides(baseSpec, headSpec, policy, io.cwd);
    const render = {
      text: () => renderComparisonText(comparison),
      markdown: () =>
        renderComparisonMarkdown(comparison, { baseLabel: baseSpec, headLabel: headSpec }),
      json: () => renderComparisonJson(comparison),
    }[format];
    io.stdout(render());
    return comparison.counts.regression > 0 ? EXIT.regression : EXIT.ok;
  },
};
