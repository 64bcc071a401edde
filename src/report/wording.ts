/** The summary lines of a comparison, worded once for every renderer (markdown, text). */
import type { Comparison } from '../compare/comparison.js';
import { unseenMetrics } from '../compare/verdict.js';
import { formatChange } from './format.js';

/** "0 regressed, 1 improved, 3 unchanged, 7 not seen" */
export function verdictCounts(comparison: Comparison): string {
  const { regression, improvement, unchanged, unseen, insufficient } = comparison.counts;
  return [
    `${regression} regressed`,
    `${improvement} improved`,
    `${unchanged} unchanged`,
    ...(unseen > 0 ? [`${unseen} not seen`] : []),
    ...(insufficient > 0 ? [`${insufficient} insufficient`] : []),
  ].join(', ');
}

/** "7 of 10 metrics", "1 metric": the unseen share of the gating metrics that were tested. */
export function unseenShare(comparison: Comparison): string {
  const unseen = unseenMetrics(comparison).length;
  const tested = comparison.metrics.filter(
    (m) => !m.informational && m.verdict !== 'insufficient',
  ).length;
  return unseen === tested
    ? `${unseen === 1 ? 'the only metric' : `all ${unseen} metrics`}`
    : `${unseen} of ${tested} metrics`;
}

/**
 * benchstat's geomean line, direction-aware: "−3.10 % (negative is better)", and where no gating
 * metric changed significantly, said to be noise, so an A/A run's −16 % does not read as a gain.
 */
export function geomeanText(comparison: Comparison): string | undefined {
  if (comparison.geomeanChange === null) return undefined;
  const change = formatChange(comparison.geomeanChange);
  const significant = comparison.metrics.some((m) => !m.informational && m.significant);
  const reading = significant ? 'negative is better' : 'noise: no metric changed significantly';
  return `geometric mean of the cost ratio (throughput inverted): ${change} (${reading})`;
}
