/** Machine-readable comparison, for other tools and the action's outputs. */
import type { Comparison } from '../compare/compare.js';

export type OverallVerdict = 'regression' | 'improvement' | 'unchanged' | 'insufficient';

/**
 * One word for the whole comparison. `insufficient` when no gating metric could be tested (too
 * few trials, or measured on one side only): such a comparison passed nothing and must not read
 * as `unchanged`.
 */
export function overallVerdict(comparison: Comparison): OverallVerdict {
  if (comparison.counts.regression > 0) return 'regression';
  if (comparison.counts.improvement > 0) return 'improvement';
  const tested = comparison.metrics.some((m) => !m.informational && m.verdict !== 'insufficient');
  return tested ? 'unchanged' : 'insufficient';
}

/** The comparison as JSON values, for a command that adds fields of its own (validate). */
export function comparisonJson(comparison: Comparison): { verdict: OverallVerdict } & Comparison {
  return { verdict: overallVerdict(comparison), ...comparison };
}

export function renderComparisonJson(comparison: Comparison): string {
  return `${JSON.stringify(comparisonJson(comparison), null, 2)}\n`;
}
