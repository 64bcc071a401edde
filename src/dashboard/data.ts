/**
 * The dashboard's data: a branch's stored history as one compact value that the page draws.
 * Runs are grouped by environment (compare/environment.ts), so that no line mixes machines; per
 * environment each metric is a series of run medians with the trials' quartiles
 * (compare/drift.ts), its change points (stats/changePoint.ts), and the latest run judged against
 * the runs before it, run by run, as `perfgate check --baseline history` judges a run. Context
 * metrics (host load, generator CPU) are charted beside them and never judged: they explain a
 * noisy stretch rather than measure the code. A change
 * of config (its hash: suites, trials, load) is marked on the line rather than splitting it, and
 * neither the change points nor the latest verdict reach across it: like a new machine, a new
 * setup is not a regression (nightly compares runs of one config only). Pure.
 */
import { compareResults } from '../compare/compare.js';
import type { MetricComparison, MetricVerdict } from '../compare/comparison.js';
import { changeKind, metricSeries, type ChangeKind, type MetricSeries } from '../compare/drift.js';
import { environmentLabel } from '../compare/environment.js';
import { resolvePolicy, type ComparePolicy } from '../compare/policy.js';
import { runMedians } from '../compare/runLevel.js';
import { formatChange, formatValue } from '../report/format.js';
import { VERDICT_LABEL } from '../report/markdown.js';
import type { Direction, Results } from '../results/schema.js';
import { detectChangePoints } from '../stats/changePoint.js';
import type { StoredResult } from '../store/history.js';

export const DASHBOARD_SCHEMA = 'perfgate/dashboard@1';

/**
 * Change points are searched in each series' newest runs only: the search costs O(n²) per
 * permutation, 1.5 s for one series of 2,000 runs with a step, 0.06 s for 250.
 */
export const CHANGE_POINT_WINDOW = 250;

/** Runs before the latest that judge it: the default window of `perfgate check`. */
export const LATEST_WINDOW = 20;

/** The runs, column by column (one entry per run, oldest first): what every point refers to. */
export interface DashboardRuns {
  commit: (string | null)[];
  /** Seconds since the epoch, as the chart's time axis counts. */
  time: number[];
  /** Index into DashboardData.environments. */
  env: number[];
  /** The pull request a run was measured for, when its ref says so. */
  pr: (number | null)[];
}

export interface DashboardChangePoint {
  /** Index into the series' points of the first run after the change. */
  at: number;
  before: number;
  after: number;
  /** `+30.0 %`. */
  change: string;
  kind: ChangeKind;
  p: number;
}

/**
 * One row of the latest-run table: the latest run's median against the reference the history
 * check measures it by, so that `change` is the change from `reference` to `latest`.
 */
export interface LatestRow {
  /**
   * The centre of the runs before, as the history check takes it (compare/runLevel.ts): the
   * geometric mean of their medians, their mean where some value is not positive, the median of
   * the one run where there is one; `—` where the check has none.
   */
  reference: string;
  /** How many runs before the reference is of (each counted once, by its median). */
  runs: number;
  /** What `reference` is of those runs. */
  basis: 'geometric mean' | 'mean';
  latest: string;
  /** From `reference` to `latest`; empty where the check has none. */
  change: string;
  verdict: MetricVerdict;
  /** The verdict as the PR comment writes it. */
  label: string;
}

export interface DashboardSeries {
  /** The metric key thresholds match: `api#fast/latency_p95`. */
  key: string;
  /** The suite with its variant, `api#fast`: the group the chart is shown in. */
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** The value a `target` metric should approach: drawn as a line, and what its verdicts measure to. */
  target?: number;
  /** A context metric: charted, with neither change points nor a latest verdict. */
  informational: boolean;
  env: number;
  /** Per point (oldest first): the run (index into runs), the median and quartiles of its trials. */
  run: number[];
  median: number[];
  q1: number[];
  q3: number[];
  changePoints: DashboardChangePoint[];
  /**
   * Points (indices into the series) whose run has another config hash than the point before:
   * the setup changed there. Change points are searched between them, never across.
   */
  configChanges: number[];
  /** Absent when the environment's latest run did not measure this metric. */
  latest?: LatestRow;
}

export interface DashboardData {
  schema: typeof DASHBOARD_SCHEMA;
  generatedAt: string;
  branch: string;
  /** `https://github.com/owner/repo`: where commits and pull requests link to. */
  repoUrl?: string;
  /** Things the reader must know: files skipped, limits applied. */
  notes: string[];
  /** Readable environment fingerprints; the first is the newest run's. */
  environments: string[];
  runs: DashboardRuns;
  series: DashboardSeries[];
}

export interface DashboardInput {
  /** A branch's stored results, in any order. */
  entries: readonly StoredResult[];
  warnings: readonly string[];
  branch: string;
  generatedAt: string;
  repoUrl?: string;
  policy?: Partial<ComparePolicy>;
}

/** Five significant digits: what a chart and a tooltip show, at about half the bytes. */
const compact = (value: number) => Number(value.toPrecision(5));

/** `refs/pull/12/merge` → 12. */
function pullRequestOf(ref: string | undefined): number | null {
  const match = /^refs\/pull\/(\d+)\//.exec(ref ?? '');
  return match ? Number(match[1]) : null;
}

export function buildDashboardData(input: DashboardInput): DashboardData {
  const policy = resolvePolicy(input.policy);
  const runs = input.entries
    .map((entry) => entry.results)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  // Newest first, so that environment 0 is where the latest run ran: the page's default.
  const environments = [
    ...new Set([...runs].reverse().map((r) => environmentLabel(r.environment))),
  ];
  const envOf = runs.map((r) => environments.indexOf(environmentLabel(r.environment)));
  const series = environments.flatMap((_, env) => {
    const indices = runs.flatMap((_, i) => (envOf[i] === env ? [i] : []));
    return environmentSeries(
      indices.map((i) => runs[i]!),
      indices,
      env,
      policy,
    );
  });
  const longest = Math.max(0, ...series.map((s) => s.run.length));
  return {
    schema: DASHBOARD_SCHEMA,
    generatedAt: input.generatedAt,
    branch: input.branch,
    ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
    notes: [
      ...input.warnings,
      ...(longest > CHANGE_POINT_WINDOW
        ? [`change points are searched in each metric's newest ${CHANGE_POINT_WINDOW} runs`]
        : []),
    ],
    environments,
    runs: {
      commit: runs.map((r) => r.commit ?? null),
      time: runs.map((r) => Date.parse(r.createdAt) / 1000),
      env: envOf,
      pr: runs.map((r) => pullRequestOf(r.ref)),
    },
    series,
  };
}

/** The series of one environment's runs (oldest first); `indices` maps them to all runs. */
function environmentSeries(
  runs: readonly Results[],
  indices: readonly number[],
  env: number,
  policy: ComparePolicy,
): DashboardSeries[] {
  const judged = latestComparison(runs, policy);
  const all = metricSeries(runs, { context: true });
  // Within a suite the page keeps this order: what is judged first, then the context.
  const ordered = [...all.filter((s) => !s.informational), ...all.filter((s) => s.informational)];
  return ordered.map((s) => {
    const points = s.points;
    const configChanges = points.flatMap((p, i) => {
      const before = i > 0 ? runs[points[i - 1]!.run]?.configHash : undefined;
      const now = runs[p.run]?.configHash;
      return before !== undefined && now !== undefined && before !== now ? [i] : [];
    });
    const last = points.at(-1);
    const m = last?.run === runs.length - 1 && !s.informational ? judged.get(s.key) : undefined;
    const latest: LatestRow | undefined = m && latestRow(m, last!.value, s.unit);
    return {
      key: s.key,
      // The key is `<suite label>/<metric>`; names may hold '/' themselves.
      suite: s.key.slice(0, s.key.length - s.metric.length - 1),
      metric: s.metric,
      unit: s.unit,
      direction: s.direction,
      ...(s.target !== undefined ? { target: s.target } : {}),
      informational: s.informational,
      env,
      run: points.map((p) => indices[p.run]!),
      median: points.map((p) => compact(p.value)),
      q1: points.map((p) => compact(p.q1)),
      q3: points.map((p) => compact(p.q3)),
      changePoints: s.informational ? [] : changePointsOf(s, configChanges, policy),
      configChanges,
      ...(latest ? { latest } : {}),
    };
  });
}

/**
 * Change points among the series' newest CHANGE_POINT_WINDOW runs, as nightly finds them, searched
 * in each stretch of one config on its own.
 */
function changePointsOf(
  series: MetricSeries,
  configChanges: readonly number[],
  policy: ComparePolicy,
): DashboardChangePoint[] {
  const offset = Math.max(0, series.points.length - CHANGE_POINT_WINDOW);
  const bounds = [offset, ...configChanges.filter((i) => i > offset), series.points.length];
  return bounds.slice(1).flatMap((end, k) => {
    const start = bounds[k]!;
    const values = series.points.slice(start, end).map((p) => p.value);
    return detectChangePoints(values).map((cp) => ({
      at: cp.index + start,
      before: compact(cp.before),
      after: compact(cp.after),
      change: formatChange(cp.relativeChange),
      kind: changeKind(series, cp, policy),
      p: cp.pValue,
    }));
  });
}

/**
 * The latest run (the last of `runs`) against up to LATEST_WINDOW runs of its config before it,
 * by metric key.
 * Across runs the unit of evidence is the run, so the previous run alone has no spread to judge
 * by: the verdict is the history check's, and the row shows what that check measured the change
 * from (latestRow).
 */
function latestComparison(
  runs: readonly Results[],
  policy: ComparePolicy,
): Map<string, MetricComparison> {
  const latest = runs.at(-1);
  const sameConfig = runs.slice(0, -1).filter((r) => r.configHash === latest?.configHash);
  const before = sameConfig.slice(-LATEST_WINDOW);
  if (!latest || before.length === 0) return new Map();
  const comparison = compareResults(
    runMedians(before, 'the runs before'),
    runMedians([latest], 'the latest run'),
    policy,
    'run',
  );
  return new Map(comparison.metrics.map((m) => [m.key, m]));
}

/** The most significant digits a row shows where three would print two different values alike. */
const MAX_DIGITS = 6;

/**
 * The table's row: the reference the change is measured from, the latest median and the change
 * between them. The history check's shift is latest − reference on the metric's scale (the
 * geometric mean of the runs before where all values are positive, else their mean:
 * compare/runLevel.ts), so the reference is read back from it and the change between the two
 * columns is the change shown. Where three significant digits print both alike, more are shown;
 * where six still do, the change is ±0 % at the precision shown.
 */
function latestRow(m: MetricComparison, lastValue: number, unit: string): LatestRow {
  const latest = m.head?.median ?? lastValue;
  const runs = m.base?.n ?? 0;
  const positive = (m.base?.min ?? 0) > 0 && (m.head?.min ?? 0) > 0;
  const reference =
    m.shift !== null ? latest - m.shift : runs === 1 ? (m.base?.median ?? null) : null;
  let digits = 3;
  let change = m.change === null ? '' : formatChange(m.change);
  if (reference !== null && m.change !== null && m.change !== 0) {
    while (
      digits < MAX_DIGITS &&
      formatValue(reference, unit, digits) === formatValue(latest, unit, digits)
    ) {
      digits++;
    }
    if (formatValue(reference, unit, digits) === formatValue(latest, unit, digits)) {
      change = formatChange(0);
    }
  }
  return {
    reference: reference === null ? '—' : formatValue(reference, unit, digits),
    runs,
    basis: positive ? 'geometric mean' : 'mean',
    latest: formatValue(latest, unit, digits),
    change,
    verdict: m.verdict,
    label: VERDICT_LABEL[m.verdict],
  };
}
