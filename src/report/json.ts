/** Machine-readable comparison, for other tools and the action's outputs. */
import type { Comparison } from '../compare/comparison.js';
import { overallVerdict, type OverallVerdict } from '../compare/verdict.js';

/** The comparison as JSON values, for a command that adds fields of its own (validate). */
export function comparisonJson(comparison: Comparison): { verdict: OverallVerdict } & Comparison {
  return { verdict: overallVerdict(comparison), ...comparison };
}

export function renderComparisonJson(comparison: Comparison): string {
  return `${JSON.stringify(comparisonJson(comparison), null, 2)}\n`;
}
