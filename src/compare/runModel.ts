/**
 * What a run-level comparison knows beyond one metric (issue #26): metrics of one suite on one
 * runner share a run's fortunes. Two pure steps, both on run medians (runLevel.ts):
 *  - the run factor: a run that is slower as a whole (a busier host, a slower machine of the same
 *    kind) moves every metric of a suite alike. Its size is read off the suite's metrics, each
 *    metric's own change is what is left, and the factor itself is judged as one more metric,
 *    `(whole run)`, so that a change that slows everything alike still fails.
 *  - the spread prior: each metric's run-to-run spread, estimated from few stored runs, is shrunk
 *    towards the spread the suite's metrics share (stats/moderated.ts).
 */
import { mean, median, sampleVariance } from 'simple-statistics';
import type { Metric, Results, SuiteResult } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';
import { shareSpreads, type VariancePrior } from '../stats/moderated.js';

/** The row that judges a suite's run factor; parentheses keep it apart from measured names. */
export const WHOLE_RUN_METRIC = '(whole run)';

/** Fewer metrics than this cannot tell a run's shared slowdown from one metric's own change. */
const MIN_FACTOR_METRICS = 3;

export interface RunFactor {
  /** `<suite>` or `<suite>#<variant>`. */
  suite: string;
  /** Metrics it was read from. */
  metrics: number;
  /** The head run's cost factor relative to the stored runs' typical one: 0.08 = 8 % slower. */
  change: number;
  /** The share of the factor taken out of each metric (factorWeight): 1 where runs share it. */
  weight: number;
}

export interface SuiteSpread {
  suite: string;
  /** Metrics whose spreads were pooled. */
  metrics: number;
  /**
   * The prior: its degrees of freedom (weight, in runs) and variance, on the log scale; fitted
   * robustly from ten metrics on, where an outlying spread gets a smaller weight of its own
   * (VariancePrior.tail, stats/moderated.ts).
   */
  prior: VariancePrior;
  /** Metrics whose spread is well above the pool's: they keep their own (stats/moderated.ts). */
  own: string[];
}

/** The run model of one comparison: the factors removed and the priors the spreads lean on. */
export interface RunModel {
  factors: RunFactor[];
  spreads: SuiteSpread[];
}

type Sign = 1 | -1;
/** The metrics that cost more on a slower run, with the sign that turns each into a cost. */
function costSign(metric: Metric): Sign | null {
  if (metric.informational || metric.name === WHOLE_RUN_METRIC) return null;
  if (metric.direction === 'lower') return 1;
  if (metric.direction === 'higher') return -1;
  return null;
}

/**
 * The metrics whose run-to-run spreads are pooled and moderated: gating, with a direction (the
 * whole-run row has a machine's spread, its own), on the log scale (all values positive).
 */
export function sharesSpread(metric: Metric): boolean {
  return costSign(metric) !== null && metric.samples.every((v) => v > 0);
}

const keyOf = (suite: SuiteResult) => suiteLabel(suite.name, suite.variant);

/**
 * Metrics that take part in the factor: gating, with a direction, positive, and one sample per
 * run on both sides. Samples are run medians in run order, so a metric with as many samples as
 * the suite's fullest is known to be aligned with the others run by run; one that missed a run
 * cannot be aligned and keeps its values.
 */
function factorMetrics(base: SuiteResult, head: SuiteResult): Map<string, Sign> {
  const runs = (suite: SuiteResult) => Math.max(0, ...suite.metrics.map((m) => m.samples.length));
  const [baseRuns, headRuns] = [runs(base), runs(head)];
  const headByName = new Map(head.metrics.map((m) => [m.name, m]));
  const used = new Map<string, Sign>();
  for (const metric of base.metrics) {
    const other = headByName.get(metric.name);
    const sign = costSign(metric);
    if (!other || sign === null || other.direction !== metric.direction) continue;
    if (metric.samples.length !== baseRuns || other.samples.length !== headRuns) continue;
    if (![...metric.samples, ...other.samples].every((v) => v > 0)) continue;
    used.set(metric.name, sign);
  }
  return used;
}

/** Per run, each factor metric's log cost less that metric's mean over the stored runs. */
type Deviations = Map<string, { base: number[]; head: number[] }>;

function deviations(suites: readonly [SuiteResult, SuiteResult], used: ReadonlyMap<string, Sign>) {
  const [base, head] = suites;
  const cost = (suite: SuiteResult, name: string) => {
    const metric = suite.metrics.find((m) => m.name === name) as Metric;
    return metric.samples.map((v) => (used.get(name) as Sign) * Math.log(v));
  };
  const result: Deviations = new Map();
  for (const name of used.keys()) {
    const stored = cost(base, name);
    const center = mean(stored);
    result.set(name, {
      base: stored.map((v) => v - center),
      head: cost(head, name).map((v) => v - center),
    });
  }
  return result;
}

/**
 * Each run's factor on the log cost scale, read off the metrics in `names`: the median of how far
 * the run lies from each metric's mean over the stored runs. The median, so that a change in
 * fewer than half of them does not move it.
 */
function factorsOf(deviations: Deviations, names: readonly string[], side: 'base' | 'head') {
  const columns = names.map((n) => deviations.get(n)?.[side] as number[]);
  const runs = columns[0]?.length ?? 0;
  return Array.from({ length: runs }, (_, r) => median(columns.map((c) => c[r] as number)));
}

/**
 * How much of the read factor to take out: the share of its spread over the stored runs that is
 * shared (σ²_f / var(c), the regression of the true factor on the read one). A median of G − 1
 * metrics' independent noise has a variance of about (π/2) σ²_e / (G − 1), which, taken out
 * where runs share nothing, adds to every metric's spread for nothing.
 */
function factorWeight(deviations: Deviations, names: readonly string[]): number {
  const factors = factorsOf(deviations, names, 'base');
  if (factors.length < 3) return 1;
  const read = sampleVariance(factors);
  const raw = mean(names.map((n) => sampleVariance(deviations.get(n)?.base as number[])));
  const noise = Math.PI / 2 / (names.length - 1);
  // raw = σ²_f + σ²_e and read = σ²_f + noise·σ²_e, solved for σ²_f.
  const shared = (read - noise * raw) / (1 - noise);
  return read > 0 ? Math.min(1, Math.max(0, shared / read)) : 0;
}

/**
 * The suite with the run factor divided out of each factor metric, and the factor as a row. A
 * metric's own factor is read off the other metrics: read off all of them it would hold a part of
 * the metric's own noise, and the stored runs' spread would then understate the head's (a
 * prediction test's p too small in the tail by half, benchmarks/run-to-run.ts).
 */
function withoutFactor(
  suite: SuiteResult,
  side: 'base' | 'head',
  deviations: Deviations,
  used: ReadonlyMap<string, Sign>,
  weight: number,
): SuiteResult {
  const names = [...used.keys()];
  const metrics = suite.metrics.map((m) => {
    const sign = used.get(m.name);
    if (sign === undefined) return m;
    const others = factorsOf(
      deviations,
      names.filter((n) => n !== m.name),
      side,
    );
    return {
      ...m,
      samples: m.samples.map((v, r) => v * Math.exp(-sign * weight * (others[r] as number))),
    };
  });
  const row: Metric = {
    name: WHOLE_RUN_METRIC,
    unit: '×',
    direction: 'lower',
    samples: factorsOf(deviations, names, side).map(Math.exp),
  };
  return { ...suite, metrics: [...metrics, row] };
}

/**
 * Both sides with each suite's run factor taken out, where a suite has enough metrics to read it
 * from (and none already named like the factor's row). Pure.
 */
export function removeRunFactors(
  base: Results,
  head: Results,
): { base: Results; head: Results; factors: RunFactor[] } {
  const headSuites = new Map(head.suites.map((s) => [keyOf(s), s]));
  const removed = new Map<string, { base: SuiteResult; head: SuiteResult }>();
  const factors: RunFactor[] = [];
  for (const baseSuite of base.suites) {
    const headSuite = headSuites.get(keyOf(baseSuite));
    if (!headSuite) continue;
    const named = [...baseSuite.metrics, ...headSuite.metrics].some(
      (m) => m.name === WHOLE_RUN_METRIC,
    );
    const used = factorMetrics(baseSuite, headSuite);
    if (named || used.size < MIN_FACTOR_METRICS) continue;
    const found = deviations([baseSuite, headSuite], used);
    const names = [...used.keys()];
    const weight = factorWeight(found, names);
    removed.set(keyOf(baseSuite), {
      base: withoutFactor(baseSuite, 'base', found, used, weight),
      head: withoutFactor(headSuite, 'head', found, used, weight),
    });
    const change = mean(factorsOf(found, names, 'head')) - mean(factorsOf(found, names, 'base'));
    factors.push({
      suite: keyOf(baseSuite),
      metrics: used.size,
      change: Math.expm1(change),
      weight,
    });
  }
  const side = (results: Results, which: 'base' | 'head'): Results => ({
    ...results,
    suites: results.suites.map((s) => removed.get(keyOf(s))?.[which] ?? s),
  });
  return { base: side(base, 'base'), head: side(head, 'head'), factors };
}

/**
 * Per suite, the prior its metrics' run-to-run spreads lean on: fitted from the stored runs'
 * log-scale variances of the metrics that share it (sharesSpread); none where fewer than three
 * of them spread at all (a metric that never moved says nothing about how the others spread).
 */
export function spreadPriors(base: Results): SuiteSpread[] {
  return base.suites.flatMap((suite) => {
    const metrics = suite.metrics.filter((m) => sharesSpread(m) && m.samples.length >= 2);
    const spreads = metrics.map((m) => ({
      variance: sampleVariance(m.samples.map(Math.log)),
      df: m.samples.length - 1,
    }));
    const shared = shareSpreads(spreads);
    if (!shared) return [];
    const own = metrics.filter((_, i) => shared.own[i]).map((m) => m.name);
    const pooled = spreads.filter((s, i) => s.variance > 0 && !shared.own[i]).length;
    return [{ suite: keyOf(suite), metrics: pooled, prior: shared.prior, own }];
  });
}

/** The parts of the policy the run model reads. */
export interface RunModelOptions {
  runFactor: 'none' | 'suite';
  runSpread: 'pooled' | 'own';
}

/** Both sides as the run-level test sees them, and what was done to them. Pure. */
export function modelRuns(
  base: Results,
  head: Results,
  options: RunModelOptions,
): { base: Results; head: Results; model: RunModel } {
  const sides =
    options.runFactor === 'suite' ? removeRunFactors(base, head) : { base, head, factors: [] };
  const spreads = options.runSpread === 'pooled' ? spreadPriors(sides.base) : [];
  return { base: sides.base, head: sides.head, model: { factors: sides.factors, spreads } };
}
