/**
 * The table model between comparison and rendering (benchstat's builder → Table → ToText split):
 * cells are plain, unescaped strings; each renderer escapes and labels verdicts its own way.
 */
import type { Comparison, MetricComparison, Verdict } from '../compare/compare.js';
import { formatChange, formatP, formatSpread, formatValue } from './format.js';
import { relativeSpread } from '../stats/describe.js';
import type { Summary } from '../stats/describe.js';

export interface TableRow {
  cells: string[];
  verdict: Verdict;
}

export interface Table {
  columns: string[];
  /** 'l' or 'r' per column, for renderers that align. */
  align: ('l' | 'r')[];
  rows: TableRow[];
}

const COLUMNS = ['metric', 'baseline', 'candidate', 'change', 'CI', 'p', 'n'];
const ALIGN: Table['align'] = ['l', 'r', 'r', 'r', 'r', 'r', 'r'];

function summaryCell(summary: Summary | undefined, unit: string): string {
  if (!summary) return '—';
  const spread = summary.n > 1 ? ` ${formatSpread(relativeSpread(summary))}` : '';
  return `${formatValue(summary.median, unit)}${spread}`;
}

function changeCell(m: MetricComparison): string {
  if (m.shift === null) return '';
  // benchstat's convention: `~` when the difference is not statistically meaningful.
  if (m.verdict !== 'insufficient' && !m.significant) return '~';
  if (m.change !== null) return formatChange(m.change);
  return `${m.shift > 0 ? '+' : ''}${formatValue(m.shift, m.unit)}`;
}

function intervalCell(m: MetricComparison): string {
  if (m.changeLower === null || m.changeUpper === null) return '';
  return `${formatChange(m.changeLower)} … ${formatChange(m.changeUpper)}`;
}

export function metricLabel(m: MetricComparison): string {
  return m.variant ? `${m.suite} [${m.variant}] ${m.metric}` : `${m.suite} ${m.metric}`;
}

export function comparisonRow(m: MetricComparison): TableRow {
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
    ],
  };
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
