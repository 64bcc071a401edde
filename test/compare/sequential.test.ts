import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import type { MetricComparison } from '../../src/compare/comparison.js';
import {
  lookSchedule,
  regressionReach,
  sequentialComparison,
  sequentialLook,
  type SequentialLook,
} from '../../src/compare/sequential.js';
import { boundaryFor, sequentialPValue } from '../../src/stats/groupSequential.js';
import { logNormalNoise } from '../../benchmarks/detection/noise.js';
import { simResults } from '../../benchmarks/detection/results.js';
import { around, results } from '../helpers/results.js';

// Without the futility stop, except where a test says otherwise.
const design = { min: 4, max: 12, block: 2, futility: 0 };

describe('lookSchedule', () => {
  it('looks at min, every block after it, and always at max', () => {
    expect(lookSchedule(design)).toEqual([4, 6, 8, 10, 12]);
    expect(lookSchedule({ ...design, max: 9 })).toEqual([4, 6, 8, 9]);
    expect(() => lookSchedule({ ...design, futility: 1 })).toThrow(/futility must be in \[0, 1\)/);
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
    // At max, not significant is unchanged only where the design saw the threshold: at ±20 %
    // noise 4 trials see nothing like 5 %, so the metric is not seen, with what would see it.
    const last = sequentialLook(base, head, { design: { ...design, max: 4 }, trials: 4 });
    expect(last.stop).toBe(true);
    expect(last.decisions[0]?.decision).toBe('unseen');
    expect(last.decisions[0]?.reason).toMatch(
      /^not seen: not significant at the maximum, after 4 trials, which see ≥ \d+ %, its threshold 5 %; max: \d+ would see it$/,
    );
    expect(sequentialComparison(last, { ...design, max: 4 }).metrics[0]?.verdict).toBe('unseen');
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

describe('the futility stop', () => {
  const futile = { ...design, futility: 0.1 };

  it('stops a metric that even max trials could not see as not seen, never as unchanged', () => {
    // ±20 % jitter: at 12 trials a +5 % regression moves the z by about 0.4, far from the 2.4 a
    // lone metric needs: more trials would not help, and stopping proves nothing.
    const base = results([{ name: 'latency', samples: around(100, 4, 0.2) }]);
    const head = results([{ name: 'latency', samples: around(101, 4, 0.2) }]);
    const look = sequentialLook(base, head, { design: futile, trials: 4 });
    expect(look.stop).toBe(true);
    expect(look.decisions[0]?.decision).toBe('unseen');
    expect(look.decisions[0]?.reason).toMatch(
      /^not seen: at this noise even 12 trials per side see \d+ %, its threshold 5 % \(stopped after 4\); max: \d+ would see it$/,
    );
    const shown = sequentialComparison(look, futile);
    expect(shown.metrics[0]?.verdict).toBe('unseen');
    expect(shown.notes[0]).toBe(
      'sequential trials: stopped after 4 of at most 12 trials per side, every gating metric decided or, for 1 metric, not seen even by the maximum',
    );
  });

  it('stops a metric whose regression is out of reach of a design that sees it, as unchanged', () => {
    // −4 % at ±2 %: not significant at look 4 of 12, its interval not inside ±5 %, but trending
    // away from a regression, which 12 trials at this noise would see.
    const base = results([{ name: 'latency', samples: around(100, 4, 0.02) }]);
    const head = results([{ name: 'latency', samples: around(96, 4, 0.02) }]);
    const look = sequentialLook(base, head, { design: futile, trials: 4 });
    expect(look.stop).toBe(true);
    expect(look.decisions[0]?.decision).toBe('futile');
    expect(look.decisions[0]?.reason).toMatch(
      /^no regression in reach: −4(\.\d+)? % after 4 trials; were it \+5 % from here on, a significant regression by 12 trials would have a \d+(\.\d+)? % chance$/,
    );
    const shown = sequentialComparison(look, futile);
    expect(shown.metrics[0]?.verdict).toBe('unchanged');
    expect(shown.notes[0]).toBe(
      'sequential trials: stopped after 4 of at most 12 trials per side, every gating metric decided or, for 1 metric, no regression in reach',
    );
  });

  it('keeps a metric trending towards a regression going, and judges blindness afresh at each look', () => {
    // +4 % at ±2 %: not yet beyond 5 %, nor inside it, and well within reach of a regression.
    const base = results([{ name: 'latency', samples: around(100, 4, 0.02) }]);
    const head = results([{ name: 'latency', samples: around(104, 4, 0.02) }]);
    const look = sequentialLook(base, head, { design: futile, trials: 4 });
    expect(look.decisions[0]?.decision).toBe('undecided');
    expect(look.stop).toBe(false);
    // Not seen at one look, in reach at the next: the earlier answer does not stand.
    const noisy = (centre: number, n: number) =>
      results([{ name: 'latency', samples: around(centre, n, 0.2) }]);
    const first = sequentialLook(noisy(100, 4), noisy(101, 4), { design: futile, trials: 4 });
    expect(first.decisions[0]?.decision).toBe('unseen');
    const next = sequentialLook(
      base,
      results([{ name: 'latency', samples: around(104, 6, 0.02) }]),
      {
        design: futile,
        trials: 6,
        previous: first,
      },
    );
    expect(next.decisions[0]?.decision).not.toBe('unseen');
  });

  it('has no say at max, for a zero baseline, below 4 trials a side, or with futility 0', () => {
    const base = results([{ name: 'latency', samples: around(100, 4, 0.2) }]);
    const head = results([{ name: 'latency', samples: around(101, 4, 0.2) }]);
    expect(sequentialLook(base, head, { design, trials: 4 }).decisions[0]?.decision).toBe(
      'undecided',
    );
    // 3 trials a side: a MAD of 3 values is no spread to judge reach by.
    const three = (centre: number) =>
      results([{ name: 'latency', samples: around(centre, 3, 0.2) }]);
    const early = sequentialLook(three(100), three(101), {
      design: { ...futile, min: 3 },
      trials: 3,
    });
    expect(early.decisions[0]?.decision).toBe('undecided');
    const errors = (samples: number[]) => results([{ name: 'error_rate', samples }]);
    const zeroBase = sequentialLook(errors([0, 0, 0, 0]), errors([0, 0, 0.01, 0.02]), {
      design: futile,
      trials: 4,
    });
    expect(zeroBase.decisions[0]?.decision).toBe('undecided');
  });

  // Seeded simulation: one metric at CV 10 % that regressed by exactly its 5 % threshold, looked
  // at after 8 of 24 trials per side. The conditional power is the chance of a regression at max
  // were the change the threshold's, so here it must predict what the remaining 16 trials do; and
  // of the runs the 10 % floor stops, fewer than 10 % would have been flagged at max.
  it('predicts the outcome at max when the change is the threshold, and stops few that would be flagged', () => {
    const plan = { min: 4, max: 24, block: 2, futility: 0.1 };
    const times = lookSchedule(plan).map((n) => n / plan.max);
    const reach = {
      t: 8 / 24,
      max: 24,
      floor: 0.1,
      boundary: boundaryFor(0.05, times),
      level: 0.05,
    };
    const noise = logNormalNoise(0.1, 3);
    const draws = 500;
    let predicted = 0;
    let flagged = 0;
    let stopped = 0;
    let stoppedButFlagged = 0;
    for (let i = 0; i < draws; i++) {
      const base = [noise.trials(24, 0)];
      const head = [noise.trials(24, 0.05)];
      const cut = (side: number[][]) => simResults(side.map((s) => s.slice(0, 8)));
      const early = compareResults(cut(base), cut(head)).metrics[0] as MetricComparison;
      const power = regressionReach(early, reach) as number;
      const last = compareResults(simResults(base), simResults(head))
        .metrics[0] as MetricComparison;
      const hit =
        sequentialPValue(last.p as number, 1, times) <= 0.05 && (last.shift as number) > 0;
      predicted += power;
      if (hit) flagged++;
      if (power < reach.floor) {
        stopped++;
        if (hit) stoppedButFlagged++;
      }
    }
    expect(flagged / draws).toBeGreaterThan(0.2);
    expect(Math.abs(predicted / draws - flagged / draws)).toBeLessThan(0.05);
    expect(stopped).toBeGreaterThan(50);
    expect(stoppedButFlagged / stopped).toBeLessThan(0.1);
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
