/** Two sides read from files and compared: `perfgate compare`, validate, and the action's compare mode. */
import { compareResults, type Comparison } from '../compare/compare.js';
import type { ComparePolicy } from '../compare/policy.js';
import { runMedians } from '../compare/runLevel.js';
import { loadRuns } from '../formats/loadSide.js';
import type { Results } from '../results/schema.js';
import { plural } from '../text.js';

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
