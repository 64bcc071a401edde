/**
 * The PR gate's report: the comparison, or, with no baseline yet, this run's numbers and how to
 * get one. One body for the action's sticky comment and `perfgate check --format markdown`, so a
 * user sees locally, byte for byte, what the pull request would show.
 */
import type { Comparison } from '../compare/compare.js';
import type { Environment, Results } from '../results/schema.js';
import { escapeMarkdown } from './escape.js';
import { layoutMarkdown } from './grid.js';
import { renderComparisonMarkdown } from './markdown.js';
import { resultsTable } from './table.js';

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
