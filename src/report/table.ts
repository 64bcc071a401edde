/**
 * The table model between comparison and rendering (benchstat's builder → Table → ToText split):
 * cells are plain, unescaped strings; each renderer escapes and labels verdicts its own way.
 */
import type { Comparison, MetricComparison, MetricVerdict } from '../compare/comparison.js';
import type { Results } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';
import type { Grid } from './grid.js';
import { formatChange, formatP, formatSpread, formatValue } from './format.js';
import { describe, relativeSpread, type Summary } from '../stats/describe.js';

export interface TableRow {
  cells: string[];
  verdict: MetricVerdict;
}

/** A comparison table: each row keeps its verdict, which each renderer labels its own way. */
export interface Table {
  columns: string[];
  align: Grid['align'];
  rows: TableRow[];
}

/** The comparison table as a plain grid, with the verdict column labelled by the renderer. */
export function withVerdicts(table: Table, labels: Record<MetricVerdict, string>): Grid {
  return {
    columns: [...table.columns, 'verdict'],
    align: [...table.align, 'l'],
    rows: table.rows.map((row) => [...row.cells, labels[row.verdict]]),
  };
}

/** `sees`: the smallest change this design detects with 80 % power (compare/detectable.ts). */
const COLUMNS = ['metric', 'baseline', 'candidate', 'change', 'CI', 'p', 'n', 'sees'];
const ALIGN: Table['align'] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];

function summaryCell(summary: Summary | undefined, unit: string): string {
  if (!summary) return '—';
  const spread = summary.n > 1 ? ` ${spreadText(summary, unit)}` : '';
  return `${formatValue(summary.median, unit)}${spread}`;
}

/**
 * Half the IQR relative to the median, or in the metric's unit when the median is 0 (a spread
 * relative to 0 is infinite and says nothing: `0 % ±0.50 %`, not `0 % ±Infinity %`).
 */
function spreadText(summary: Summary, unit: string): string {
  const relative = relativeSpread(summary);
  if (Number.isFinite(relative)) return formatSpread(relative);
  const absolute = summary.iqr / 2;
  return Number.isFinite(absolute) ? `±${formatValue(absolute, unit)}` : '±–';
}

function changeCell(m: MetricComparison): string {
  if (m.shift === null) return '';
  // benchstat's convention: `~` when the difference is not statistically meaningful.
  if (m.verdict !== 'insufficient' && !m.significant) return '~';
  if (m.change !== null) return formatChange(m.change);
  return formatShift(m.shift, m.unit);
}

/**
 * A move in the metric's unit, from a baseline of 0: `+2.00 ms`; a rate in % moves by percentage
 * points (0 → 50 % is `+50.0 pp`, not a relative change of 50 %).
 */
function formatShift(shift: number, unit: string): string {
  const sign = shift > 0 ? '+' : shift < 0 ? '−' : '±';
  const magnitude = Math.abs(shift);
  return `${sign}${unit === '%' ? formatValue(magnitude, 'pp') : formatValue(magnitude, unit)}`;
}

function intervalCell(m: MetricComparison): string {
  if (m.changeLower === null || m.changeUpper === null) return '';
  return `${formatChange(m.changeLower)} … ${formatChange(m.changeUpper)}`;
}

/** `api/embed#fast latency_p95`: how a metric is named in every table. */
export function suiteMetricLabel(
  suite: string,
  variant: string | undefined,
  metric: string,
): string {
  return `${suiteLabel(suite, variant)} ${metric}`;
}

export function metricLabel(m: MetricComparison): string {
  const label = suiteMetricLabel(m.suite, m.variant, m.metric);
  // Context metrics (host load, generator CPU) are shown but never gate: mark them. A target
  // metric's verdict goes by the distance to its target, which the reader needs beside it.
  if (m.informational) return `${label} (context)`;
  if (m.direction === 'target' && m.target !== undefined) {
    return `${label} (target ${formatValue(m.target, m.unit)})`;
  }
  return label;
}

function comparisonRow(m: MetricComparison): TableRow {
  const p = m.pAdjusted ?? m.p;
  return {
    verdict: m.verdict,
    cells: [
      metricLabel(m),
      summaryCell(m.base, m.unit),
      summaryCell(m.head, m.unit),
      changeCell(m),
      intervalCell(m),
      p === null ? '' : formatP(p),
      `${m.base?.n ?? 0}/${m.head?.n ?? 0}`,
      seesCell(m),
    ],
  };
}

/**
 * What the design detects: "≥ 5.7 %" (two significant digits: it is an estimate), or "never"
 * for a metric not seen although no change is detectable at all (too few trials, a baseline of
 * 0); blank for metrics that take no part in the gate.
 */
function seesCell(m: MetricComparison): string {
  if (m.detectable !== null) return formatPercentOf(m.detectable);
  return m.verdict === 'unseen' ? 'never' : '';
}

function formatPercentOf(fraction: number): string {
  return `≥ ${+(fraction * 100).toPrecision(2)} %`;
}

export function comparisonTable(metrics: readonly MetricComparison[]): Table {
  return { columns: COLUMNS, align: ALIGN, rows: metrics.map(comparisonRow) };
}

export function comparisonTables(comparison: Comparison): { all: Table; regressions: Table } {
  return {
    all: comparisonTable(comparison.metrics),
    regressions: comparisonTable(comparison.metrics.filter((m) => m.verdict === 'regression')),
  };
}

/** What one run measured: per suite, variant and metric the median, spread and trials. */
export function resultsTable(results: Results): Grid {
  const rows = results.suites.flatMap((suite) =>
    suite.metrics
      .filter((metric) => metric.samples.length > 0)
      .map((metric) => {
        const summary = describe(metric.samples);
        return [
          suiteLabel(suite.name, suite.variant),
          metric.name,
          summaryCell(summary, metric.unit),
          String(summary.n),
        ];
      }),
  );
  return { columns: ['suite', 'metric', 'median', 'n'], align: ['l', 'l', 'r', 'r'], rows };
}
