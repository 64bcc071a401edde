/**
 * Which point to measure next, given what has been measured: a pure function of the sweep and
 * the outcomes so far, so a strategy is tested without running anything and a resumed sweep
 * replays the same decisions over the saved points and measures only what is missing.
 *
 * Both strategies measure the baseline first: it is the recommendation's reference and the
 * normalizer of a weighted objective.
 */
import type { Sweep } from '../config/schema.js';
import { gridPoints, knobNames, pointKey, type Point } from './space.js';

/** What a strategy needs to know of a measured point. */
export interface Outcome {
  /** All constraints met by its medians. */
  feasible: boolean;
  /** The objective's median, oriented so that higher is better. */
  score: number;
}

/** Outcomes by pointKey. */
export type Outcomes = ReadonlyMap<string, Outcome>;

/** The next point to measure, or undefined when the search is done. */
export function nextPoint(sweep: Sweep, measured: Outcomes): Point | undefined {
  const names = knobNames(sweep);
  if (!measured.has(pointKey(sweep.baseline, names))) return sweep.baseline;
  return sweep.strategy === 'grid'
    ? gridPoints(sweep).find((point) => !measured.has(pointKey(point, names)))
    : coordinateNext(sweep, measured, names);
}

/** Relative gain of `to` over `from` in the objective (higher score is better). */
export function gain(from: Outcome, to: Outcome): number {
  const delta = to.score - from.score;
  if (from.score === 0) return delta === 0 ? 0 : Math.sign(delta) * Infinity;
  return delta / Math.abs(from.score);
}

/**
 * Coordinate search, as Triton's perf_analyzer and Model Analyzer step concurrency or batch size:
 * one knob at a time in declared order, the others at the best values found so far (the baseline
 * at first). A knob steps through its values in order and stops when two consecutive steps gain
 * less than minGain (the peak is behind us), or when a constraint breaks after a feasible step
 * (larger values only push further past the bound); then the best feasible value is kept.
 * Replayed from the start on every call: the decisions depend only on the outcomes.
 */
function coordinateNext(sweep: Sweep, measured: Outcomes, names: string[]): Point | undefined {
  let current: Point = sweep.baseline;
  for (const name of names) {
    const start = measured.get(pointKey(current, names));
    let best = start?.feasible ? { value: current[name], outcome: start } : undefined;
    let previous: Outcome | undefined;
    let smallSteps = 0;
    for (const value of sweep.knobs[name] ?? []) {
      const point = { ...current, [name]: value };
      const outcome = measured.get(pointKey(point, names));
      if (!outcome) return point;
      if (!outcome.feasible) {
        // Infeasible before any feasible step: the knob may still move into the feasible region.
        if (previous) break;
        continue;
      }
      if (!best || outcome.score > best.outcome.score) best = { value, outcome };
      if (previous) {
        smallSteps = gain(previous, outcome) < sweep.minGain ? smallSteps + 1 : 0;
        if (smallSteps >= 2) break;
      }
      previous = outcome;
    }
    if (best?.value !== undefined) current = { ...current, [name]: best.value };
  }
  return undefined;
}
