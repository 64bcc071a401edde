/**
 * Target tables: `perfgate analyze` (current vs targets, the seed's "Performance Analysis
 * Results") and `perfgate validate` (before vs after with target achievement, the seed's
 * "Overall Optimization Results"). Builds grids; layout is grid.ts's.
 */
import type { Comparison } from '../compare/comparison.js';
import { metricKey } from '../compare/compare.js';
import type { TargetCheck, TargetStatus } from '../compare/targets.js';
import { formatChange, formatP, formatValue } from './format.js';
import type { Grid } from './grid.js';
import { suiteMetricLabel } from './table.js';

export type StatusLabels = Record<TargetStatus, string>;
export const TEXT_STATUS: StatusLabels = {
  met: 'met',
  'nearly met': 'NEARLY MET',
  missed: 'MISSED',
};
export const MARKDOWN_STATUS: StatusLabels = {
  met: '✅ met',
  'nearly met': '⚠️ nearly met',
  missed: '❌ missed',
};

const label = (c: TargetCheck) => suiteMetricLabel(c.suite, c.variant, c.metric);

function targetCell(c: TargetCheck): string {
  const bounds = [
    ...(c.min !== undefined ? [`≥ ${formatValue(c.min, c.unit)}`] : []),
    ...(c.max !== undefined ? [`≤ ${formatValue(c.max, c.unit)}`] : []),
  ];
  return bounds.join(', ');
}

function potentialCell(c: TargetCheck): string {
  return c.status === 'met'
    ? `headroom ${formatChange(c.potential)}`
    : `needs ${formatChange(c.potential)}`;
}

export function analysisGrid(checks: readonly TargetCheck[], labels: StatusLabels): Grid {
  return {
    columns: ['component', 'metric', 'current', 'target', 'gap', 'potential', 'status'],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
    rows: checks.map((c) => [
      c.component,
      label(c),
      formatValue(c.value, c.unit),
      targetCell(c),
      c.gap === 0 ? '—' : formatChange(c.gap).replace('+', ''),
      potentialCell(c),
      labels[c.status],
    ]),
  };
}

/** One row per target check of the after side, with the before side and the comparison beside it. */
export function validationGrid(
  before: readonly TargetCheck[],
  after: readonly TargetCheck[],
  comparison: Comparison,
  labels: StatusLabels,
): Grid {
  const key = (c: TargetCheck) => `${metricKey(c.suite, c.variant, c.metric)}|${c.min}|${c.max}`;
  const beforeByKey = new Map(before.map((c) => [key(c), c]));
  const compared = new Map(comparison.metrics.map((m) => [m.key, m]));
  return {
    columns: [
      'component',
      'metric',
      'before',
      'after',
      'change',
      'p',
      'target',
      'before status',
      'after status',
    ],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: after.map((c) => {
      const was = beforeByKey.get(key(c));
      const m = compared.get(metricKey(c.suite, c.variant, c.metric));
      const change =
        m?.change == null
          ? ''
          : m.significant
            ? formatChange(m.change)
            : `~ (${formatChange(m.change)})`;
      const p = m?.pAdjusted ?? m?.p;
      return [
        c.component,
        label(c),
        was ? formatValue(was.value, c.unit) : '—',
        formatValue(c.value, c.unit),
        change,
        p == null ? '' : formatP(p),
        targetCell(c),
        was ? labels[was.status] : '—',
        labels[c.status],
      ];
    }),
  };
}

export function achievementLine(after: readonly TargetCheck[]): string {
  const count = (s: TargetStatus) => after.filter((c) => c.status === s).length;
  return `targets: ${count('met')} met, ${count('nearly met')} nearly met, ${count('missed')} missed (of ${after.length})`;
}
