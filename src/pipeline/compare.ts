/** Two sides read from files and compared: `perfgate compare`, validate, and the action's compare mode. */
import { compareResults } from '../compare/compare.js';
import type { Comparison } from '../compare/comparison.js';
import type { ComparePolicy } from '../compare/policy.js';
import type { Config } from '../config/index.js';
import { runMedians } from '../compare/runLevel.js';
import { loadRuns } from '../formats/loadSide.js';
import type { Results } from '../results/schema.js';
import { plural } from '../text.js';
import { policyIn } from './options.js';

export interface CompareSidesInput {
  /** What the user named: a results file, a folder or list of them, BMF, github-action-benchmark JSON. */
  base: string;
  head: string;
  cwd: string;
  /** Its compare section is the policy, under `overrides`. */
  config?: Config | undefined;
  overrides: Partial<ComparePolicy>;
}

/**
 * Load both sides and compare them: the pipeline shared by the CLI and the action. One run per
 * side: trials are compared. Several runs on a side (a folder of results files): each run is
 * reduced to its medians and the sides are compared run by run, never as pooled trials.
 */
export async function compareSides(
  input: CompareSidesInput,
): Promise<{ base: Results; head: Results; comparison: Comparison }> {
  const { base: baseSpec, head: headSpec, cwd } = input;
  const policy = policyIn(input.config, input.overrides);
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
