import { describe, expect, it } from 'vitest';
import { checkTargets, matchingMetrics, unmatchedTargets } from '../../src/compare/targets.js';
import { results } from '../helpers/results.js';

describe('checkTargets', () => {
  const run = results([
    { suite: 'api/embed', name: 'latency_p95', samples: [60, 58, 62] },
    {
      suite: 'api/embed',
      name: 'rps',
      direction: 'higher',
      unit: 'req/s',
      samples: [14_400, 14_300, 14_500],
    },
    { suite: 'cache', name: 'hit_rate', direction: 'higher', unit: '%', samples: [95, 96, 94] },
  ]);

  it('measures the gap and the change that would meet a missed maximum', () => {
    const [check] = checkTargets(run, [{ metric: 'api/*/latency_p95', max: 50, component: 'api' }]);
    // median 60 vs ≤ 50: 20 % past the bound; it must drop by 10/60 = 16.7 % to meet it.
    expect(check).toMatchObject({ value: 60, status: 'missed', component: 'api', bound: 50 });
    expect(check?.gap).toBeCloseTo(0.2, 12);
    expect(check?.potential).toBeCloseTo(-10 / 60, 12);
  });

  it('calls a miss within 5 % of the bound nearly met', () => {
    // 14,400 vs ≥ 15,000: 4 % short.
    const [check] = checkTargets(run, [{ metric: 'api/embed/rps', min: 15_000, component: 'api' }]);
    expect(check?.status).toBe('nearly met');
    expect(check?.bound).toBe(15_000);
    expect(check?.gap).toBeCloseTo(0.04, 12);
  });

  it('reports the headroom of a met target', () => {
    // 95 vs ≥ 90: it may fall by 5/95 = 5.26 % and still meet it.
    const [check] = checkTargets(run, [{ metric: 'cache/hit_rate', min: 90, component: 'cache' }]);
    expect(check?.status).toBe('met');
    expect(check).not.toHaveProperty('bound');
    expect(check?.potential).toBeCloseTo(-5 / 95, 12);
  });

  it('orders by component and names targets no metric matches', () => {
    const targets = [
      { metric: 'cache/*', min: 90, component: 'cache' as const },
      { metric: 'api/**', max: 1e9, component: 'api' as const },
      { metric: 'gpu/**', min: 85, component: 'gpu' as const },
    ];
    expect(checkTargets(run, targets).map((c) => c.component)).toEqual(['api', 'api', 'cache']);
    expect(unmatchedTargets(run, targets).map((t) => t.metric)).toEqual(['gpu/**']);
  });

  it('names the bound missed when a target has both', () => {
    const both = { metric: 'api/embed/latency_p95', component: 'api' as const };
    expect(checkTargets(run, [{ ...both, min: 70, max: 100 }])[0]?.bound).toBe(70);
    expect(checkTargets(run, [{ ...both, min: 10, max: 50 }])[0]?.bound).toBe(50);
  });

  it('skips metrics without samples, in checks and matches alike', () => {
    const failed = results([
      { suite: 'api/embed', name: 'latency_p95', samples: [] },
      { suite: 'api/embed', name: 'rps', direction: 'higher', samples: [100] },
    ]);
    expect(matchingMetrics(failed, 'api/**').map((m) => m.key)).toEqual(['api/embed/rps']);
    const target = { metric: 'api/*/latency_p95', max: 50, component: 'api' as const };
    expect(checkTargets(failed, [target])).toEqual([]);
    // Nothing to check it against: named, not silently met.
    expect(unmatchedTargets(failed, [target])).toEqual([target]);
  });
});
