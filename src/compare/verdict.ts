/**
 * One word for a whole comparison, and whether the gate fails it: core decisions, so every face
 * (the CLI's exit code, the action's `verdict` output and failure, the headline) takes them from
 * here. Pure.
 */
import type { Comparison, MetricComparison } from './comparison.js';

/**
 * - `regression`: some gating metric is worse (significant and beyond its threshold);
 * - `insufficient`: no gating metric could be tested at all (measured on one side only, too few
 *   trials to ever reach alpha, too few stored runs), so nothing was compared;
 * - `unseen`: no regression found, but some gating metric could not be seen at this noise (its
 *   design does not detect its threshold): not a pass, whatever else improved;
 * - `improvement`: every gating metric seen, none worse, some better;
 * - `unchanged`: every gating metric seen, none changed beyond its threshold.
 */
export type OverallVerdict = 'regression' | 'insufficient' | 'unseen' | 'improvement' | 'unchanged';

const gating = (comparison: Comparison): MetricComparison[] =>
  comparison.metrics.filter((m) => !m.informational);

export function overallVerdict(comparison: Comparison): OverallVerdict {
  const { counts } = comparison;
  if (counts.regression > 0) return 'regression';
  if (comparison.tested === 0) return 'insufficient';
  if (counts.unseen > 0) return 'unseen';
  return counts.improvement > 0 ? 'improvement' : 'unchanged';
}

/** The gating metrics that could not be seen (tested, but blind to their threshold). */
export function unseenMetrics(comparison: Comparison): MetricComparison[] {
  return gating(comparison).filter((m) => m.verdict === 'unseen');
}

/**
 * Why the gate fails this comparison under its policy's `failOn`; empty when it passes. By
 * default only a regression fails: a runner too noisy to see a threshold is not the pull
 * request's fault, and the report says it loudly instead (🟡, never 🟢). Teams that want
 * blindness to block a merge set `failOn: regression-or-unseen`.
 */
export function gateFailures(comparison: Comparison): string[] {
  const regressed = comparison.metrics.filter((m) => m.verdict === 'regression');
  const failures =
    regressed.length > 0
      ? [`${regressed.length} metric(s) regressed: ${regressed.map((m) => m.key).join(', ')}`]
      : [];
  if (comparison.policy.failOn !== 'regression-or-unseen') return failures;
  const verdict = overallVerdict(comparison);
  if (verdict === 'insufficient')
    return [...failures, 'nothing could be tested (fail-on: regression-or-unseen)'];
  const unseen = unseenMetrics(comparison);
  return unseen.length > 0
    ? [
        ...failures,
        `${unseen.length} metric(s) not seen (fail-on: regression-or-unseen): ${unseen.map((m) => m.key).join(', ')}`,
      ]
    : failures;
}
