/** Plain-text rendering for terminals and logs: aligned columns, no markup. */
import type { Comparison, Verdict } from '../compare/compare.js';
import { methodNote } from './markdown.js';
import { comparisonTables, metricLabel, type Table } from './table.js';

const VERDICT_LABEL: Record<Verdict, string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  unchanged: '~',
  insufficient: 'insufficient',
};

export function renderTextTable(table: Table): string {
  const header = [...table.columns, 'verdict'];
  const align = [...table.align, 'l'];
  const rows = [header, ...table.rows.map((r) => [...r.cells, VERDICT_LABEL[r.verdict]])];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return align[i] === 'r' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.slice(1).map(line)].join('\n');
}

export function renderComparisonText(comparison: Comparison): string {
  const { regression, improvement, unchanged, insufficient } = comparison.counts;
  const notes = [
    ...comparison.notes,
    ...comparison.metrics.flatMap((m) => m.notes.map((n) => `${metricLabel(m)}: ${n}`)),
  ];
  const geomean =
    comparison.geomeanChange === null
      ? []
      : [
          `geomean cost change: ${(comparison.geomeanChange * 100).toFixed(2)} % (negative is better)`,
        ];
  return [
    renderTextTable(comparisonTables(comparison).all),
    '',
    ...geomean,
    `${regression} regressed, ${improvement} improved, ${unchanged} unchanged, ${insufficient} insufficient`,
    ...(notes.length > 0 ? ['', 'notes:', ...notes.map((n) => `  - ${n}`)] : []),
    '',
    methodNote(comparison),
    '',
  ].join('\n');
}
