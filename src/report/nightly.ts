/**
 * The nightly report: a trend chart per drifted metric (Mermaid `xychart-beta`, which GitHub
 * renders in issues, comments and job summaries) and the tracking issue's body.
 */
import type { Drift, MetricSeries } from '../compare/drift.js';
import { escapeMarkdown } from './escape.js';
import { shortRevision } from '../text.js';
import { formatChange, formatValue } from './format.js';

/** Mermaid labels are double-quoted strings: keep them free of quotes and brackets. */
const mermaidLabel = (text: string) => `"${text.replace(/["[\]\\]/g, '')}"`;

export function trendChart(series: MetricSeries, lastPoints = 30): string {
  const points = series.points.slice(-lastPoints);
  const values = points.map((p) => +p.value.toPrecision(4));
  const top = Math.max(...values) * 1.1;
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${mermaidLabel(`${series.suite} ${series.metric}`)}`,
    `  x-axis [${points.map((p) => mermaidLabel(shortRevision(p.commit, p.createdAt))).join(', ')}]`,
    `  y-axis ${mermaidLabel(series.unit || 'value')} 0 --> ${+top.toPrecision(3)}`,
    `  line [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

function driftHeadline(drift: Drift): string {
  const { series, changePoint } = drift;
  // A target metric drifts by moving away from its target, whichever way: say which target.
  const target =
    series.target === undefined ? '' : `, target ${formatValue(series.target, series.unit)}`;
  return (
    `${series.suite} ${series.metric}: ${formatValue(changePoint.before, series.unit)} → ` +
    `${formatValue(changePoint.after, series.unit)} (${formatChange(changePoint.relativeChange)}${target})`
  );
}

export function trackingIssueTitle(drift: Drift): string {
  return `perfgate: ${drift.series.suite} ${drift.series.metric} regressed ${formatChange(drift.changePoint.relativeChange)}`;
}

export function trackingIssueBody(drift: Drift, repoUrl?: string): string {
  const { lastGood, firstBad, changePoint } = drift;
  const good = shortRevision(lastGood.commit, lastGood.createdAt);
  const bad = shortRevision(firstBad.commit, firstBad.createdAt);
  const range =
    repoUrl && lastGood.commit && firstBad.commit
      ? `[${good}…${bad}](${repoUrl}/compare/${lastGood.commit}...${firstBad.commit})`
      : `${good}…${bad}`;
  return [
    `**${escapeMarkdown(driftHeadline(drift))}**`,
    '',
    `First suspect commit range: ${range} (last good run ${lastGood.createdAt}, first bad run ${firstBad.createdAt}).`,
    `Change point found by E-divisive means with a permutation test (p = ${changePoint.pValue.toFixed(3)}).`,
    ...bisectHint(drift),
    '',
    trendChart(drift.series),
    '',
    'perfgate updates this issue on each nightly run while the regression lasts; close it once fixed.',
  ].join('\n');
}

/**
 * How to find the commit: the bisect workflow with the range filled in (docs/bisect.md). The
 * metric goes in only when it needs no quoting, since the line is meant to be pasted into a shell.
 */
function bisectHint({ lastGood, firstBad, series }: Drift): string[] {
  const sha = /^[0-9a-f]{7,64}$/;
  if (!sha.test(lastGood.commit ?? '') || !sha.test(firstBad.commit ?? '')) return [];
  const metric = /^[A-Za-z0-9_.#/-]+$/.test(series.key) ? ` -f metric=${series.key}` : '';
  return [
    '',
    "Find the commit that did it: run the bisect workflow (perf-bisect.yml) on this range, with this issue's number:",
    '',
    '```sh',
    `gh workflow run perf-bisect.yml -f good=${lastGood.commit ?? ''} -f bad=${firstBad.commit ?? ''}${metric} -f issue=<this issue's number>`,
    '```',
  ];
}

export function nightlySummary(
  drifts: readonly Drift[],
  metricsScanned: number,
  runs: number,
): string {
  if (drifts.length === 0) {
    return `🟢 **No drift**: ${metricsScanned} metrics over the last ${runs} runs show no regressing change point.\n`;
  }
  return [
    `🔴 **Drift in ${drifts.length} metric(s)** (of ${metricsScanned}, over the last ${runs} runs)`,
    '',
    ...drifts.flatMap((d) => [
      `#### ${escapeMarkdown(driftHeadline(d))}`,
      '',
      trendChart(d.series),
      '',
    ]),
  ].join('\n');
}
