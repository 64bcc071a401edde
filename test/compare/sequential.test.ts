import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import { lookSchedule, sequentialLook, type SequentialLook } from '../../src/compare/sequential.js';
import { logNormalNoise } from '../../benchmarks/detection/noise.js';
import { simResults } from '../../benchmarks/detection/results.js';
import { around, results } from '../helpers/results.js';

const design = { min: 4, max: 12, block: 2 };

describe('lookSchedule', () => {
  it('looks at min, every block after it, and always at max', () => {
    expect(lookSchedule(design)).toEqual([4, 6, 8, 10, 12]);
    expect(lookSchedule({ min: 4, max: 9, block: 2 })).toEqual([4, 6, 8, 9]);
  });

  it('refuses a look that was not planned', () => {
    const side = results([{ name: 'latency', samples: around(100, 5) }]);
    expect(() => sequentialLook(side, side, { design, trials: 5 })).toThrow(/not a planned look/);
  });
});

describe('sequentialLook', () => {
  it('stops a quiet metric as unchanged once its 90 % interval is inside ±threshold', () => {
    // ±0.1 % jitter: every pairwise difference is within ±0.2 % of the median, far inside ±5 %.
    const base = results([{ name: 'latency', samples: around(100, 4, 0.001) }]);
    const head = results([{ name: 'latency', samples: around(100, 4, 0.001) }]);
    const look = sequentialLook(base, head, { design, trials: 4 });
    expect(look.stop).toBe(true);
    expect(look.decisions[0]?.decision).toBe('unchanged');
    expect(look.decisions[0]?.reason).toMatch(/^unchanged: ±0\.\d+ % inside ±5 % after 4 trials$/);
  });

  it('decides a metric that stayed 0 on both sides (an error rate) as unchanged, not at max', () => {
    const zeros = [0, 0, 0, 0];
    const base = results([{ name: 'error_rate', samples: zeros }]);
    const head = results([{ name: 'error_rate', samples: zeros }]);
    const look = sequentialLook(base, head, { design, trials: 4 });
    expect(look.stop).toBe(true);
    expect(look.decisions[0]?.reason).toMatch(/^unchanged: 0 \S* on both sides after 4 trials$/);

    // One error on one side: from a baseline of 0 any move counts, so it is not decided yet.
    const some = results([{ name: 'error_rate', samples: [0, 0, 0.01, 0.02] }]);
    const early = sequentialLook(base, some, { design, trials: 4 });
    expect(early.stop).toBe(false);
    expect(early.decisions[0]?.reason).toMatch(
      /^undecided: interval 0 to 0\.0\d+ .* from a baseline of 0 after 4 trials$/,
    );
  });

  it('keeps a noisy metric undecided before max and falls back to the fixed rule at max', () => {
    // ±20 % jitter: the interval reaches far past ±5 %, and 4 vs 4 trials cannot be significant.
    const base = results([{ name: 'latency', samples: around(100, 4, 0.2) }]);
    const head = results([{ name: 'latency', samples: around(101, 4, 0.2) }]);
    const early = sequentialLook(base, head, { design, trials: 4 });
    expect(early.stop).toBe(false);
    expect(early.decisions[0]?.decision).toBe('undecided');
    expect(early.decisions[0]?.reason).toMatch(
      /^undecided: interval .* reaches past ±5 % after 4 trials$/,
    );
    const last = sequentialLook(base, head, { design: { ...design, max: 4 }, trials: 4 });
    expect(last.stop).toBe(true);
    expect(last.decisions[0]?.reason).toBe(
      'unchanged: not significant at the maximum, after 4 trials',
    );
  });

  it('needs more evidence at an early look than the fixed test, and keeps a decision once made', () => {
    // 8 vs 8 completely separated, +15 %: exact p = 2 / C(16, 8) = 1.55e-4, z = 3.78. At look 8 of
    // 12 the boundary asks |Z| ≥ c / √(8/12) ≈ 2.04 × 1.22 = 2.5 for a lone metric: significant.
    const base = results([{ name: 'latency', samples: around(100, 8) }]);
    const head = results([{ name: 'latency', samples: around(115, 8) }]);
    const look = sequentialLook(base, head, { design, trials: 8 });
    const [d] = look.decisions;
    expect(d?.decision).toBe('regression');
    expect(d?.reason).toBe('regression: +15 % beyond ±5 %, significant after 8 trials');
    expect(d?.pSequential).toBeGreaterThan(look.comparison.metrics[0]?.p as number);
    // A later look whose data alone would not decide keeps the earlier decision.
    const later = sequentialLook(
      results([{ name: 'latency', samples: around(100, 10, 0.3) }]),
      results([{ name: 'latency', samples: around(100, 10, 0.3) }]),
      { design, trials: 10, previous: look },
    );
    expect(later.decisions[0]?.decision).toBe('regression');
    expect(later.decisions[0]?.decidedAt).toBe(8);
  });

  it('ignores informational metrics and stops only when every gating metric is decided', () => {
    const base = results([
      { name: 'quiet', samples: around(100, 6, 0.001) },
      { name: 'noisy', samples: around(100, 6, 0.2) },
      { name: 'host', informational: true, samples: around(10, 6, 0.5) },
    ]);
    const look = sequentialLook(base, base, { design, trials: 6 });
    expect(look.decisions.map((d) => [d.key, d.decision])).toEqual([
      ['api/quiet', 'unchanged'],
      ['api/noisy', 'undecided'],
    ]);
    expect(look.stop).toBe(false);
  });
});

describe('false alarms with looks (seeded simulation)', () => {
  // A/A PRs of 5 metrics at CV 5 % and threshold 0 (so that significance alone decides): the
  // sequential design looking at 4, 6, …, 12 must flag no more PRs than the fixed design at 12.
  // At alpha 0.2 the fixed rate is about 0.2 × (1 − discreteness), large enough to compare in
  // 300 PRs; the bound the method guarantees is alpha for both.
  it('flags at most as many A/A PRs as the fixed design', () => {
    const noise = logNormalNoise(0.05, 12);
    const policy = { alpha: 0.2, threshold: 0 };
    let fixed = 0;
    let sequential = 0;
    const prs = 300;
    for (let pr = 0; pr < prs; pr++) {
      const base = Array.from({ length: 5 }, () => noise.trials(12, 0));
      const head = Array.from({ length: 5 }, () => noise.trials(12, 0));
      const all = compareResults(simResults(base), simResults(head), policy);
      if (all.counts.regression + all.counts.improvement > 0) fixed++;
      let look: SequentialLook | undefined;
      for (const trials of lookSchedule(design)) {
        const cut = (side: number[][]) => simResults(side.map((s) => s.slice(0, trials)));
        look = sequentialLook(cut(base), cut(head), { design, trials, previous: look }, policy);
        if (look.stop) break;
      }
      if (
        look?.decisions.some((d) => d.decision === 'regression' || d.decision === 'improvement')
      ) {
        sequential++;
      }
    }
    expect(fixed / prs).toBeGreaterThan(0.1);
    expect(fixed / prs).toBeLessThan(0.25);
    expect(sequential).toBeLessThanOrEqual(fixed);
  });
});
