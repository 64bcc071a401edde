import { describe, expect, it } from 'vitest';
import type { Drift } from '../../src/compare/drift.js';
import { trackingIssueBody, trackingIssueTitle, trendChart } from '../../src/report/nightly.js';

const series = {
  key: 'api/latency_p95',
  suite: 'api',
  metric: 'latency_p95',
  unit: 'ms',
  direction: 'lower' as const,
  informational: false,
  points: [
    {
      commit: 'aaaaaaaaaa',
      createdAt: '2026-11-01T02:00:00Z',
      value: 100,
      q1: 99,
      q3: 101,
      run: 0,
    },
    {
      commit: 'bbbbbbbbbb',
      createdAt: '2026-11-02T02:00:00Z',
      value: 101.234567,
      q1: 100,
      q3: 102,
      run: 1,
    },
    { createdAt: '2026-11-03T02:00:00Z', value: 120, q1: 119, q3: 121, run: 2 },
  ],
};

describe('nightly report', () => {
  it('draws a Mermaid xychart with short commits (or dates) and 4-digit values', () => {
    expect(trendChart(series)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "api latency_p95"',
        '  x-axis ["aaaaaaa", "bbbbbbb", "2026-11-03"]',
        '  y-axis "ms" 0 --> 132',
        '  line [100, 101.2, 120]',
        '```',
      ].join('\n'),
    );
  });

  it('links the suspect commit range and states the change', () => {
    const drift: Drift = {
      series,
      changePoint: { index: 2, pValue: 0.01, before: 100.5, after: 120, relativeChange: 0.194 },
      lastGood: series.points[1]!,
      firstBad: { ...series.points[2]!, commit: 'cccccccccc' },
    };
    expect(trackingIssueTitle(drift)).toBe('perfgate: api latency_p95 regressed +19.4 %');
    const body = trackingIssueBody(drift, 'https://github.com/o/r');
    expect(body).toContain(
      '[bbbbbbb…ccccccc](https://github.com/o/r/compare/bbbbbbbbbb...cccccccccc)',
    );
    expect(body).toContain('101 ms → 120 ms (+19.4 %)');
  });

  it('names the target of a target metric, which drifts whichever way it moves away', () => {
    const util = {
      ...series,
      metric: 'gpu.util',
      unit: '%',
      direction: 'target' as const,
      target: 85,
    };
    const drift: Drift = {
      series: util,
      changePoint: { index: 2, pValue: 0.01, before: 84, after: 98, relativeChange: 0.1667 },
      lastGood: util.points[1]!,
      firstBad: util.points[2]!,
    };
    expect(trackingIssueBody(drift)).toContain(
      '**api gpu.util: 84.0 % → 98.0 % (+16.7 %, target 85.0 %)**',
    );
  });
});
