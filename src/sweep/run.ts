/**
 * The edge of the sweep: measures the points the strategy asks for and reads and writes the sweep
 * file. The reference setting (the baseline knobs) is measured first; every other point is
 * measured beside it in a run of its own, trials interleaved in ABBA blocks, so a machine that
 * drifts during the sweep cannot pick the winner. Everything it decides is decided by the pure
 * modules beside it.
 */
import { configHash, type Config, type Sweep } from '../config/index.js';
import { InputError } from '../errors.js';
import { writeJsonAtomic } from '../files.js';
import { readJsonFile, validate } from '../json.js';
import type { Results } from '../results/schema.js';
import { evaluatePoint, score, type MeasuredPoint } from './evaluate.js';
import { SWEEP_SCHEMA, SweepFileSchema, type SweepFile } from './file.js';
import { knobNames, pointConfig, pointKey, pointLabel, variantName } from './space.js';
import { nextPoint, type Outcome } from './strategy.js';

export interface SweepRun {
  config: Config;
  sweep: Sweep;
  /** Points of an earlier run (--resume), reused instead of measured again. */
  saved: readonly MeasuredPoint[];
  /** Names the saved points' file in messages. */
  savedFrom?: string;
  /**
   * Measures one point's config; with `reference`, both interleaved in one run (runInterleaved),
   * the reference's results returned beside the point's.
   */
  measure: (
    config: Config,
    reference?: Config,
  ) => Promise<{ results: Results; reference?: Results }>;
  /** Called after every point with all points so far. */
  save: (points: MeasuredPoint[]) => Promise<void>;
  note: (text: string) => void;
}

export interface SweepOutcome {
  points: MeasuredPoint[];
  measured: number;
  reused: number;
}

function outcomes(points: readonly MeasuredPoint[], sweep: Sweep): Map<string, Outcome> {
  const names = knobNames(sweep);
  const map = new Map<string, Outcome>();
  for (const point of points) {
    const evaluation = evaluatePoint(point, sweep);
    map.set(pointKey(point.knobs, names), {
      feasible: evaluation.feasible,
      score: score(evaluation),
    });
  }
  return map;
}

/** Measure until the strategy has no next point; the baseline comes first (strategy.ts). */
export async function runSweep(run: SweepRun): Promise<SweepOutcome> {
  const { config, sweep } = run;
  const names = knobNames(sweep);
  const saved = new Map(run.saved.map((p) => [pointKey(p.knobs, names), p]));
  const referenceKey = pointKey(sweep.baseline, names);
  const referenceSetup = pointConfig(config, sweep, sweep.baseline);
  const points: MeasuredPoint[] = [];
  let measured = 0;
  for (;;) {
    const knobs = nextPoint(sweep, outcomes(points, sweep));
    if (!knobs) break;
    const label = pointLabel(knobs, names);
    const pointSetup = pointConfig(config, sweep, knobs);
    const isReference = pointKey(knobs, names) === referenceKey;
    const kept = saved.get(pointKey(knobs, names));
    // A point saved by a perfgate that measured it alone has no reference of its own run.
    const earlier = kept && (isReference || kept.reference) ? kept : undefined;
    if (earlier && earlier.results.configHash !== configHash(pointSetup)) {
      throw new InputError(
        `${label} was measured with a different setup (service, suites, trials or collectors changed); start a new sweep without --resume`,
        { file: run.savedFrom },
      );
    }
    if (earlier) {
      run.note(`point ${points.length + 1}: ${label} (saved, not measured again)`);
      points.push(earlier);
    } else {
      const beside = isReference
        ? ''
        : `, beside the reference ${pointLabel(sweep.baseline, names)} (twice the trials)`;
      run.note(`point ${points.length + 1}: ${label}${beside}`);
      const measurement = await run.measure(pointSetup, isReference ? undefined : referenceSetup);
      points.push({ knobs, variant: variantName(knobs, names), ...measurement });
      measured += 1;
    }
    await run.save(points);
  }
  return { points, measured, reused: points.length - measured };
}

export async function readSweepFile(path: string): Promise<SweepFile> {
  return validate(SweepFileSchema, await readJsonFile(path), path);
}

/**
 * Atomic (writeJsonAtomic), so an interrupted sweep leaves the last complete file, never half
 * of one.
 */
export async function writeSweepFile(
  path: string,
  strategy: Sweep['strategy'],
  points: readonly MeasuredPoint[],
): Promise<void> {
  const file: SweepFile = { schema: SWEEP_SCHEMA, strategy, points: [...points] };
  await writeJsonAtomic(path, validate(SweepFileSchema, file, path));
}
