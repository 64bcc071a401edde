/** Machine-readable comparison, for other tools and the action's outputs. */
import type { Comparison } from '../compare/compare.js';

export function overallVerdict(comparison: Comparison): 'regression' | 'improvement' | 'unchanged' {
  if (comparison.counts.regression > 0) return 'regression';
  if (comparison.counts.improvement > 0) return 'improvement';
  return 'unchanged';
}

export function renderComparisonJson(comparison: Comparison): string {
  return `${JSON.stringify({ verdict: overallVerdict(comparison), ...comparison }, null, 2)}\n`;
}
