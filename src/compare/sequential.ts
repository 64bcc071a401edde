/**
 * Sequential trials: after each block of interleaved trials, decide per gating metric
 * whether the answer is known, and whether the run can stop. Pure.
 *
 * Use (the runner calls this after every planned look, with all trials so far):
 * ```ts
 * const design = { min: 4, max: 30, block: 2, futility: 0.1 };  // looks: 4, 6, …, 30
 * let look: SequentialLook | undefined;
 * for (const trials of lookSchedule(design)) {
 *   // …run trials up to `trials` per side…
 *   look = sequentialLook(base, head, { design, trials, previous: look }, policy);
 *   if (look.stop) break;
 * }
 * // look.decisions: per gating metric, decision + reason; look.comparison: the usual table.
 * ```
 * Looks must be planned (`lookSchedule`), never chosen from the data; skipping a planned look is
 * allowed (it only makes the test more conservative). A metric decided at one look keeps that
 * decision (and its reason, "after N trials") at the later ones: pass the previous look.
 *
 * Decisions, per gating metric (not informational, measured on both sides):
 * - regression / improvement: significant after the sequential correction (below) AND the
 *   Hodges-Lehmann change beyond its threshold in that direction, as the fixed verdict;
 * - unchanged: an equivalence decision, the Hodges-Lehmann interval of the change at level
 *   1 − 2 alpha inside ±threshold: Schuirmann's two one-sided tests (J. Pharmacokinet. Biopharm.
 *   15, 1987), each at alpha; from a baseline of 0, where any move counts, the interval of the
 *   shift exactly 0 to 0 (an error rate that stayed 0);
 * - futile (reported as unchanged, "no regression in reach"): not decided, but even a regression
 *   of exactly the threshold from this look on would be significant by max with a chance below
 *   `design.futility` (stochastic curtailment, below), where max trials would see such a
 *   regression at this noise; unlike the decisions above it is taken afresh at every look, so a
 *   metric that climbs back into reach while the run goes on for others is tested to the end;
 * - unseen ("not seen"): out of reach only because even max trials could not see a regression of
 *   the threshold at this noise: testing stops (more trials would not help) but proves nothing,
 *   so it is never reported unchanged (issue #21); taken afresh at every look too;
 * - undecided: none of these; at the last look (max) every metric not decided falls back to the
 *   fixed design's rule (regression if significant and beyond the threshold, else unchanged where
 *   the design saw the threshold and unseen where it did not), with the sequential p-value of
 *   that look.
 * The run stops when every gating metric is decided, futile or unseen, or at max.
 *
 * Method, and why it keeps false alarms at alpha and power near the fixed design's: the
 * O'Brien-Fleming boundary, the equivalence stop and stochastic curtailment, with their sources,
 * are in docs/sequential.md.
 */
import type { Results } from '../results/schema.js';
import { boundaryFor, conditionalPower, sequentialPValue } from '../stats/groupSequential.js';
import { normalQuantile } from '../stats/normal.js';
import { noetherDrift } from '../stats/power.js';
import { adjustPValues } from '../stats/multipleTesting.js';
import { InputError } from '../errors.js';
import { plural } from '../text.js';
import { shiftOf } from './shift.js';
import { detectability, percent, relativeDispersion, standardizedShift } from './detectable.js';
import type { Summary } from '../stats/describe.js';
import { compareResults, countVerdicts, metricKey, UNSEEN_NOTE, worseness } from './compare.js';
import type { Comparison, MetricComparison } from './comparison.js';
import { loneRegressionLevel, type ComparePolicy } from './policy.js';

/** Trials per side at the first look, at the last (the fixed design's count), and per block. */
export interface SequentialDesign {
  min: number;
  max: number;
  /** Trials per side between looks: 2 for one ABBA block. */
  block: number;
  /** Conditional power of a threshold-sized regression below which a metric is futile; 0: never. */
  futility: number;
}

export type SequentialDecision =
  'regression' | 'improvement' | 'unchanged' | 'futile' | 'unseen' | 'undecided';

export interface MetricDecision {
  /** compareResults' key, `<suite>/<metric>` or `<suite>#<variant>/<metric>`. */
  key: string;
  decision: SequentialDecision;
  /** Trials per side at the look that decided it; null while undecided. */
  decidedAt: number | null;
  /** The sequential p-value at this look, and after the adjustment across the gating metrics. */
  pSequential: number;
  pAdjusted: number;
  /** "unchanged: ±3.1 % inside ±5 % after 8 trials" */
  reason: string;
}

export interface SequentialLook {
  /** Trials per side of this look (a planned one). */
  trials: number;
  /** This is the last planned look (max): nothing is undecided any more. */
  final: boolean;
  /** Every gating metric is decided or futile, or this is the last look. */
  stop: boolean;
  /** One per gating metric, in compareResults' order. */
  decisions: MetricDecision[];
  /** The fixed-design comparison of the trials so far: the table the report shows. */
  comparison: Comparison;
}

export interface LookOptions {
  design: SequentialDesign;
  /** Trials per side so far: one of lookSchedule(design). */
  trials: number;
  /** The previous look's answer: its decisions stand. */
  previous?: SequentialLook;
}

/** The planned looks: min, min + block, …, and max (always the last). */
export function lookSchedule(design: SequentialDesign): number[] {
  const { min, max, block, futility } = design;
  const ok = [min, max, block].every((v) => Number.isInteger(v) && v >= 1) && min <= max;
  if (!ok) {
    throw new InputError(
      `a sequential design needs whole numbers 1 ≤ min ≤ max and block ≥ 1, got min ${min}, max ${max}, block ${block}`,
    );
  }
  if (!(futility >= 0 && futility < 1)) {
    throw new InputError(`a sequential design's futility must be in [0, 1), got ${futility}`);
  }
  const looks: number[] = [];
  for (let trials = min; trials < max; trials += block) looks.push(trials);
  looks.push(max);
  return looks;
}

/** Decide every gating metric at this look; see the module comment. */
export function sequentialLook(
  base: Results,
  head: Results,
  look: LookOptions,
  options: Partial<ComparePolicy> = {},
): SequentialLook {
  const schedule = lookSchedule(look.design);
  if (!schedule.includes(look.trials)) {
    throw new InputError(
      `${look.trials} trials per side is not a planned look (${schedule.join(', ')})`,
    );
  }
  const { max } = look.design;
  const comparison = compareResults(base, head, options);
  const { policy } = comparison;
  const gating = comparison.metrics.filter((m) => !m.informational && m.p !== null);
  const times = schedule.map((trials) => trials / max);
  const sequential = gating.map((m) => sequentialPValue(m.p as number, look.trials / max, times));
  const adjusted = adjustPValues(sequential, policy.adjustment);
  const final = look.trials === max;
  const before = new Map(look.previous?.decisions.map((d) => [d.key, d]));
  const baseSamples = samplesByKey(base);
  const headSamples = samplesByKey(head);
  const level = loneRegressionLevel(policy, gating.length);
  const reach: Reach = {
    t: look.trials / max,
    max,
    floor: look.design.futility,
    boundary: finalBoundary(level, times),
    level,
  };

  const decisions = gating.map((m, i): MetricDecision => {
    const pSequential = sequential[i] as number;
    const pAdjusted = adjusted[i] as number;
    const earlier = before.get(m.key);
    if (earlier && isKept(earlier.decision)) return { ...earlier, pSequential, pAdjusted };
    const interval = equivalenceInterval(
      m,
      baseSamples.get(m.key) ?? [],
      headSamples.get(m.key) ?? [],
      policy.alpha,
    );
    const significant = pAdjusted < policy.alpha;
    const decided =
      decide(m, interval, significant, look.trials, final) ??
      futile(m, reach, look.trials) ??
      undecided(m, interval, look.trials);
    return {
      key: m.key,
      ...decided,
      decidedAt: decided.decision === 'undecided' ? null : look.trials,
      pSequential,
      pAdjusted,
    };
  });
  const stop = final || decisions.every((d) => d.decision !== 'undecided');
  return { trials: look.trials, final, stop, decisions, comparison };
}

/** Decisions that stand at later looks; a futile or unseen metric is judged afresh at each. */
const isKept = (decision: SequentialDecision): boolean =>
  decision !== 'undecided' && decision !== 'futile' && decision !== 'unseen';

/** What the futility rule needs of a look: its time, the design's max and floor, the boundary c. */
export interface Reach {
  t: number;
  max: number;
  floor: number;
  boundary: number;
  /** The two-sided level a lone regression needs: what `max` trials must see the threshold at. */
  level: number;
}

const BOUNDARIES = new Map<string, number>();
const BOUNDARIES_SIZE = 64;

/** The O'Brien-Fleming boundary on the B scale at `level` for these looks (memoised). */
function finalBoundary(level: number, times: readonly number[]): number {
  const key = `${level}|${times.join(',')}`;
  let c = BOUNDARIES.get(key);
  if (c === undefined) {
    c = boundaryFor(level, times);
    if (BOUNDARIES.size >= BOUNDARIES_SIZE)
      BOUNDARIES.delete(BOUNDARIES.keys().next().value as string);
    BOUNDARIES.set(key, c);
  }
  return c;
}

/** Fewer trials than this on a side give no spread to trust (a MAD of 2 or 3 values). */
const FUTILITY_MIN_TRIALS = 4;

/**
 * The chance that the metric is significant as a regression at max, were it worse by exactly its
 * threshold from this look on (see the module comment); null where that cannot be said: a
 * target-direction or zero-baseline metric, a threshold of 0, trials without spread or fewer than
 * FUTILITY_MIN_TRIALS on a side, or the last look.
 */
export function regressionReach(m: MetricComparison, reach: Reach): number | null {
  const { t, max, boundary } = reach;
  if (t >= 1 || m.p === null || !m.base || !m.head || m.direction === 'target') return null;
  if (Math.min(m.base.n, m.head.n) < FUTILITY_MIN_TRIALS) return null;
  const dispersion = relativeDispersion(m.base, m.head);
  if (!dispersion || !(m.threshold > 0)) return null;
  const z = normalQuantile(1 - m.p / 2) * Math.sign(worseness(m));
  const drift = noetherDrift(standardizedShift(m.threshold, dispersion, m.direction), max, max);
  return conditionalPower(z, t, drift, boundary);
}

/**
 * A metric whose regression is out of reach: `futile` (reported unchanged) when `max` trials
 * could have seen a regression of its threshold at this noise, so that the trend rules one out;
 * `unseen` when even `max` could not, where more trials would not help and stopping proves
 * nothing.
 */
function futile(m: MetricComparison, reach: Reach, trials: number): Decided | null {
  const power = regressionReach(m, reach);
  if (power === null || power >= reach.floor) return null;
  const dispersion = relativeDispersion(m.base as Summary, m.head as Summary) as number;
  const atMax = detectability(
    reach.max,
    reach.max,
    dispersion,
    reach.level,
    m.threshold,
    m.direction,
  );
  if (atMax.detectable === null || atMax.detectable > m.threshold) {
    const sees = atMax.detectable === null ? 'nothing' : percent(atMax.detectable);
    return {
      decision: 'unseen',
      reason:
        `not seen: at this noise even ${reach.max} trials per side see ${sees}, its threshold ` +
        `${percent(m.threshold)} (stopped after ${trials}); ${remedy(atMax.trialsForThreshold)}`,
    };
  }
  const worse = `${m.direction === 'higher' ? '−' : '+'}${percent(m.threshold)}`;
  return {
    decision: 'futile',
    reason:
      `no regression in reach: ${sizeOf(m)} after ${trials} trials; were it ${worse} from here on, ` +
      `a significant regression by ${reach.max} trials would have a ${percent(power)} chance`,
  };
}

/** What would see a threshold that this design does not. */
function remedy(trialsForThreshold: number | null): string {
  return trialsForThreshold === null
    ? 'no practical number of trials would: raise its threshold (perfgate calibrate) or run on a quieter runner'
    : `max: ${trialsForThreshold} would see it`;
}

function samplesByKey(results: Results): Map<string, readonly number[]> {
  return new Map(
    results.suites.flatMap((suite) =>
      suite.metrics.map(
        (metric) => [metricKey(suite.name, suite.variant, metric.name), metric.samples] as const,
      ),
    ),
  );
}

/**
 * The Hodges-Lehmann interval of the change at level 1 − 2 alpha (TOST), as compareResults takes
 * it (shift.ts): relative, on the ratio scale where it can be, or in the metric's unit where the
 * base median is 0 (an error rate that stayed 0).
 */
function equivalenceInterval(
  m: MetricComparison,
  base: readonly number[],
  head: readonly number[],
  alpha: number,
): [number, number] | null {
  if (base.length === 0 || head.length === 0) return null;
  const shift = shiftOf(head, base, m.base?.median ?? 0, 1 - 2 * alpha);
  return shift.changeLower === null || shift.changeUpper === null
    ? [shift.lower, shift.upper]
    : [shift.changeLower, shift.changeUpper];
}

type Decided = { decision: SequentialDecision; reason: string };

/** The decision for one metric at one look, and why; null while the data leave it open. */
function decide(
  m: MetricComparison,
  interval: [number, number] | null,
  significant: boolean,
  trials: number,
  final: boolean,
): Decided | null {
  const after = `after ${trials} trials`;
  const limit = `±${percent(m.threshold)}`;
  const relative = m.change !== null;
  // A move away from a zero baseline has no relative size: any move counts (as compareResults).
  const beyond = relative ? Math.abs(m.change as number) > m.threshold : m.shift !== 0;
  const direction = Math.sign(worseness(m));
  if (significant && beyond && direction !== 0) {
    const decision = direction > 0 ? 'regression' : 'improvement';
    return { decision, reason: `${decision}: ${sizeOf(m)} beyond ${limit}, significant ${after}` };
  }
  const [lower, upper] = interval ?? [null, null];
  if (lower !== null && upper !== null) {
    // From a zero baseline only no move at all is inside "no change": the interval 0 to 0.
    const inside = relative
      ? -m.threshold < lower && upper < m.threshold
      : lower === 0 && upper === 0;
    if (inside) {
      const widest = Math.max(Math.abs(lower), Math.abs(upper));
      const why = relative ? `±${percent(widest)} inside ${limit}` : `0 ${m.unit} on both sides`;
      return { decision: 'unchanged', reason: `unchanged: ${why} ${after}` };
    }
  }
  if (final) {
    const why = significant ? `significant but within ${limit}` : 'not significant';
    // Not significant proves nothing where the design could not see the threshold.
    if (m.detectable === null || m.detectable > m.threshold) {
      const sees = m.detectable === null ? 'nothing' : `≥ ${percent(m.detectable)}`;
      return {
        decision: 'unseen',
        reason: `not seen: ${why} at the maximum, ${after}, which see ${sees}, its threshold ${percent(m.threshold)}; ${remedy(m.trialsForThreshold)}`,
      };
    }
    return { decision: 'unchanged', reason: `unchanged: ${why} at the maximum, ${after}` };
  }
  return null;
}

function undecided(
  m: MetricComparison,
  interval: [number, number] | null,
  trials: number,
): Decided {
  const [lower, upper] = interval ?? [null, null];
  const why =
    lower === null || upper === null
      ? 'no trials on one side'
      : m.change !== null
        ? `interval ${signedPercent(lower)} to ${signedPercent(upper)} reaches past ±${percent(m.threshold)}`
        : `interval ${lower} to ${upper} ${m.unit} from a baseline of 0`;
  return { decision: 'undecided', reason: `undecided: ${why} after ${trials} trials` };
}

/** The change so far: relative, or in the metric's unit from a baseline of 0. */
function sizeOf(m: MetricComparison): string {
  return m.change === null ? `${m.shift} ${m.unit}` : signedPercent(m.change);
}

function signedPercent(fraction: number): string {
  return `${fraction < 0 ? '−' : '+'}${percent(Math.abs(fraction))}`;
}

/**
 * The comparison a report shows for a sequential run: the look's table with each gating metric's
 * decision as its verdict, its sequential adjusted p, and its reason ("unchanged: ±3.1 % inside
 * ±5 % after 8 trials") among its notes; a note says when and why the run stopped.
 */
export function sequentialComparison(look: SequentialLook, design: SequentialDesign): Comparison {
  const { comparison } = look;
  const decisions = new Map(look.decisions.map((d) => [d.key, d]));
  const metrics = comparison.metrics.map((m): MetricComparison => {
    const decided = decisions.get(m.key);
    if (!decided || decided.decision === 'undecided') return m;
    return {
      ...m,
      verdict: decided.decision === 'futile' ? 'unchanged' : decided.decision,
      pAdjusted: decided.pAdjusted,
      significant: decided.pAdjusted < comparison.policy.alpha,
      // The decision's reason replaces the fixed design's wording of the same verdict.
      notes: [...m.notes.filter((note) => note !== UNSEEN_NOTE), decided.reason],
    };
  });
  const counts = countVerdicts(metrics);
  const early = look.trials < design.max;
  const tally = (decision: SequentialDecision) =>
    look.decisions.filter((d) => d.decision === decision).length;
  const [outOfReach, blind] = [tally('futile'), tally('unseen')];
  const why = [
    'every gating metric decided',
    ...(outOfReach > 0 ? [`for ${plural(outOfReach, 'metric')}, no regression in reach`] : []),
    ...(blind > 0 ? [`for ${plural(blind, 'metric')}, not seen even by the maximum`] : []),
  ].join(' or, ');
  const stopped = early
    ? `sequential trials: stopped after ${look.trials} of at most ${design.max} trials per side, ${why}`
    : `sequential trials: ran to the maximum, ${design.max} trials per side`;
  return { ...comparison, metrics, counts, notes: [stopped, ...comparison.notes] };
}
