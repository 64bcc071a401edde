// Builders for results values in tests: plain data, no files.
import type { Direction, Results } from '../../src/results/schema.js';

export interface MetricSpec {
  suite?: string;
  name: string;
  unit?: string;
  direction?: Direction;
  target?: number;
  informational?: boolean;
  samples: number[];
}

export function results(metrics: MetricSpec[]): Results {
  const suites = new Map<string, Results['suites'][number]>();
  for (const m of metrics) {
    const suiteName = m.suite ?? 'api';
    const suite = suites.get(suiteName) ?? { name: suiteName, metrics: [] };
    suite.metrics.push({
      name: m.name,
      unit: m.unit ?? 'ms',
      direction: m.direction ?? 'lower',
      ...(m.target !== undefined ? { target: m.target } : {}),
      ...(m.informational ? { informational: true } : {}),
      samples: m.samples,
    });
    suites.set(suiteName, suite);
  }
  return {
    schema: 'perfgate/results@1',
    createdAt: '2026-11-27T09:00:00Z',
    suites: [...suites.values()],
  };
}

/** n values spread evenly around `center` with ±`spread` relative jitter, deterministic. */
export function around(center: number, n: number, spread = 0.01): number[] {
  return Array.from(
    { length: n },
    (_, i) => center * (1 + spread * ((2 * i) / Math.max(1, n - 1) - 1)),
  );
}
