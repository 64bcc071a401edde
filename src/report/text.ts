/** Plain-text rendering for terminals and logs: aligned columns, no markup. */
import type { Comparison, MetricVerdict } from '../compare/compare.js';
import { methodNote } from './markdown.js';
import { escapeTerminal } from './escape.js';
import { layoutText } from './grid.js';
import { metricNoteGroups, noteGroupText } from './notes.js';
import { comparisonTables, withVerdicts } from './table.js';

const VERDICT_LABEL: Record<MetricVerdict, string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  unchanged: '~',
  insufficient: 'insufficient',
};

export function renderComparisonText(comparison: Comparison): string {
  const { regression, improvement, unchanged, insufficient } = comparison.counts;
  const notes = [
    ...comparison.notes,
    ...metricNoteGroups(comparison.metrics).map((group) => noteGroupText(group)),
  ];
  const geomean =
    comparison.geomeanChange === null
      ? []
      : [
          `geomean cost change: ${(comparison.geomeanChange * 100).toFixed(2)} % (negative is better)`,
        ];
  return [
    layoutText(withVerdicts(comparisonTables(comparison).all, VERDICT_LABEL)),
    '',
    ...geomean,
    `${regression} regressed, ${improvement} improved, ${unchanged} unchanged, ${insufficient} insufficient`,
    ...(notes.length > 0 ? ['', 'notes:', ...notes.map((n) => `  - ${escapeTerminal(n)}`)] : []),
    '',
    methodNote(comparison),
    '',
  ].join('\n');
}
