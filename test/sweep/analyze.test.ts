// From measured points to the recommendation and its report: synthetic samples, no process runs.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { analyzeSweep } from '../../src/sweep/analyze.js';
import { renderSweep } from '../../src/sweep/report.js';
import { around } from '../helpers/results.js';
import { measured, sweepConfig } from './points.js';

const config = sweepConfig(
  `  knobs: { B: [4, 8, 16], T: [0, 1] }
  baseline: { B: 16, T: 0 }
  objective: { maximize: api/work/requests_per_second }
  constraints: [{ metric: 'api/*/latency_p95', max: 20 }]
`,
  `targets: [{ metric: api/work/requests_per_second, min: 800 }]\n`,
);
const { sweep } = config;
// Each point after the baseline measured beside it (the same baseline trials: a quiet machine).
const baseline = measured(sweep, { B: '16', T: '0' }, 300, 14);
const points = [
  baseline,
  measured(sweep, { B: '4', T: '0' }, 480, 11, baseline),
  measured(sweep, { B: '8', T: '0' }, 900, 8, baseline),
  // The fastest point of all, but its p95 breaks the 20 ms constraint.
  measured(sweep, { B: '8', T: '1' }, 2200, 25, baseline),
];

describe('analyzeSweep', () => {
  const analysis = analyzeSweep(config, sweep, points);

  it('never recommends a point that misses a constraint, however fast', () => {
    expect(analysis.recommendation).toMatchObject({
      kind: 'set',
      changes: [['B', '16', '8']],
    });
    expect(analysis.ranking.infeasible.map((e) => e.point.knobs)).toEqual([{ B: '8', T: '1' }]);
  });

  it('compares the baseline with the recommendation and checks the targets', () => {
    if (analysis.recommendation.kind !== 'set') throw new Error('expected a recommendation');
    const rps = analysis.recommendation.comparison?.metrics.find(
      (m) => m.metric === 'requests_per_second',
    );
    // 300 → 900 req/s, every trial apart: +200 %, significant with 5 vs 5 trials.
    expect(rps?.change).toBeCloseTo(2, 1);
    expect(rps?.verdict).toBe('improvement');
    expect(analysis.recommendation.targets.map((t) => t.status)).toEqual(['met']);
  });

  it('puts the Pareto front in order of latency: the fast safe point, then the fastest', () => {
    expect(analysis.front.map((e) => e.point.knobs)).toEqual([
      { B: '8', T: '0' },
      { B: '8', T: '1' },
    ]);
  });

  it('renders the recommendation, the tables and a Mermaid chart', () => {
    const markdown = renderSweep(analysis, 'markdown');
    expect(markdown).toContain('set B=8 (baseline: B=16)');
    // The raw median, then the change against the reference measured in the same run.
    expect(markdown).toMatch(/\| +1 \| B=8 T=0 +\| +900 req\/s \| +\+200 % \|/);
    expect(markdown).toContain('vs reference, same run');
    expect(markdown).toContain('❌ api/work/latency\\_p95 = 25.0 ms, needs ≤ 20.0 ms');
    expect(markdown).toContain('```mermaid\nxychart-beta\n');
    expect(markdown).toContain('x-axis ["8/0", "8/1"]');
    expect(markdown).toContain('bar [41, 100]');
    expect(markdown).toContain('line [32, 100]');
    const text = renderSweep(analysis, 'text');
    expect(text).not.toContain('mermaid');
    expect(text).toContain('targets: 1 met, 0 nearly met, 0 missed (of 1)');
  });

  it('says when nothing meets the constraints, with the closest point and what it misses', () => {
    const slowBaseline = measured(sweep, { B: '16', T: '0' }, 300, 40);
    const slow = [slowBaseline, measured(sweep, { B: '8', T: '0' }, 900, 22, slowBaseline)];
    const none = analyzeSweep(config, sweep, slow);
    expect(none.recommendation).toMatchObject({ kind: 'none', closest: { point: slow[1] } });
    expect(renderSweep(none, 'text')).toContain(
      'closest: B=8 T=0, which misses api/work/latency_p95 = 22.0 ms, needs ≤ 20.0 ms',
    );
  });

  it('keeps the baseline when nothing feasible beats it', () => {
    const flat = analyzeSweep(config, sweep, [points[0], points[3]] as typeof points);
    expect(flat.recommendation).toMatchObject({ kind: 'set', changes: [] });
    expect(renderSweep(flat, 'text')).toContain('keep the baseline');
  });
});

describe('a sweep on a machine that speeds up while it runs', () => {
  // The baseline (B=16) is measured first, at 300 req/s. Each later point is measured beside its
  // own reference trials of the baseline setting, by then at 600 req/s: raw medians say every
  // later point doubled the throughput; only the same-run change can tell a knob from the drift.
  const drift = (rps: number) => measured(sweep, { B: '16', T: '0' }, rps, 14);
  const first = drift(300);
  const later = drift(600);
  const point = (knobs: Record<string, string>, rps: number[]) => ({
    ...measured(sweep, knobs, rps, 14),
    reference: later.results,
  });

  it('recommends no change for a knob that does nothing, however its raw median compares', () => {
    // Within ±1 % of the reference's own trials: ranks above the baseline by a hair, ties with it.
    const noop = [
      first,
      point({ B: '4', T: '0' }, [597, 601, 603, 606, 598]),
      point({ B: '8', T: '0' }, [594, 600, 604, 596, 602]),
    ];
    const analysis = analyzeSweep(config, sweep, noop);
    expect(analysis.ranking.ranked[0]?.evaluation.point.knobs).not.toEqual({ B: '16', T: '0' });
    expect(analysis.recommendation).toMatchObject({ kind: 'set', changes: [] });
    const text = renderSweep(analysis, 'text');
    expect(text).toMatch(
      /^keep the baseline \(B=16 T=0\): no measured configuration is significantly better in the same run$/m,
    );
    expect(text).toMatch(/\(raw\): medians measured at different times, not comparable/);
  });

  it('still recommends a knob 20 % better than the reference measured beside it', () => {
    const better = [first, point({ B: '8', T: '0' }, around(720, 5))];
    const analysis = analyzeSweep(config, sweep, better);
    expect(analysis.recommendation).toMatchObject({ kind: 'set', changes: [['B', '16', '8']] });
    if (analysis.recommendation.kind !== 'set') throw new Error('expected a recommendation');
    const rps = analysis.recommendation.comparison?.metrics.find(
      (m) => m.metric === 'requests_per_second',
    );
    // Against its own run's reference: +20 %, not the +140 % the raw medians (300 → 720) suggest.
    expect(rps?.change).toBeCloseTo(0.2, 2);
  });
});

describe('the sweep report and knob values from the config', () => {
  // Knob values are free strings: they reach the recommendation line, the notes and the tables.
  const hostile = sweepConfig(
    `  knobs: { B: ["#12", "GH-34", "x\\e[1A\\e[2K"] }
  baseline: { B: "#12" }
  objective: { maximize: api/work/requests_per_second }
  constraints: [{ metric: 'api/*/latency_p95', max: 20 }]
`,
  );
  const reference = measured(hostile.sweep, { B: '#12' }, 300, 14);
  const runs = [
    reference,
    measured(hostile.sweep, { B: 'GH-34' }, 900, 8, reference),
    measured(hostile.sweep, { B: 'x\x1b[1A\x1b[2K' }, 2200, 25, reference),
  ];
  const analysis = analyzeSweep(hostile, hostile.sweep, runs);

  it('do not link issues in markdown', () => {
    const markdown = renderSweep(analysis, 'markdown');
    expect(markdown).toContain('set B=GH-\u200b34 (baseline: B=#\u200b12)');
    expect(markdown.replace(/```mermaid[\s\S]*?```/, '')).not.toMatch(/#\d|GH-\d/i);
  });

  it('do not move the cursor in text', () => {
    const text = renderSweep(analysis, 'text');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('B=x\\x1b[1A\\x1b[2K');
    // Nothing meets the constraint: the closest point is named on a line of its own.
    const slow = [measured(hostile.sweep, { B: '#12' }, 300, 40), runs[2]] as typeof runs;
    const none = renderSweep(analyzeSweep(hostile, hostile.sweep, slow), 'text');
    expect(none).toContain('closest: B=x\\x1b[1A\\x1b[2K, which misses');
    expect(none).not.toContain('\x1b');
  });
});

describe('objectives', () => {
  it('scores weights as the weighted mean of improvement ratios over the baseline', () => {
    const weighted = sweepConfig(`  knobs: { B: [16, 8] }
  objective: { weights: { api/work/requests_per_second: 3, api/work/latency_p95: 1 } }
`);
    const base = measured(weighted.sweep, { B: '16' }, 300, 14);
    const fast = measured(weighted.sweep, { B: '8' }, 900, 7, base);
    const analysis = analyzeSweep(weighted, weighted.sweep, [base, fast] as typeof points);
    // (3 × 900/300 + 1 × 14/7) / 4 = 2.75; the baseline scores 1.
    expect(analysis.evaluations.map((e) => e.objective.median)).toEqual([
      expect.closeTo(1, 6),
      expect.closeTo(2.75, 6),
    ]);
  });

  it('refuses an objective glob that names several metrics', () => {
    const ambiguous = sweepConfig(
      `  knobs: { B: [16] }\n  objective: { minimize: 'api/work/*' }\n`,
    );
    expect(() =>
      analyzeSweep(ambiguous, ambiguous.sweep, [measured(ambiguous.sweep, { B: '16' }, 1, 1)]),
    ).toThrow(InputError);
  });
});
