/**
 * The PR gate's report: the comparison, or, with no baseline yet, this run's numbers and how to
 * get one. One markdown body for the action's sticky comment and `perfgate check --format
 * markdown`, so a user sees locally what the pull request would show; the text and JSON forms of
 * `perfgate check` beside it.
 */
import type { Comparison } from '../compare/comparison.js';
import type { Environment, Results } from '../results/schema.js';
import { escapeMarkdown, escapeTerminal } from './escape.js';
import { layoutMarkdown, layoutText } from './grid.js';
import { comparisonJson } from './json.js';
import { renderComparisonMarkdown } from './markdown.js';
import { resultsTable } from './table.js';
import { renderComparisonText } from './text.js';

/** What the gate found (pipeline/gate.ts GateOutcome has this shape). */
export interface GateReportInput {
  results: Results;
  comparison?: Comparison;
  baseLabel: string;
  baseEnvironment?: Environment;
  context: readonly string[];
  warnings: readonly string[];
}

export interface GateReportOptions {
  /** The hidden first line that finds the comment again (github/marker.ts). */
  marker: string;
  /** The report's name: the action's `name` input. */
  title: string;
  headLabel: string;
}

const HOW_TO_BASELINE =
  'Record runs of the default branch (the action with `mode: record` on pushes, or `perfgate record`) so pull requests have a baseline, or measure the base revision beside the head (`baseline: interleaved`).';

/** The same advice in the command line's words: the terminal report is `perfgate check`'s. */
const CLI_HOW_TO_BASELINE =
  'to get one: run `perfgate record --store DIR` on the default branch (the branch named above), or measure the base revision beside the head (--baseline interleaved)';

export function renderGateMarkdown(outcome: GateReportInput, options: GateReportOptions): string {
  if (!outcome.comparison) {
    // Notes quote the head's environment, which a fork controls: escaped.
    const notes = [...outcome.warnings, ...outcome.context].map(escapeMarkdown).join(' ');
    return [
      options.marker,
      `### ${escapeMarkdown(options.title)}`,
      '',
      `⚪ **No baseline to compare with.** ${notes} ${HOW_TO_BASELINE}`,
      '',
      '<details><summary>This run</summary>',
      '',
      layoutMarkdown(resultsTable(outcome.results)),
      '',
      '</details>',
      '',
    ].join('\n');
  }
  return renderComparisonMarkdown(outcome.comparison, {
    marker: options.marker,
    title: options.title,
    baseLabel: outcome.baseLabel,
    headLabel: options.headLabel,
    environments: { base: outcome.baseEnvironment, head: outcome.results.environment },
    context: [...outcome.context],
  });
}

/** The gate's report for a terminal: the comparison (or this run's numbers), then its notes. */
export function renderGateText(outcome: GateReportInput): string {
  const notes = [...outcome.warnings, ...outcome.context]
    .map((n) => `note: ${escapeTerminal(n)}\n`)
    .join('');
  if (!outcome.comparison) {
    return `${layoutText(resultsTable(outcome.results))}\n\nno baseline to compare with\n${notes}${CLI_HOW_TO_BASELINE}\n`;
  }
  return `baseline: ${escapeTerminal(outcome.baseLabel)}\n\n${renderComparisonText(outcome.comparison)}${notes}`;
}

/** The gate's report for other tools: the comparison with its verdict, or `no-baseline`. */
export function renderGateJson(outcome: GateReportInput): string {
  const body = outcome.comparison
    ? { ...comparisonJson(outcome.comparison), baseLabel: outcome.baseLabel }
    : { verdict: 'no-baseline', results: outcome.results };
  const context = [...outcome.warnings, ...outcome.context];
  return `${JSON.stringify({ ...body, context }, null, 2)}\n`;
}
