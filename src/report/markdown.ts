/** Markdown rendering for PR comments, job summaries and `--format markdown`. */
import type { Comparison, MetricVerdict } from '../compare/comparison.js';
import { escapeMarkdown } from './escape.js';
import type { Environment } from '../results/schema.js';
import { formatValue } from './format.js';
import { overallVerdict, type OverallVerdict } from '../compare/verdict.js';
import { geomeanText, unseenShare, verdictCounts } from './wording.js';
import { layoutMarkdown, type Grid } from './grid.js';
import { metricNoteGroups, noteGroupText } from './notes.js';
import { comparisonTables, withVerdicts, type Table } from './table.js';

/** How a verdict reads wherever people see it: the PR comment, the summary, the dashboard. */
export const VERDICT_LABEL: Record<MetricVerdict, string> = {
  regression: '🔴 regression',
  improvement: '🟢 improvement',
  unchanged: '~',
  unseen: '🟡 not seen',
  insufficient: '⚪ insufficient',
};

function renderMarkdownTable(table: Table): string {
  return layoutMarkdown(withVerdicts(table, VERDICT_LABEL));
}

/** The headline's status: green only when every gating metric was seen and none is worse. */
const STATUS: Record<OverallVerdict, string> = {
  regression: '🔴 **Performance regression**',
  improvement: '🟢 **No performance regression**',
  unchanged: '🟢 **No performance regression**',
  unseen: '🟡 **No regression found, but {unseen} could not be seen**',
  insufficient: '⚪ **Nothing could be tested**',
};

export function headline(comparison: Comparison): string {
  const status = STATUS[overallVerdict(comparison)].replace('{unseen}', unseenShare(comparison));
  return `${status}: ${verdictCounts(comparison)}`;
}

export function methodNote(comparison: Comparison): string {
  const { alpha, adjustment, confLevel } = comparison.policy;
  const adjusted = { bh: 'Benjamini-Hochberg', holm: 'Holm', none: 'no' }[adjustment];
  const level = `${Math.round(confLevel * 100)} %`;
  const test =
    comparison.unit === 'run'
      ? `Run-level prediction test per metric (each run counts once, by its median; the run-to-run spread comes from the stored runs), ${adjusted} adjustment across metrics, ` +
        `alpha ${alpha}; change = this run against the stored runs' geometric mean with its ${level} prediction interval`
      : `Mann-Whitney U test per metric over independent trials, ${adjusted} adjustment across metrics, ` +
        `alpha ${alpha}; change = Hodges-Lehmann shift relative to the baseline median with its ${level} interval; ` +
        'sees = the smallest change these trials detect with 80 % power after the adjustment';
  return `${test}; ~ = no significant difference; ± = half the IQR relative to the median.`;
}

function noteLines(comparison: Comparison): string[] {
  const perMetric = metricNoteGroups(comparison.metrics).map(
    (group) => `- ${noteGroupText(group, escapeMarkdown)}`,
  );
  return [...comparison.notes.map((n) => `- ${escapeMarkdown(n)}`), ...perMetric];
}

export interface MarkdownReportOptions {
  /** Shown above the headline, e.g. the step name. */
  title?: string;
  baseLabel: string;
  headLabel: string;
  /** A hidden first line that finds this report again (the sticky PR comment's marker). */
  marker?: string;
  /** Where each side ran, shown collapsed: like must be compared with like. */
  environments?: { base?: Environment; head?: Environment };
  /** Lines about the inputs, e.g. which stored results formed the baseline. */
  context?: string[];
}

const ENVIRONMENT_FIELDS: [keyof Environment, string][] = [
  ['runner', 'runner'],
  ['os', 'OS'],
  ['arch', 'arch'],
  ['cpuModel', 'CPU'],
  ['cpuCount', 'CPUs'],
  ['memoryBytes', 'memory'],
  ['nodeVersion', 'Node.js'],
  ['gpus', 'GPUs'],
];

function environmentCell(env: Environment | undefined, field: keyof Environment): string {
  const value = env?.[field];
  if (value === undefined) return '';
  if (field === 'memoryBytes') return formatValue(value as number, 'bytes');
  if (field === 'gpus') {
    return (value as NonNullable<Environment['gpus']>)
      .map((g) => `${g.name}${g.driver ? ` (driver ${g.driver})` : ''}`)
      .join(', ');
  }
  return String(value);
}

function environmentSection(environments: MarkdownReportOptions['environments']): string[] {
  if (!environments?.base && !environments?.head) return [];
  const rows = ENVIRONMENT_FIELDS.map(([field, label]) => [
    label,
    environmentCell(environments.base, field),
    environmentCell(environments.head, field),
  ]).filter(([, base, head]) => base || head);
  const grid: Grid = { columns: ['', 'baseline', 'candidate'], align: ['l', 'l', 'l'], rows };
  return [
    '<details><summary>Environment</summary>',
    '',
    layoutMarkdown(grid),
    '',
    '</details>',
    '',
  ];
}

/** The comparison report: verdict first, then the regressions, then everything in a collapsed table. */
export function renderComparisonMarkdown(
  comparison: Comparison,
  options: MarkdownReportOptions,
): string {
  const { all, regressions } = comparisonTables(comparison);
  const geomean = geomeanText(comparison);
  const notes = noteLines(comparison);
  return [
    ...(options.marker ? [options.marker] : []),
    ...(options.title ? [`### ${escapeMarkdown(options.title)}`, ''] : []),
    headline(comparison),
    '',
    `Baseline: ${escapeMarkdown(options.baseLabel)} · Candidate: ${escapeMarkdown(options.headLabel)}`,
    ...(options.context ?? []).map((line) => `${escapeMarkdown(line)}  `),
    '',
    ...(regressions.rows.length > 0
      ? ['**Regressions**', '', renderMarkdownTable(regressions), '']
      : []),
    `<details${regressions.rows.length > 0 ? '' : ' open'}><summary>All ${all.rows.length} metrics</summary>`,
    '',
    renderMarkdownTable(all),
    '',
    ...(geomean ? [`${geomean[0]?.toUpperCase()}${geomean.slice(1)}`] : []),
    '</details>',
    '',
    ...environmentSection(options.environments),
    ...(notes.length > 0 ? ['**Notes**', '', ...notes, ''] : []),
    `<sub>${methodNote(comparison)}</sub>`,
    '',
  ].join('\n');
}
