/**
 * `perfgate calibrate`: measure the noise the gate works against, and the thresholds that fit it.
 * Two sources: A/A runs, this tree as both sides with trials interleaved exactly as a PR check
 * runs them (so every difference is noise, and run-to-run moves show between the runs); or the
 * stored runs of a branch, which cost nothing to read but show no A/A false alarms.
 */
import { randomInt } from 'node:crypto';
import { calibrate, type AaRun, type Calibration } from '../compare/calibrate.js';
import { environmentLabel } from '../compare/environment.js';
import type { ComparePolicy } from '../compare/policy.js';
import { configHash, type Config } from '../config/index.js';
import type { Progress } from '../run/progress.js';
import { runInterleaved } from '../run/runner.js';
import { runSetup } from '../run/setup.js';
import { selectBaseline } from '../store/baseline.js';
import type { HistoryStore } from '../store/history.js';
import type { Revision } from '../store/revision.js';
import { policyIn } from './options.js';

export interface CalibrateInput {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** The command's policy options; the config's compare section is the rest (options.ts policyIn). */
  overrides: Partial<ComparePolicy>;
  /** The gate's history window: how many stored runs a history gate compares with. */
  window: number;
}

/** The gate the config runs: auto measures interleaved whenever it can, so calibrate for that. */
const gateOf = (config: Config) => (config.baseline === 'history' ? 'history' : 'interleaved');

export interface AaInput extends CalibrateInput {
  revision: Revision;
  runs: number;
  /**
   * Trials per side of each A/A run, for every suite; default: the config's. What the gate sees
   * is stated for the config's own design either way: the noise does not depend on the count.
   */
  trials?: number;
  /** Seeds the first run's block orientation; run i uses seed + i. Random when absent. */
  seed?: number;
}

/** `runs` A/A runs of the config's full trials (a sequential design's max), then calibrate. */
export async function calibrateAa(input: AaInput): Promise<Calibration> {
  const tree = { label: 'calibration', config: input.config };
  for (const note of await runSetup(tree, input)) input.progress.note(note);
  const { trials } = input;
  const measured =
    trials === undefined
      ? input.config
      : {
          ...input.config,
          trials,
          suites: input.config.suites.map((suite) => ({ ...suite, trials })),
        };
  const side = { config: measured, ...input.revision };
  const seed = input.seed ?? randomInt(2 ** 31 - input.runs);
  const runs: AaRun[] = [];
  for (let i = 0; i < input.runs; i++) {
    input.progress.section(`A/A run ${i + 1} of ${input.runs}`);
    const [base, head] = await runInterleaved({
      sides: [
        { name: 'base', ...side },
        { name: 'head', ...side },
      ],
      seed: seed + i,
      env: input.env,
      progress: input.progress,
    });
    runs.push({ base, head });
  }
  return calibrate({ kind: 'aa', runs }, options(input));
}

export interface HistoryCalibrateInput extends CalibrateInput {
  store: HistoryStore;
  branch: string;
}

/**
 * The newest `window` stored runs of `branch` that measured this config, on the kind of machine
 * of the newest of them (runs of other machines are never mixed in), calibrated. It reads the
 * history from anywhere: a laptop can calibrate what the GPU runner recorded. `warnings` are
 * unreadable files the store skipped.
 */
export async function calibrateHistory(
  input: HistoryCalibrateInput,
): Promise<{ calibration: Calibration; used: number; notes: string[]; warnings: string[] }> {
  const hash = configHash(input.config);
  const { entries, warnings } = await input.store.list(input.branch, {
    newest: input.window,
    accept: (results) => results.configHash === hash,
  });
  const newest = entries.find((entry) => entry.results.configHash === hash)?.results;
  const { used, notes } = selectBaseline(
    entries,
    { configHash: hash, environment: newest?.environment },
    input.window,
  );
  if (newest) notes.unshift(`stored runs on ${environmentLabel(newest.environment)}`);
  const calibration = calibrate(
    { kind: 'history', runs: used.map((entry) => entry.results) },
    options(input),
  );
  return { calibration, used: used.length, notes, warnings };
}

function options(input: CalibrateInput) {
  return {
    policy: policyIn(input.config, input.overrides),
    trials: (name: string) =>
      input.config.suites.find((suite) => suite.name === name)?.trials ?? input.config.trials,
    baseline: gateOf(input.config),
    window: input.window,
  } as const;
}
