/**
 * Sequential trials (issue #12): after each block of interleaved trials, decide per gating metric
 * whether the answer is known, and whether the run can stop. Pure.
 *
 * Use (the runner calls this after every planned look, with all trials so far):
 * ```ts
 * const design = { min: 4, max: 30, block: 2 };        // lookSchedule(design): 4, 6, …, 30
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
 * - undecided: neither; at the last look (max) every undecided metric falls back to the fixed
 *   design's rule (regression if significant and beyond the threshold, else unchanged), with the
 *   sequential p-value of that look.
 * The run stops when every gating metric is decided, or at max.
 *
 * Method: a group-sequential test with the O'Brien-Fleming boundary over the planned looks
 * (stats/groupSequential.ts; O'Brien and Fleming, Biometrics 1979; Jennison and Turnbull, Group
 * Sequential Methods with Applications to Clinical Trials, 2000, ch. 2 and §9.1). Each metric's
 * Mann-Whitney p at look k (exact for small samples, as compareResults computes it) becomes a
 * standardized statistic Z_k = Φ⁻¹(1 − p/2), and its sequential ("repeated") p-value
 * p̃ = P₀(max over planned looks |B_j| ≥ |Z_k| √t_k), t_k = trials / max. These p̃ are adjusted
 * across the gating metrics at every look with the policy's adjustment (BH or Holm) and compared
 * with alpha. Why this is valid: for every u, P₀(some look has p̃ ≤ u) ≤ u, so each metric's
 * smallest p̃ over all looks is a valid p-value; a rejection at any look implies the adjustment
 * rejects on those smallest values (BH and Holm only reject more when p-values shrink), so with
 * every metric unchanged the chance of any false regression over all looks is at most alpha, as
 * in the fixed design (BH needs independent or positively dependent metrics, as it always does).
 * Why O'Brien-Fleming: it spends almost nothing early, so the last look is nearly the fixed test
 * and power at max stays close to the fixed design's. For a lone regression among 20 metrics
 * (level 0.05 / 20) with looks at 4, 6, …, 30 trials, the boundary is |Z| ≥ 3.105 / √t: 8.5 at
 * the first look, 3.105 at the last, against 3.023 without looks. Lan-DeMets spending increments
 * used as per-look levels (a Bonferroni split over looks, valid too) would leave the last look
 * 15 % of alpha (O'Brien-Fleming-type spending, looks at 28 and 30 of 30), a large loss of power.
 *
 * The equivalence stop never adds a regression: it only ends the testing of a metric with
 * "unchanged", so it cannot raise false alarms. Its cost is power: a metric that truly changed by
 * exactly its threshold has an interval inside ±threshold with probability at most alpha at each
 * look (up to the number of looks times alpha in all); for a change twice the threshold the
 * simulation lost none of 100 to 300 regressions (benchmarks/README.md, "Sequential trials").
 */
import type { Results } from '../results/schema.js';
import { sequentialPValue } from '../stats/groupSequential.js';
import { hodgesLehmann } from '../stats/hodgesLehmann.js';
import { adjustPValues } from '../stats/multipleTesting.js';
import { InputError } from '../errors.js';
import { percent } from './detectable.js';
import {
  compareResults,
  metricKey,
  worseness,
  type Comparison,
  type MetricComparison,
} from './compare.js';
import type { ComparePolicy } from './policy.js';

/** Trials per side at the first look, at the last (the fixed design's count), and per block. */
export interface SequentialDesign {
  min: number;
  max: number;
  /** Trials per side between looks: 2 for one ABBA block. */
  block: number;
}

export type SequentialDecision = 'regression' | 'improvement' | 'unchanged' | 'undecided';

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
  /** Every gating metric is decided, or this is the last look. */
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
  const { min, max, block } = design;
  const ok = [min, max, block].every((v) => Number.isInteger(v) && v >= 1) && min <= max;
  if (!ok) {
    throw new InputError(
      `a sequential design needs whole numbers 1 ≤ min ≤ max and block ≥ 1, got min ${min}, max ${max}, block ${block}`,
    );
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

  const decisions = gating.map((m, i): MetricDecision => {
    const pSequential = sequential[i] as number;
    const pAdjusted = adjusted[i] as number;
    const earlier = before.get(m.key);
    if (earlier && earlier.decision !== 'undecided') return { ...earlier, pSequential, pAdjusted };
    const interval = equivalenceInterval(
      m,
      baseSamples.get(m.key) ?? [],
      headSamples.get(m.key) ?? [],
      policy.alpha,
    );
    const decided = decide(m, interval, pAdjusted < policy.alpha, look.trials, final);
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
 * The Hodges-Lehmann interval of the change at level 1 − 2 alpha (TOST): relative to |base
 * median|, or in the metric's unit where the base median is 0 (an error rate that stayed 0).
 */
function equivalenceInterval(
  m: MetricComparison,
  base: readonly number[],
  head: readonly number[],
  alpha: number,
): [number, number] | null {
  if (base.length === 0 || head.length === 0) return null;
  const { lower, upper } = hodgesLehmann(head, base, { confLevel: 1 - 2 * alpha });
  const median = m.base?.median ?? 0;
  return median === 0 ? [lower, upper] : [lower / Math.abs(median), upper / Math.abs(median)];
}

/** The decision for one metric at one look, and why. */
function decide(
  m: MetricComparison,
  interval: [number, number] | null,
  significant: boolean,
  trials: number,
  final: boolean,
): { decision: SequentialDecision; reason: string } {
  const after = `after ${trials} trials`;
  const limit = `±${percent(m.threshold)}`;
  // A move away from a zero baseline has no relative size: any move counts (as compareResults).
  const relative = m.change !== null;
  const beyond = relative ? Math.abs(m.change as number) > m.threshold : m.shift !== 0;
  const direction = Math.sign(worseness(m));
  const size = relative ? signedPercent(m.change as number) : `${m.shift} ${m.unit}`;
  if (significant && beyond && direction !== 0) {
    const decision = direction > 0 ? 'regression' : 'improvement';
    return { decision, reason: `${decision}: ${size} beyond ${limit}, significant ${after}` };
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
    return { decision: 'unchanged', reason: `unchanged: ${why} at the maximum, ${after}` };
  }
  const why =
    lower === null || upper === null
      ? 'no trials on one side'
      : relative
        ? `interval ${signedPercent(lower)} to ${signedPercent(upper)} reaches past ${limit}`
        : `interval ${lower} to ${upper} ${m.unit} from a baseline of 0`;
  return { decision: 'undecided', reason: `undecided: ${why} ${after}` };
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
      verdict: decided.decision,
      pAdjusted: decided.pAdjusted,
      significant: decided.pAdjusted < comparison.policy.alpha,
      notes: [...m.notes, decided.reason],
    };
  });
  const counts = { regression: 0, improvement: 0, unchanged: 0, insufficient: 0 };
  for (const m of metrics) counts[m.verdict]++;
  const early = look.trials < design.max;
  const stopped = early
    ? `sequential trials: stopped after ${look.trials} of at most ${design.max} trials per side, every gating metric decided`
    : `sequential trials: ran to the maximum, ${design.max} trials per side`;
  return { ...comparison, metrics, counts, notes: [stopped, ...comparison.notes] };
}
