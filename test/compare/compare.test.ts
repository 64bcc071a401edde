import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import { overallVerdict } from '../../src/compare/verdict.js';
import { around, results } from '../helpers/results.js';

// Expected p-values below are exact Mann-Whitney values for fully separated samples:
// two-sided p = 2 / C(n + m, n), e.g. n = m = 10 → 2 / 184756 = 1.0825e-5.
const SEPARATED_10_10_P = 2 / 184756;

describe('compareResults', () => {
  it('calls a significant slowdown beyond the threshold a regression, with its size', () => {
    const base = results([{ name: 'latency_p95', samples: around(100, 10) }]);
    const head = results([{ name: 'latency_p95', samples: around(115, 10) }]);
    const [m] = compareResults(base, head).metrics;
    expect(m?.verdict).toBe('regression');
    expect(m?.p).toBeCloseTo(SEPARATED_10_10_P, 12);
    // Every pairwise difference is within 15 ± (1.15 + 1) around a median of 15: change ≈ +15 %.
    expect(m?.change).toBeCloseTo(0.15, 2);
    expect(m?.changeLower).toBeLessThan(0.15);
    expect(m?.changeUpper).toBeGreaterThan(0.15);
  });

  it('reads direction from the metric: more throughput is an improvement', () => {
    const base = results([
      { name: 'rps', unit: 'req/s', direction: 'higher', samples: around(1000, 10) },
    ]);
    const head = results([
      { name: 'rps', unit: 'req/s', direction: 'higher', samples: around(1200, 10) },
    ]);
    expect(compareResults(base, head).metrics[0]?.verdict).toBe('improvement');
    expect(compareResults(head, base).metrics[0]?.verdict).toBe('regression');
  });

  it('keeps a significant change inside the threshold unchanged, and says so', () => {
    const base = results([{ name: 'latency_p50', samples: around(100, 10, 0.001) }]);
    const head = results([{ name: 'latency_p50', samples: around(102, 10, 0.001) }]);
    const [m] = compareResults(base, head).metrics;
    expect(m?.significant).toBe(true);
    expect(m?.verdict).toBe('unchanged');
    expect(m?.notes.join()).toMatch(/within the 5 % threshold/);
  });

  it('applies the first matching per-metric threshold glob', () => {
    const base = results([{ suite: 'api/embed', name: 'latency_p99', samples: around(100, 10) }]);
    const head = results([{ suite: 'api/embed', name: 'latency_p99', samples: around(108, 10) }]);
    const strict = compareResults(base, head);
    const loose = compareResults(base, head, {
      thresholds: [
        { metric: 'api/*/latency_p99', threshold: 0.1 },
        { metric: '**', threshold: 0.01 },
      ],
    });
    expect(strict.metrics[0]?.verdict).toBe('regression');
    expect(loose.metrics[0]?.threshold).toBe(0.1);
    expect(loose.metrics[0]?.verdict).toBe('unchanged');
  });

  it('notes a threshold rule that matches no compared metric, which would do nothing (#10 item 15)', () => {
    const base = results([{ suite: 'api', name: 'latency_p99', samples: around(100, 10) }]);
    const head = results([{ suite: 'api', name: 'latency_p99', samples: around(100, 10) }]);
    const { notes, metrics } = compareResults(base, head, {
      thresholds: [
        { metric: 'api/latency_p99', threshold: 0.1 },
        { metric: 'api/latency_p999', threshold: 0.2 },
        { metric: 'latency_*', threshold: 0.3 },
      ],
    });
    expect(metrics[0]?.threshold).toBe(0.1);
    expect(notes).toEqual([
      "threshold rule 2 ('api/latency_p999') matches no compared metric, so its threshold applies to nothing; rules match <suite>/<metric>",
      "threshold rule 3 ('latency_*') matches no compared metric, so its threshold applies to nothing; rules match <suite>/<metric>",
    ]);
  });

  it('applies `<suite>/<metric>` threshold rules to every variant of the suite', () => {
    const spec = (samples: number[]) => ({
      schema: 'perfgate/results@1' as const,
      createdAt: '2026-11-27T09:00:00Z',
      suites: [
        {
          name: 'api',
          variant: 'fast',
          metrics: [{ name: 'latency_p99', unit: 'ms', direction: 'lower' as const, samples }],
        },
      ],
    });
    const [m] = compareResults(spec(around(100, 10)), spec(around(108, 10)), {
      thresholds: [{ metric: 'api/latency_p99', threshold: 0.1 }],
    }).metrics;
    expect(m?.key).toBe('api#fast/latency_p99');
    expect(m?.threshold).toBe(0.1);
    expect(m?.verdict).toBe('unchanged');
  });

  it('does not call noise a regression: overlapping samples give ~', () => {
    const base = results([
      { name: 'latency_p95', samples: [100, 104, 98, 101, 103, 99, 102, 97, 105, 100] },
    ]);
    const head = results([
      { name: 'latency_p95', samples: [101, 99, 103, 98, 104, 100, 102, 97, 105, 99] },
    ]);
    const [m] = compareResults(base, head).metrics;
    expect(m?.verdict).toBe('unchanged');
    expect(m?.significant).toBe(false);
  });

  it('marks samples too small to ever reach alpha as not seen and names the trials needed', () => {
    // n = m = 3: the best two-sided p is 2 / C(6, 3) = 0.1 > 0.05, so 4 trials per side are needed.
    const base = results([{ name: 'latency_p95', samples: [100, 101, 102] }]);
    const head = results([{ name: 'latency_p95', samples: [200, 201, 202] }]);
    const comparison = compareResults(base, head);
    const [m] = comparison.metrics;
    expect(m?.verdict).toBe('unseen');
    expect(m?.p).toBeCloseTo(0.1, 12);
    expect(m?.notes.join()).toMatch(/run at least 4 trials per side/);
    expect(m?.trialsForThreshold).toBe(4);
    // Nothing was tested: the comparison as a whole is insufficient, never a pass.
    expect(overallVerdict(comparison)).toBe('insufficient');
  });

  it('adjusts p-values across metrics (Benjamini-Hochberg by default, Holm on request)', () => {
    // Two metrics, each with exact p = 2 / C(8, 4) = 0.0286: BH keeps both at 0.0286,
    // Holm multiplies the smallest by 2 → 0.0571 > 0.05, so nothing is significant under Holm.
    const base = results([
      { name: 'a', samples: [1, 2, 3, 4] },
      { name: 'b', samples: [1, 2, 3, 4] },
    ]);
    const head = results([
      { name: 'a', samples: [11, 12, 13, 14] },
      { name: 'b', samples: [11, 12, 13, 14] },
    ]);
    const bh = compareResults(base, head);
    const holm = compareResults(base, head, { adjustment: 'holm' });
    expect(bh.metrics.map((m) => m.pAdjusted)).toEqual(
      [2 / 70, 2 / 70].map((p) => expect.closeTo(p, 12)),
    );
    expect(bh.counts.regression).toBe(2);
    expect(holm.metrics.map((m) => m.pAdjusted)).toEqual(
      [4 / 70, 4 / 70].map((p) => expect.closeTo(p, 12)),
    );
    expect(holm.counts.regression).toBe(0);
  });

  it('warns when the number of metrics makes a lone regression impossible to flag', () => {
    // 20 metrics at 5 vs 5 trials: the best p is 2 / C(10, 5) = 0.0079, but a lone regression
    // needs p < 0.05 / 20 = 0.0025 before adjustment. 2 / C(12, 6) = 0.0022 is the first below:
    // 6 trials per side.
    const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const base = results(names.map((name) => ({ name, samples: around(100, 5) })));
    const head = results(
      names.map((name, i) => ({ name, samples: around(i === 0 ? 150 : 100, 5) })),
    );
    const comparison = compareResults(base, head);
    expect(comparison.counts.regression).toBe(0);
    expect(comparison.notes.join()).toMatch(
      /20 metrics are tested together.*5 vs 5 trials.*at least 6 trials per side/,
    );
  });

  it('says first, at top level, that a comparison in which nothing could be tested caught nothing', () => {
    // 20 metrics at 3 vs 3 trials, one of them 13.7 % slower: no metric can ever reach p < 0.05,
    // so nothing was tested, and the note names the trials that would test all 20 together.
    const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const base = results(names.map((name) => ({ name, samples: around(100, 3) })));
    const head = results(
      names.map((name, i) => ({ name, samples: around(i === 0 ? 113.7 : 100, 3) })),
    );
    const comparison = compareResults(base, head);
    expect(comparison.counts).toEqual({
      regression: 0,
      improvement: 0,
      unchanged: 0,
      unseen: 20,
      insufficient: 0,
    });
    expect(comparison.tested).toBe(0);
    expect(comparison.notes[0]).toMatch(
      /^nothing was tested: 3 vs 3 trials can never reach p < 0\.05, so this comparison cannot catch a regression; run at least 6 trials per side for 20 metrics tested together$/,
    );
  });

  it('has no top-level "nothing was tested" note when some gating metric was tested', () => {
    const base = results([
      { name: 'a', samples: around(100, 3) },
      { name: 'b', samples: around(100, 10) },
    ]);
    const notes = compareResults(base, base).notes.join();
    expect(notes).not.toMatch(/nothing was tested/);
  });

  it('counts a comparison with only one-sided metrics as untested', () => {
    const base = results([{ name: 'old', samples: around(1, 5) }]);
    const head = results([{ name: 'new', samples: around(1, 5) }]);
    expect(compareResults(base, head).notes[0]).toMatch(
      /^nothing was tested: no gating metric could be tested \(see the notes per metric\)/,
    );
  });

  it.each(['bh', 'holm'] as const)(
    'advises, at too few trials, the count that flags a lone regression among 20 metrics on the first try (%s)',
    (adjustment) => {
      const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const side = (n: number, slower: number) =>
        results(names.map((name, i) => ({ name, samples: around(i === 0 ? slower : 100, n) })));
      const few = compareResults(side(3, 100), side(3, 120), { adjustment });
      const advised = Number(
        /run at least (\d+) trials per side/.exec(few.metrics[0]!.notes.join())?.[1],
      );
      // Not the per-metric 4: at 4 (and 5) per side a lone change cannot pass the adjustment.
      expect(advised).toBe(6);
      for (const n of [advised - 2, advised - 1]) {
        expect(compareResults(side(n, 100), side(n, 120), { adjustment }).counts.regression).toBe(
          0,
        );
      }
      const enough = compareResults(side(advised, 100), side(advised, 120), { adjustment });
      expect(enough.counts.regression).toBe(1);
      expect(enough.notes).toEqual([]);
    },
  );

  it('advises per metric when there is no adjustment', () => {
    const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const base = results(names.map((name) => ({ name, samples: around(100, 3) })));
    const [m] = compareResults(base, base, { adjustment: 'none' }).metrics;
    expect(m?.notes).toEqual([
      '3 vs 3 trials can never reach p < 0.05; run at least 4 trials per side',
    ]);
  });

  it('judges target metrics by distance to the target', () => {
    const spec = { name: 'gpu.utilization', unit: '%', direction: 'target' as const, target: 85 };
    const base = results([{ ...spec, samples: around(70, 10) }]);
    const closer = results([{ ...spec, samples: around(84, 10) }]);
    const overshoot = results([{ ...spec, samples: around(110, 10) }]);
    expect(compareResults(base, closer).metrics[0]?.verdict).toBe('improvement');
    expect(compareResults(base, overshoot).metrics[0]?.verdict).toBe('regression');
  });

  it('counts any significant move away from a zero baseline, which has no relative size', () => {
    const base = results([{ name: 'error_rate', unit: '%', samples: Array(10).fill(0) }]);
    const head = results([{ name: 'error_rate', unit: '%', samples: around(2, 10) }]);
    const [m] = compareResults(base, head).metrics;
    expect(m?.change).toBeNull();
    expect(m?.shift).toBeCloseTo(2, 1);
    expect(m?.verdict).toBe('regression');
  });

  it('gives p = 1 and unchanged for identical constant samples', () => {
    const base = results([{ name: 'error_rate', unit: '%', samples: Array(5).fill(0) }]);
    const [m] = compareResults(base, base).metrics;
    expect(m?.p).toBe(1);
    expect(m?.verdict).toBe('unchanged');
  });

  it('reports a metric on one side only as insufficient, with a note', () => {
    const base = results([{ name: 'old', samples: around(1, 5) }]);
    const head = results([{ name: 'new', samples: around(1, 5) }]);
    const byName = Object.fromEntries(compareResults(base, head).metrics.map((m) => [m.metric, m]));
    expect(byName.old?.verdict).toBe('insufficient');
    expect(byName.old?.notes).toContain('not in the candidate');
    expect(byName.new?.notes).toContain('not in the baseline');
  });

  it('never gates on context metrics, but warns when the trial conditions differed', () => {
    const base = results([
      { name: 'latency_p95', samples: around(100, 10) },
      { name: 'host.background_cpu', unit: '%', informational: true, samples: around(10, 10) },
    ]);
    const head = results([
      { name: 'latency_p95', samples: around(100, 10) },
      { name: 'host.background_cpu', unit: '%', informational: true, samples: around(60, 10) },
    ]);
    const comparison = compareResults(base, head);
    const host = comparison.metrics.find((m) => m.metric === 'host.background_cpu');
    expect(host?.verdict).toBe('unchanged');
    expect(host?.significant).toBe(true);
    expect(host?.pAdjusted).toBeNull();
    expect(comparison.counts.regression).toBe(0);
    expect(comparison.notes).toEqual([
      expect.stringMatching(/host.background_cpu differed between the sides \(median 10 → 60 %\)/),
    ]);
  });

  it('warns when the two sides ran on different machines', () => {
    const base = {
      ...results([{ name: 'lat', samples: around(100, 5) }]),
      environment: { cpuModel: 'AMD EPYC 7763', cpuCount: 4 },
    };
    const head = { ...base, environment: { cpuModel: 'AMD EPYC 9V74', cpuCount: 4 } };
    expect(compareResults(base, head).notes).toEqual([
      "the sides ran on different machines (baseline: AMD EPYC 7763; candidate: AMD EPYC 9V74): a difference may be the machine's, not the code's",
    ]);
    expect(compareResults(base, base).notes).toEqual([]);
  });

  it("names what perfgate doctor found on the runner, and when the sides' runners differed", () => {
    const machine = { cpuModel: 'AMD EPYC 7763', cpuCount: 4 };
    const busy = {
      ...machine,
      runnerWarnings: [
        { name: 'cpu.turbo', status: 'warn' as const, value: 'on' },
        { name: 'gpu.processes', status: 'fail' as const, value: 'python3' },
      ],
    };
    const quiet = {
      ...machine,
      runnerWarnings: [{ name: 'cpu.turbo', status: 'warn' as const, value: 'on' }],
    };
    const base = { ...results([{ name: 'lat', samples: around(100, 5) }]), environment: busy };
    // One run's runner, both sides (interleaved): named once, no difference.
    expect(compareResults(base, base).notes).toEqual([
      'runner: cpu.turbo on, gpu.processes python3: expect more noise than on a quiet runner; see perfgate doctor',
    ]);
    // The same machine with a foreign GPU process gone: no "different machines", a different runner.
    expect(compareResults(base, { ...base, environment: quiet }).notes).toEqual([
      'runner: cpu.turbo on: expect more noise than on a quiet runner; see perfgate doctor',
      'the sides ran under different runner conditions (baseline: cpu.turbo on, gpu.processes python3; candidate: cpu.turbo on)',
    ]);
  });

  it('summarises with a direction-aware geometric mean', () => {
    // latency ×1.21 (cost ×1.21) and throughput ×1.21 (cost ÷1.21): the geomean cost ratio is 1 → 0 %.
    const base = results([
      { name: 'lat', samples: [100] },
      { name: 'rps', direction: 'higher', unit: 'req/s', samples: [100] },
    ]);
    const head = results([
      { name: 'lat', samples: [121] },
      { name: 'rps', direction: 'higher', unit: 'req/s', samples: [121] },
    ]);
    expect(compareResults(base, head).geomeanChange).toBeCloseTo(0, 12);
    const slower = results([
      { name: 'lat', samples: [121] },
      { name: 'rps', direction: 'higher', unit: 'req/s', samples: [100] },
    ]);
    // sqrt(1.21 × 1) − 1 = 0.1
    expect(compareResults(base, slower).geomeanChange).toBeCloseTo(0.1, 12);
  });
});

describe('compareResults: the smallest detectable change (#12)', () => {
  it('reports it per gated metric and warns once, with the trials that would see the threshold', () => {
    // ±10 % jitter over 6 trials: a robust σ near 6 %, and 6 vs 6 at 0.05 needs a wide margin.
    const base = results([
      { suite: 'api/search', name: 'latency_p95', samples: around(100, 6, 0.1) },
    ]);
    const head = results([
      { suite: 'api/search', name: 'latency_p95', samples: around(100, 6, 0.1) },
    ]);
    const comparison = compareResults(base, head);
    const detectable = comparison.metrics[0]?.detectable as number;
    expect(detectable).toBeGreaterThan(0.05);
    const note = comparison.notes.find((n) => n.includes('cannot see'));
    expect(note).toMatch(
      /^with 6 trials per side, 1 metric cannot see a change of their threshold \(column "sees"; api\/search latency_p95 sees \d+ %, its threshold 5 %\); \d+ trials per side would see every threshold$/,
    );
  });

  it('warns once for all the metrics that cannot see their threshold, naming the worst', () => {
    const noisy = (name: string, spread: number) => ({
      suite: 'api',
      name,
      samples: around(100, 6, spread),
    });
    const side = results([noisy('a', 0.1), noisy('b', 0.2), noisy('c', 0.001)]);
    const notes = compareResults(side, side).notes.filter((n) => n.includes('cannot see'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^with 6 trials per side, 2 of 3 metrics cannot see .*api b sees/);
  });

  it('says nothing where the change it can see is inside the threshold', () => {
    const base = results([{ name: 'latency', samples: around(100, 10, 0.001) }]);
    const { metrics, notes } = compareResults(base, base);
    expect(metrics[0]?.detectable).toBeLessThan(0.05);
    expect(notes.join()).not.toMatch(/cannot see/);
  });
});

describe('run by run, advice speaks of stored runs, never of trials', () => {
  it('gives no "trials per side" advice for a family of metrics compared against stored runs', () => {
    const names = Array.from({ length: 10 }, (_, i) => `m${i}`);
    // Six stored runs (their medians) against this run's one median per metric.
    const base = results(names.map((name) => ({ name, samples: around(10, 6, 0.02) })));
    const head = results(names.map((name) => ({ name, samples: [10.05] })));
    const comparison = compareResults(base, head, {}, 'run');
    expect(comparison.unit).toBe('run');
    expect(comparison.notes.join(' ')).not.toMatch(/trials per side/);
    // The same family as trials of one run: the advice that fits trials is still given.
    const trials = compareResults(
      base,
      results(names.map((name) => ({ name, samples: around(10, 3) }))),
      {},
    );
    expect(trials.notes.join(' ')).toMatch(/trials per side/);
  });
});
