/** Plain-text rendering for terminals and logs: aligned columns, no markup. */
import type { Comparison, MetricVerdict } from '../compare/comparison.js';
import { overallVerdict, type OverallVerdict } from '../compare/verdict.js';
import { geomeanText, unseenShare, verdictCounts } from './wording.js';
import { methodNote } from './markdown.js';
import { escapeTerminal } from './escape.js';
import { layoutText } from './grid.js';
import { metricNoteGroups, noteGroupText } from './notes.js';
import { comparisonTables, withVerdicts } from './table.js';

const VERDICT_LABEL: Record<MetricVerdict, string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  unchanged: '~',
  unseen: 'NOT SEEN',
  insufficient: 'insufficient',
};

/** The headline in words: the table's verdict column says REGRESSION per metric. */
const TEXT_STATUS: Record<OverallVerdict, string> = {
  regression: 'Performance regression',
  improvement: 'No performance regression',
  unchanged: 'No performance regression',
  unseen: 'Not seen: no regression found, but {unseen} could not be seen',
  insufficient: 'Nothing could be tested',
};

export function renderComparisonText(comparison: Comparison): string {
  const notes = [
    ...comparison.notes,
    ...metricNoteGroups(comparison.metrics).map((group) => noteGroupText(group)),
  ];
  const geomean = geomeanText(comparison);
  return [
    layoutText(withVerdicts(comparisonTables(comparison).all, VERDICT_LABEL)),
    '',
    ...(geomean ? [geomean] : []),
    `${TEXT_STATUS[overallVerdict(comparison)].replace('{unseen}', unseenShare(comparison))}: ${verdictCounts(comparison)}`,
    ...(notes.length > 0 ? ['', 'notes:', ...notes.map((n) => `  - ${escapeTerminal(n)}`)] : []),
    '',
    methodNote(comparison),
    '',
  ].join('\n');
}
