// Ranking with ties, and the Pareto front: synthetic samples, no process runs.
import { describe, expect, it } from 'vitest';
import { evaluatePoint } from '../../src/sweep/evaluate.js';
import { paretoFront, rankPoints } from '../../src/sweep/rank.js';
import { measured, sweepConfig } from './points.js';

const { sweep } = sweepConfig(`  knobs: { B: [1, 2, 4, 8] }
  objective: { maximize: api/work/requests_per_second }
  constraints: [{ metric: api/work/latency_p95, max: 50 }]
`);
// Every point measured beside a reference of 1,000 req/s in each trial: paired changes are the
// samples over 1,000, so the p-values are those of the samples themselves.
const reference = measured(sweep, { B: '1' }, [1000, 1000, 1000, 1000, 1000], 10);
const evaluate = (b: string, rps: number | number[], p95 = 10) =>
  evaluatePoint(measured(sweep, { B: b }, rps, p95, reference), sweep);

describe('rankPoints', () => {
  it('reports points indistinguishable from the best as ties, not ranked by noise', () => {
    // B=2 and B=4 overlap (medians 1010 and 1000, interleaved samples): p is far above 0.05.
    // B=1 sits below both in every trial: 5 vs 5 trials all apart give p = 2/252 ≈ 0.008.
    const ranking = rankPoints(
      [
        evaluate('1', [500, 510, 520, 530, 540]),
        evaluate('2', [990, 1005, 1010, 1020, 1030]),
        evaluate('4', [980, 995, 1000, 1015, 1025]),
      ],
      0.05,
    );
    expect(ranking.ranked.map((r) => [r.evaluation.point.knobs.B, r.rank])).toEqual([
      ['2', '=1'],
      ['4', '=1'],
      ['1', '3'],
    ]);
    expect(ranking.ranked[1]?.p).toBeGreaterThan(0.5);
    expect(ranking.ranked[2]?.p).toBeCloseTo(2 / 252, 6);
  });

  it('gives a clear winner rank 1, and leaves infeasible points out of the ranking', () => {
    const ranking = rankPoints(
      [
        evaluate('1', [500, 510, 520, 530, 540]),
        evaluate('2', [900, 905, 910, 915, 920]),
        evaluate('8', [5000, 5001, 5002, 5003, 5004], 80),
      ],
      0.05,
    );
    expect(ranking.ranked.map((r) => r.rank)).toEqual(['1', '2']);
    expect(ranking.infeasible.map((e) => e.point.knobs.B)).toEqual(['8']);
  });

  it('says when the trials are too few for any point to beat another', () => {
    // n = m = 3, two-sided: the smallest possible p is 2/20 = 0.1 ≥ 0.05.
    const ranking = rankPoints([evaluate('1', [1, 2, 3]), evaluate('2', [10, 11, 12])], 0.05);
    expect(ranking.ranked.map((r) => r.rank)).toEqual(['=1', '=1']);
    expect(ranking.notes[0]).toMatch(/3 trials per point can never reach p < 0\.05.*at least 4/);
  });
});

describe('paretoFront', () => {
  const points = [
    { name: 'a', rps: 100, p95: 5 },
    { name: 'b', rps: 300, p95: 9 },
    { name: 'c', rps: 200, p95: 12 }, // dominated by b: slower and higher latency
    { name: 'd', rps: 500, p95: 30 },
    { name: 'e', rps: 100, p95: 6 }, // dominated by a: same throughput, higher latency
    { name: 'f', rps: 500, p95: 30 }, // equal to d: ties are not dominance
  ];
  it('keeps the points no other beats on both axes, ordered by cost', () => {
    const front = paretoFront(
      points,
      (p) => p.rps,
      (p) => p.p95,
    );
    expect(front.map((p) => p.name)).toEqual(['a', 'b', 'd', 'f']);
  });
});
