import { describe, expect, it } from 'vitest';
import { findDrift, metricSeries } from '../../src/compare/drift.js';
import type { Results } from '../../src/results/schema.js';

/** Three trials around `value`. */
const around = (value: number) => [value * 0.99, value, value * 1.01];

/** A night's result: one suite with the given metrics. */
function night(day: number, suite: Results['suites'][number]): Results {
  return {
    schema: 'perfgate/results@1',
    createdAt: new Date(Date.UTC(2026, 10, day)).toISOString(),
    commit: `c${String(day).padStart(2, '0')}`,
    suites: [suite],
  };
}

/** A night's api run: one latency metric and one host-load context metric, around `value`. */
const apiNight = (day: number, value: number): Results =>
  night(day, {
    name: 'api',
    metrics: [
      { name: 'latency_p95', unit: 'ms', direction: 'lower', samples: around(value) },
      {
        name: 'host.background_cpu',
        unit: '%',
        direction: 'lower',
        informational: true,
        samples: around(value),
      },
    ],
  });

/** A night's GPU utilization, a metric with a target of 85 %, at `value` %. */
const gpuNight = (day: number, value: number): Results =>
  night(day, {
    name: 'infer',
    metrics: [
      { name: 'gpu.util', unit: '%', direction: 'target', target: 85, samples: around(value) },
    ],
  });

// Deterministic ±1.5 % wiggle: nights 1–15 around 100 ms, nights 16–30 around 112 ms.
const wiggle = (day: number) => 1 + 0.015 * Math.sin(day * 2.3);
const history = Array.from({ length: 30 }, (_, i) =>
  apiNight(i + 1, (i < 15 ? 100 : 112) * wiggle(i)),
);

describe('nightly drift', () => {
  it('builds one oldest-first series per gated metric, whatever order the store returns', () => {
    const series = metricSeries([...history].reverse());
    expect(series.map((s) => s.key)).toEqual(['api/latency_p95']);
    expect(series[0]?.points[0]?.commit).toBe('c01');
    expect(series[0]?.points).toHaveLength(30);
  });

  it('names the commit range of a planted +12 % shift', () => {
    const [drift] = findDrift(metricSeries(history));
    expect(drift?.changePoint.index).toBe(15);
    expect(drift?.lastGood.commit).toBe('c15');
    expect(drift?.firstBad.commit).toBe('c16');
    expect(drift?.changePoint.relativeChange).toBeGreaterThan(0.08);
  });

  it('stays quiet on an improvement and on a shift inside the threshold', () => {
    const faster = Array.from({ length: 30 }, (_, i) =>
      apiNight(i + 1, (i < 15 ? 100 : 88) * wiggle(i)),
    );
    const small = Array.from({ length: 30 }, (_, i) =>
      apiNight(i + 1, (i < 15 ? 100 : 103) * wiggle(i)),
    );
    expect(findDrift(metricSeries(faster))).toEqual([]);
    expect(findDrift(metricSeries(small))).toEqual([]);
  });

  it('gives context series only when asked, marked, for a chart rather than a verdict', () => {
    const all = metricSeries(history, { context: true });
    expect(all.map((s) => [s.key, s.informational])).toEqual([
      ['api/latency_p95', false],
      ['api/host.background_cpu', true],
    ]);
  });

  it('flags a target metric that moves away from its target, whichever way', () => {
    const nights = (before: number, after: number) =>
      metricSeries(
        Array.from({ length: 30 }, (_, i) =>
          gpuNight(i + 1, (i < 15 ? before : after) * wiggle(i)),
        ),
      );
    // 84 → 70 %: lower, and farther from 85 %.
    const [away] = findDrift(nights(84, 70));
    expect(away?.series).toMatchObject({ key: 'infer/gpu.util', target: 85 });
    expect(away?.firstBad.commit).toBe('c16');
    // 84 → 98 %: higher, and farther from 85 % all the same.
    expect(findDrift(nights(84, 98))).toHaveLength(1);
    // 70 → 84 %: towards the target, an improvement.
    expect(findDrift(nights(70, 84))).toEqual([]);
  });
});
