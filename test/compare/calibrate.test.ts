// The calibration core on synthetic results: noise within and between runs, A/A flags, what the
// design sees and the thresholds that fit; the run-level detectable change against scipy.
import { describe, expect, it } from 'vitest';
import { calibrate, recommendedRules, type AaRun } from '../../src/compare/calibrate.js';
import { detectability, runLevelDetectable } from '../../src/compare/detectable.js';
import { compareResults } from '../../src/compare/compare.js';
import { matchesGlob } from '../../src/config/glob.js';
import { RESULTS_SCHEMA, type Results } from '../../src/results/schema.js';
import { mulberry32 } from '../../src/stats/random.js';

/** One side: `metrics` name → σ of the log trials, every median at 100 × runFactor. */
function side(
  rng: () => number,
  metrics: Record<string, number>,
  trials: number,
  runFactor = 1,
): Results {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return {
    schema: RESULTS_SCHEMA,
    createdAt: '2026-11-29T00:00:00.000Z',
    suites: [
      {
        name: 'api',
        metrics: Object.entries(metrics).map(([name, sd]) => ({
          name,
          unit: 'ms',
          direction: 'lower' as const,
          samples: Array.from({ length: trials }, () => 100 * runFactor * Math.exp(sd * normal())),
        })),
      },
    ],
  };
}

const options = {
  policy: {},
  trials: () => 10,
  baseline: 'interleaved' as const,
  window: 20,
};

describe('calibrate', () => {
  const rng = mulberry32(7);
  const noise = { quiet: 0.01, loud: 0.08 };
  const runs: AaRun[] = [0.97, 1.0, 1.04, 1.01, 0.99].map((factor) => ({
    base: side(rng, noise, 10, factor),
    head: side(rng, noise, 10, factor),
  }));
  const result = calibrate({ kind: 'aa', runs }, options);
  const [quiet, loud] = result.metrics;

  it('says beside the noise what perfgate doctor found on the runner during the runs', () => {
    expect(result.notes.join('\n')).not.toMatch(/runner:/);
    const busy = runs.map((run, i) =>
      i < 2
        ? {
            ...run,
            head: {
              ...run.head,
              environment: {
                runnerWarnings: [
                  {
                    name: 'runner.load',
                    status: 'warn' as const,
                    value: '1.6 over 2 CPUs (1 min)',
                  },
                ],
              },
            },
          }
        : run,
    );
    expect(calibrate({ kind: 'aa', runs: busy }, options).notes).toContain(
      'runner: runner.load (1.6 over 2 CPUs (1 min)) in 2 of 5 runs: the noise measured here includes theirs; a quieter runner would need less (see perfgate doctor)',
    );
  });

  it('pools the noise within a run over the runs as a root mean square', () => {
    // One run three times as noisy as the others: the pooled σ sits between, nearer the others
    // than the noisy run, and above their median.
    const calm = (factor: number) => ({
      base: side(rng, { m: 0.02 }, 10, factor),
      head: side(rng, { m: 0.02 }, 10, factor),
    });
    const noisy = { base: side(rng, { m: 0.06 }, 10), head: side(rng, { m: 0.06 }, 10) };
    const [m] = calibrate({ kind: 'aa', runs: [calm(1), calm(1), noisy] }, options).metrics;
    expect(m?.withinRun).toBeGreaterThan(0.025);
    expect(m?.withinRun).toBeLessThan(0.05);
  });

  it('measures the noise within a run and between runs per metric', () => {
    expect(result.family).toBe(2);
    expect(quiet?.withinRun).toBeGreaterThan(0.005);
    expect(quiet?.withinRun).toBeLessThan(0.02);
    expect(loud?.withinRun).toBeGreaterThan(0.04);
    expect(loud?.withinRun).toBeLessThan(0.16);
    // The run factors' own log sd is 2.6 %; the quiet metric's run medians carry just that.
    expect(quiet?.runToRun).toBeGreaterThan(0.018);
    expect(quiet?.runToRun).toBeLessThan(0.035);
  });

  it('counts the A/A runs the gate flagged, as compareResults judges them', () => {
    const flagged = runs.filter((run) =>
      ['regression', 'improvement'].includes(
        compareResults(run.base, run.head).metrics[1]?.verdict ?? '',
      ),
    ).length;
    expect(loud?.falseAlarms).toBe(flagged);
    expect(loud?.largestChange).toBeGreaterThan(0);
  });

  it('recommends a threshold that the design sees and that clears every A/A change', () => {
    for (const m of result.metrics) {
      const recommended = m.recommended as number;
      const sees = detectability(10, 10, m.withinRun as number, 0.05 / 2, 0.05, 'lower');
      expect(m.detectable).toBe(sees.detectable);
      expect(recommended).toBeGreaterThanOrEqual(m.detectable as number);
      expect(recommended).toBeGreaterThanOrEqual(1.5 * (m.largestChange as number));
      expect(recommended).toBeGreaterThanOrEqual(0.01);
      // Whole steps of half a percent.
      expect(Math.abs(recommended * 200 - Math.round(recommended * 200))).toBeLessThan(1e-9);
    }
    expect(loud?.recommended).toBeGreaterThan(quiet?.recommended as number);
    // 8 % noise cannot see a 5 % threshold with 10 trials; it names the trials that would.
    expect(loud?.detectable).toBeGreaterThan(0.05);
    expect(loud?.trialsForThreshold).toBeGreaterThan(10);
    expect(result.trialsForThresholds).toBe(loud?.trialsForThreshold);
  });

  it('from history: run-level detectable change, no A/A columns', () => {
    const stored = [0.97, 1.0, 1.04, 1.01, 0.99, 1.02].map((f) => side(rng, noise, 10, f));
    const history = calibrate(
      { kind: 'history', runs: stored },
      { ...options, baseline: 'history' },
    );
    const [q] = history.metrics;
    expect(q?.falseAlarms).toBeNull();
    expect(q?.largestChange).toBeNull();
    expect(q?.detectable).toBeCloseTo(
      runLevelDetectable(q?.runToRun as number, 20, 19, 0.05 / 2, 'lower'),
      12,
    );
    expect(history.notes).toEqual([]);
  });

  it('says when two runs cannot show a run-to-run spread', () => {
    const two = calibrate({ kind: 'aa', runs: runs.slice(0, 2) }, options);
    expect(two.metrics[0]?.runToRun).toBeNull();
    expect(two.notes.join('\n')).toMatch(/2 run\(s\) cannot show how much a whole run moves/);
  });
});

describe('runLevelDetectable', () => {
  // python3 -c "from scipy import stats; import math
  //   q = stats.t.ppf(1 - level/2, k - 1) + stats.t.ppf(0.8, k - 1); x = q * s * math.sqrt(1 + 1/k)
  //   print(math.expm1(x), -math.expm1(-x))"       (scipy 1.17.1)
  it.each([
    [0.03, 20, 0.0025, 0.14279829305717484, 0.12495494080164028],
    [0.06, 10, 0.05, 0.21889600358784916, 0.17958546335661418],
    [0.02, 5, 0.01, 0.1291737444976782, 0.11439669504106488],
  ])('σ %s, %s stored runs, level %s', (s, k, level, lower, higher) => {
    expect(runLevelDetectable(s, k, k - 1, level, 'lower')).toBeCloseTo(lower, 8);
    expect(runLevelDetectable(s, k, k - 1, level, 'higher')).toBeCloseTo(higher, 8);
  });
});

describe('recommendedRules', () => {
  it('writes one literal rule per suite/metric, the largest over its variants', () => {
    const metric = (variant: string, name: string, recommended: number | null) =>
      ({ suite: 'api', variant, metric: name, recommended }) as never;
    const rules = recommendedRules([
      metric('small', 'p95*', 0.03),
      metric('large', 'p95*', 0.045),
      metric('small', 'rps', null),
    ]);
    expect(rules).toEqual([{ metric: 'api/p95\\*', threshold: 0.045 }]);
    expect(matchesGlob('api/p95*', rules[0]?.metric as string)).toBe(true);
    expect(matchesGlob('api/p95x', rules[0]?.metric as string)).toBe(false);
  });
});
