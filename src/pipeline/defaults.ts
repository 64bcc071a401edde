/**
 * The defaults both faces share, each written once: the CLI's options and the action's inputs
 * fall back to these, so `perfgate shards` and a `check --shard` job plan alike, and a history
 * check reads the branch a record run wrote.
 */
import { branchName, currentRevision, defaultBranchOf } from '../store/revision.js';

/** Stored runs a history check uses at most; each is one sample of the run-to-run spread. */
export const HISTORY_WINDOW = 20;

/** The folder store of the CLI (`perfgate record --store`), relative to the working folder. */
export const HISTORY_FOLDER = 'perfgate-history';

/** Where a run's results are written: `perfgate run --out`, the action's `results-path`. */
export const RESULTS_PATH = 'perfgate-out/results.json';

/** Where a shard job leaves its artifact for the merge (`perfgate check --shard … --out`). */
export const SHARD_PATH = 'perfgate-out/shard.json';
/** Where `perfgate doctor --tune` keeps what it changed, for --restore. */
export const TUNE_STATE_PATH = 'perfgate-out/tune-state.json';

/** Runner labels of the shards whose suites name none (`runsOn`). */
export const RUNS_ON: readonly string[] = ['ubuntu-latest'];

/** Where a branch's name cannot be found at all (no git, a detached checkout outside CI). */
const FALLBACK_BRANCH = 'main';

/**
 * The branch whose stored runs a reader (a history check, a shard plan, calibrate
 * --from-history, the dashboard) uses: the one named, else the branch a pull request merges
 * into (GITHUB_BASE_REF, origin's HEAD, a local main or master), else the checkout's own. A
 * feature branch's check thus reads the runs `perfgate record` stored on the default branch.
 */
export async function historyBranch(
  named: string | undefined,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return named ?? (await defaultBranchOf(dir, env)) ?? (await checkoutBranch(undefined, dir, env));
}

/** The branch results are recorded for: the one named, else the checkout's, else main. */
export async function checkoutBranch(
  named: string | undefined,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (named !== undefined) return named;
  const { ref } = await currentRevision(dir, env);
  return ref ? branchName(ref) : FALLBACK_BRANCH;
}
