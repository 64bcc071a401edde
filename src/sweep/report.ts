/**
 * The sweep report: the top configurations, the Pareto front (a table, and a Mermaid chart in
 * markdown), and the recommendation with its expected change and targets. Builds grids; their
 * layout is report/grid.ts's. Pure: receives everything it prints.
 */
import type { TargetCheck } from '../compare/targets.js';
import { escapeMarkdown, escapeTerminal } from '../report/escape.js';
import { formatChange, formatValue } from '../report/format.js';
import { layoutMarkdown, layoutText, type Grid } from '../report/grid.js';
import { comparisonTable } from '../report/table.js';
import { achievementLine, analysisGrid, MARKDOWN_STATUS, TEXT_STATUS } from '../report/targets.js';
import type { Recommended, SweepAnalysis } from './analyze.js';
import { score, type ConstraintFailure, type Evaluation } from './evaluate.js';
import { pointLabel, shortLabel } from './space.js';

export type SweepFormat = 'text' | 'markdown';

/** More rows than this bury the answer; the sweep file keeps every point. */
const TOP_ROWS = 15;

/** Chart labels longer than this crowd the x-axis. */
const CHART_LABEL_LENGTH = 12;

interface Style {
  layout: (grid: Grid) => string;
  /** For a line outside a grid (layout escapes cells): knob names, notes and constraints are input. */
  escape: (text: string) => string;
  heading: (text: string) => string;
  yes: string;
  no: string;
  status: typeof TEXT_STATUS;
}

const STYLES: Record<SweepFormat, Style> = {
  text: {
    layout: layoutText,
    escape: escapeTerminal,
    heading: (text) => `${text}\n${'-'.repeat(text.length)}`,
    yes: 'yes',
    no: 'no',
    status: TEXT_STATUS,
  },
  markdown: {
    layout: layoutMarkdown,
    escape: escapeMarkdown,
    heading: (text) => `### ${text}`,
    yes: '✅',
    no: '❌',
    status: MARKDOWN_STATUS,
  },
};

/** The bound a failed check missed: above a maximum, or below a minimum. */
function boundText(check: TargetCheck): string {
  const bound = check.bound ?? check.max ?? check.min ?? 0; // set on every check not met
  return `${check.value > bound ? '≤' : '≥'} ${formatValue(bound, check.unit)}`;
}

/** `api/embed/latency_p95 = 63.0 ms, needs ≤ 50.0 ms`: which constraint failed, and by how much. */
function failureText(failure: ConstraintFailure): string {
  const { check } = failure;
  if (!check) return `${failure.constraint}: no metric matches`;
  return `${failure.constraint} = ${formatValue(check.value, check.unit)}, needs ${boundText(check)}`;
}

/** One column per constrained metric, in the order first seen. */
function constraintKeys(evaluations: readonly Evaluation[]): string[] {
  const keys = evaluations.flatMap((e) => e.checks.map((c) => `${c.suite}/${c.metric}`));
  return [...new Set(keys)];
}

/**
 * The column that ranks: each point's objective against the reference measured beside it in the
 * same run (raw medians of different runs carry the machine's drift between them).
 */
const VS_REFERENCE = 'vs reference, same run';

/** "+12.0 %" better than the reference ("–" for the reference itself), oriented: + is better. */
function pairedChange(e: Evaluation): string {
  return e.point.reference ? formatChange(score(e) - 1) : '–';
}

function topGrid(analysis: SweepAnalysis, style: Style): Grid {
  const keys = constraintKeys(analysis.evaluations);
  const rows = [
    ...analysis.ranking.ranked.map((r) => ({ rank: r.rank, evaluation: r.evaluation })),
    ...analysis.ranking.infeasible.map((evaluation) => ({ rank: '–', evaluation })),
  ].slice(0, TOP_ROWS);
  const objective = analysis.baseline.objective.label;
  return {
    columns: ['rank', 'knobs', `${objective} (raw)`, VS_REFERENCE, ...keys, 'feasible'],
    align: ['r', 'l', 'r', 'r', ...keys.map((): 'r' => 'r'), 'l'],
    rows: rows.map(({ rank, evaluation: e }) => [
      rank,
      pointLabel(e.point.knobs, analysis.names),
      formatValue(e.objective.median, e.objective.unit),
      pairedChange(e),
      ...keys.map((key) => {
        const check = e.checks.find((c) => `${c.suite}/${c.metric}` === key);
        return check ? formatValue(check.value, check.unit) : '';
      }),
      e.feasible ? style.yes : `${style.no} ${e.failures.map(failureText).join('; ')}`,
    ]),
  };
}

function frontGrid(analysis: SweepAnalysis, style: Style): Grid {
  const cost = analysis.front[0]?.cost;
  return {
    columns: [
      'label',
      'knobs',
      analysis.baseline.objective.label,
      VS_REFERENCE,
      cost?.label ?? 'cost',
      'feasible',
    ],
    align: ['l', 'l', 'r', 'r', 'r', 'l'],
    rows: analysis.front.map((e) => [
      chartLabel(e, analysis.names),
      pointLabel(e.point.knobs, analysis.names),
      formatValue(e.objective.median, e.objective.unit),
      pairedChange(e),
      e.cost ? formatValue(e.cost.median, e.cost.unit) : '',
      e.feasible ? style.yes : style.no,
    ]),
  };
}

function chartLabel(e: Evaluation, names: readonly string[]): string {
  const label = shortLabel(e.point.knobs, names);
  return label.length > CHART_LABEL_LENGTH ? `${label.slice(0, CHART_LABEL_LENGTH - 1)}…` : label;
}

/**
 * xychart-beta has one y-axis and only bars and lines: both series are drawn as % of their own
 * largest value, so requests/s and milliseconds share the axis; the table above has the numbers.
 */
function paretoChart(analysis: SweepAnalysis): string {
  const { front } = analysis;
  const percent = (values: number[]) => {
    const top = Math.max(...values.map(Math.abs));
    return values.map((v) => (top === 0 ? 0 : Math.round((100 * Math.abs(v)) / top)));
  };
  const quoted = (text: string) => `"${text.replace(/["\\]/g, "'")}"`;
  const objective = analysis.baseline.objective.label;
  const cost = front[0]?.cost?.label ?? 'cost';
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quoted(`Pareto front: ${objective} (bars) vs ${cost} (line)`)}`,
    `  x-axis [${front.map((e) => quoted(chartLabel(e, analysis.names))).join(', ')}]`,
    `  y-axis ${quoted('% of the largest value')} 0 --> 100`,
    `  bar [${percent(front.map((e) => e.objective.median)).join(', ')}]`,
    `  line [${percent(front.map((e) => e.cost?.median ?? 0)).join(', ')}]`,
    '```',
  ].join('\n');
}

function recommendationLines(
  recommendation: Recommended,
  analysis: SweepAnalysis,
  style: Style,
): string[] {
  const { names } = analysis;
  const set = recommendation.changes.map(([name, , to]) => `${name}=${to}`).join(', ');
  const was = recommendation.changes.map(([name, from]) => `${name}=${from}`).join(', ');
  const headline =
    recommendation.changes.length === 0
      ? `keep the baseline (${pointLabel(analysis.baseline.point.knobs, names)}): no measured configuration is significantly better in the same run`
      : `set ${set} (baseline: ${was})`;
  const ties = recommendation.ties.map((e) => pointLabel(e.point.knobs, names));
  const comparison = recommendation.comparison;
  const table = comparison && comparisonTable(comparison.metrics);
  const targets = recommendation.targets;
  return [
    style.escape(headline),
    ...(ties.length > 0
      ? [
          '',
          `tied with it (objective not significantly different): ${style.escape(ties.join('; '))}`,
        ]
      : []),
    ...(table
      ? [
          '',
          'expected change against the baseline:',
          '',
          style.layout({
            columns: table.columns.map((c) => (c === 'candidate' ? 'recommended' : c)),
            align: table.align,
            rows: table.rows.map((row) => row.cells),
          }),
          ...(comparison?.notes ?? []).map((note) => `note: ${style.escape(note)}`),
        ]
      : []),
    '',
    ...(targets.length > 0
      ? [style.layout(analysisGrid(targets, style.status)), '', achievementLine(targets)]
      : ['targets: none configured']),
  ];
}

function noneLines(analysis: SweepAnalysis, style: Style): string[] {
  const closest =
    analysis.recommendation.kind === 'none' ? analysis.recommendation.closest : undefined;
  if (!closest) return ['no configuration meets the constraints'];
  return [
    'no configuration meets the constraints',
    '',
    style.escape(
      `closest: ${pointLabel(closest.point.knobs, analysis.names)}, which misses ${closest.failures.map(failureText).join('; ')}`,
    ),
  ];
}

export function renderSweep(analysis: SweepAnalysis, format: SweepFormat): string {
  const style = STYLES[format];
  const { recommendation, evaluations, front } = analysis;
  const more = evaluations.length - Math.min(evaluations.length, TOP_ROWS);
  const tied = analysis.ranking.ranked.some((r) => r.rank === '=1');
  return [
    style.heading('Recommendation'),
    '',
    ...(recommendation.kind === 'set'
      ? recommendationLines(recommendation, analysis, style)
      : noneLines(analysis, style)),
    '',
    style.heading(`Top configurations (${evaluations.length} measured)`),
    '',
    style.layout(topGrid(analysis, style)),
    ...(more > 0 ? ['', `${more} more in the sweep file`] : []),
    ...(tied
      ? ['', `rank =1: tied with the best (Mann-Whitney p ≥ alpha on the objective's trials)`]
      : []),
    // Points of a sweep run at different times: the machine drifts between them.
    '',
    `(raw): medians measured at different times, not comparable between points; ranks use the "${VS_REFERENCE}" column`,
    ...analysis.ranking.notes.map((note) => `note: ${style.escape(note)}`),
    ...(front.length > 0
      ? [
          '',
          style.heading('Pareto front'),
          '',
          style.layout(frontGrid(analysis, style)),
          ...(format === 'markdown' ? ['', paretoChart(analysis)] : []),
        ]
      : []),
    '',
  ].join('\n');
}
