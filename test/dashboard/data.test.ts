// The dashboard's data from plain results: environments apart, the step found, the latest run
// judged in the PR comment's words, and the data script inert whatever the names.
import { mean, median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  buildDashboardData,
  CHANGE_POINT_WINDOW,
  type DashboardData,
} from '../../src/dashboard/data.js';
import { dataScript } from '../../src/dashboard/site.js';
import { formatChange, formatValue } from '../../src/report/format.js';
import type { Results } from '../../src/results/schema.js';
import { CPU_ONLY, HOSTILE, run, WITH_GPU } from './history.js';

const build = (runs: Results[], warnings: string[] = []): DashboardData =>
  buildDashboardData({
    entries: runs.map((results, i) => ({ path: `main/${i}.json`, results })),
    warnings,
    branch: 'main',
    generatedAt: '2026-11-29T00:00:00.000Z',
    repoUrl: 'https://github.com/o/r',
  });

describe('buildDashboardData', () => {
  const cpu = Array.from({ length: 30 }, (_, i) => run(i, CPU_ONLY, { stepAt: 20 }));
  const gpu = Array.from({ length: 8 }, (_, i) => run(30 + i, WITH_GPU));
  // Newest first, as a store lists them: the order must not matter.
  const data = build([...cpu, ...gpu].reverse(), ['x.json: invalid JSON (skipped)']);

  it('keeps runs oldest first and names the newest run’s environment first', () => {
    expect(data.runs.time).toEqual([...data.runs.time].sort((a, b) => a - b));
    expect(data.runs.commit[0]).toBe(cpu[0]!.commit);
    expect(data.environments).toHaveLength(2);
    expect(data.environments[0]).toContain('NVIDIA H200');
    expect(data.environments[1]).toContain('no GPU');
  });

  it('never mixes environments in one series', () => {
    // 3 judged metrics and 1 context metric on each environment, and the GPU's target metric.
    expect(data.series).toHaveLength(9);
    for (const s of data.series) {
      expect(s.run.map((r) => data.runs.env[r])).toEqual(s.run.map(() => s.env));
    }
    const latency = data.series.filter((s) => s.key === 'api/latency_p95');
    expect(latency.map((s) => s.run.length).sort()).toEqual([30, 8]);
  });

  it('gives each run its median and the quartiles of its trials', () => {
    const s = data.series.find((x) => x.key === 'db/query_ms' && x.env === 1)!;
    s.median.forEach((median, i) => {
      expect(s.q1[i]).toBeLessThanOrEqual(median);
      expect(s.q3[i]).toBeGreaterThanOrEqual(median);
      expect(s.q3[i]! - s.q1[i]!).toBeGreaterThan(0);
    });
  });

  it('marks the +30 % step as a regression between the last good and the first slow commit', () => {
    const latency = data.series.find((s) => s.key === 'api/latency_p95' && s.env === 1)!;
    expect(latency.changePoints).toHaveLength(1);
    const [cp] = latency.changePoints;
    expect(cp).toMatchObject({ at: 20, kind: 'regression' });
    expect(cp!.change).toMatch(/^\+(29|30)\.\d %$/);
    expect(data.runs.commit[latency.run[cp!.at - 1]!]).toBe(cpu[19]!.commit);
    expect(data.runs.commit[latency.run[cp!.at]!]).toBe(cpu[20]!.commit);
    // No step, no change point.
    const throughput = data.series.find((s) => s.key === 'api/throughput' && s.env === 1)!;
    expect(throughput.changePoints).toEqual([]);
  });

  it('charts context unjudged: no change point at its step, no latest verdict', () => {
    const background = data.series.find((s) => s.key === 'api/host.background_cpu' && s.env === 1)!;
    expect(background).toMatchObject({ informational: true, changePoints: [] });
    expect(background.median[19]).toBeLessThan(3);
    expect(background.median[20]).toBeGreaterThan(35);
    expect(background.latest).toBeUndefined();
    // Judged metrics come first, so the page shows context after them.
    const cpuKeys = data.series.filter((s) => s.env === 1).map((s) => s.key);
    expect(cpuKeys.at(-1)).toBe('api/host.background_cpu');
  });

  it('uses the quartiles kept by compaction', () => {
    const compacted = cpu.slice(0, 6).map((r) => ({
      ...r,
      suites: [
        {
          name: 'db',
          metrics: [
            {
              name: 'query_ms',
              unit: 'ms',
              direction: 'lower' as const,
              samples: [3.2],
              compacted: { trials: 10, min: 3, q1: 3.1, q3: 3.3, max: 3.5 },
            },
          ],
        },
      ],
    }));
    const [s] = build(compacted).series;
    expect([s!.q1[0], s!.median[0], s!.q3[0]]).toEqual([3.1, 3.2, 3.3]);
  });

  it('judges the latest run against the runs before it, in the PR comment’s words', () => {
    // 12 steady runs, then a latest one 30 % slower: outside the run-to-run spread.
    const steady = Array.from({ length: 12 }, (_, i) => run(i, CPU_ONLY, { stepAt: 12 }));
    const judged = build([...steady, run(12, CPU_ONLY, { stepAt: 12 })]);
    const latency = judged.series.find((s) => s.key === 'api/latency_p95')!;
    expect(latency.latest).toMatchObject({
      verdict: 'regression',
      label: '🔴 regression',
      reference: expect.stringMatching(/^(9\.\d+|10\.\d+) ms$/),
      runs: 12,
      basis: 'geometric mean',
      latest: expect.stringMatching(/^1[23]\.\d+ ms$/),
      change: expect.stringMatching(/^\+\d/),
    });
    expect(judged.series.find((s) => s.key === 'api/throughput')!.latest?.label).toBe('~');
  });

  it('shows the change from the value it is measured against, not from the previous run', () => {
    // Issue #23: 9 runs at 10 ms, then two at 13 ms. The previous run and the latest read alike,
    // but the change is against the runs before: the row shows their centre and the count.
    const runs = Array.from({ length: 11 }, (_, i) => run(i, CPU_ONLY, { stepAt: 9 }));
    const medians = runs.map((r) => median(r.suites[0]!.metrics[0]!.samples));
    const latency = build(runs).series.find((s) => s.key === 'api/latency_p95')!;
    const row = latency.latest!;
    const center = Math.exp(mean(medians.slice(0, 10).map(Math.log)));
    expect(row).toMatchObject({
      runs: 10,
      basis: 'geometric mean',
      reference: formatValue(center, 'ms'),
      latest: formatValue(medians[10]!, 'ms'),
    });
    expect(center).toBeGreaterThan(10.1);
    expect(center).toBeLessThan(10.5);
    // The change shown is the change between the two columns (as far as their digits tell),
    // not the ~0 % between the previous run and the latest.
    expect(row.change).toBe(formatChange(medians[10]! / center - 1));
    const shown = (text: string) => Number(text.replace(/[^\d.]/g, ''));
    const percent = Number(row.change.replace(/[^\d.]/g, ''));
    expect(Math.abs(percent - 100 * (shown(row.latest) / shown(row.reference) - 1))).toBeLessThan(
      0.5,
    );
    expect(formatValue(medians[9]!, 'ms')).toBe(row.latest);
  });

  it('shows more digits where three would print the reference and the latest alike', () => {
    // Runs at 26.10–26.14 ms, the latest at 26.14: `26.1 ms → 26.1 ms` with a non-zero change.
    const at = (i: number, ms: number): Results => {
      const r = run(i, CPU_ONLY);
      r.suites[0]!.metrics[0]!.samples = [ms, ms, ms];
      return r;
    };
    const before = [26.1, 26.14, 26.12, 26.11, 26.13];
    const runs = [...before, 26.14].map((ms, i) => at(i, ms));
    const row = build(runs).series.find((s) => s.key === 'api/latency_p95')!.latest!;
    expect(row).toMatchObject({ runs: 5, reference: '26.12 ms', latest: '26.14 ms' });
    const center = Math.exp(mean(before.map(Math.log)));
    expect(row.change).toBe(formatChange(26.14 / center - 1));
    expect(row.change).toMatch(/^\+0\.07\d\d %$/);
    // The same value throughout: no digits added, and no change but ±0 %.
    const flat = build([26.1, 26.1, 26.1].map((ms, i) => at(i, ms))).series[0]!.latest!;
    expect(flat).toMatchObject({ reference: '26.1 ms', latest: '26.1 ms', change: '±0 %' });
  });

  it('names the mean where a value is 0, and the run before where there is one', () => {
    const errors = (i: number, rate: number): Results => ({
      ...run(i, CPU_ONLY),
      suites: [
        {
          name: 'api',
          metrics: [{ name: 'errors', unit: '%', direction: 'lower', samples: [rate, rate] }],
        },
      ],
    });
    const rates = [0, 2, 1, 0, 1, 2];
    const row = build(rates.map((r, i) => errors(i, r))).series[0]!.latest!;
    expect(row).toMatchObject({ basis: 'mean', runs: 5, reference: '0.800 %', latest: '2.00 %' });
    const two = build([errors(0, 1), errors(1, 2)]).series[0]!.latest!;
    expect(two).toMatchObject({ runs: 1, reference: '1.00 %', latest: '2.00 %', change: '' });
  });

  it('has no verdict for a lone run, and no series for an empty history', () => {
    const lone = build([run(0, CPU_ONLY)]);
    expect(lone.series.every((s) => s.latest === undefined)).toBe(true);
    expect(build([])).toMatchObject({ environments: [], series: [], runs: { time: [] } });
  });

  it('carries the store’s warnings and each run’s pull request', () => {
    expect(data.notes).toEqual(['x.json: invalid JSON (skipped)']);
    const fromPull = build([{ ...run(0, CPU_ONLY), ref: 'refs/pull/12/merge' }]);
    expect(fromPull.runs.pr).toEqual([12]);
    expect(data.runs.pr.every((pr) => pr === null)).toBe(true);
  });
});

describe('a change of config', () => {
  // 20 runs of one config, then 12 of another whose latency is 30 % higher from its first run:
  // the setup changed, not the code. A real +30 % step 6 runs into the new config still shows.
  const withConfig = (r: Results, hash: string): Results => ({ ...r, configHash: hash });
  const runs = Array.from({ length: 32 }, (_, i) =>
    withConfig(
      run(i, CPU_ONLY, { stepAt: i < 20 ? Infinity : 20 }),
      i < 20 ? 'a'.repeat(64) : 'b'.repeat(64),
    ),
  );
  const latency = (data: DashboardData) => data.series.find((s) => s.key === 'api/latency_p95')!;

  it('is marked where it happened, and no change point reaches across it', () => {
    const s = latency(build(runs));
    expect(s.configChanges).toEqual([20]);
    expect(s.changePoints).toEqual([]);
    // The same history without config hashes: the step is a change point at run 20.
    const unmarked = latency(build(runs.map(({ configHash: _, ...r }) => r)));
    expect(unmarked.configChanges).toEqual([]);
    expect(unmarked.changePoints).toMatchObject([{ at: 20, kind: 'regression' }]);
  });

  it('still finds a step within the new config', () => {
    const stepped = runs.map((r, i) =>
      i < 26 ? r : withConfig(run(i, CPU_ONLY, { stepAt: 20 }), 'b'.repeat(64)),
    );
    // Latency 13 ms from run 20 under the new config; 30 % more again from run 26.
    for (const r of stepped.slice(26)) {
      const metric = r.suites[0]!.metrics[0]!;
      metric.samples = metric.samples.map((v) => Number((v * 1.3).toFixed(4)));
    }
    const s = latency(build(stepped));
    expect(s.configChanges).toEqual([20]);
    expect(s.changePoints).toMatchObject([{ at: 26, kind: 'regression' }]);
  });

  it('judges the latest run only against runs of its own config', () => {
    // The first run of a new config has nothing of its kind before it: no verdict.
    const first = latency(build(runs.slice(0, 21)));
    expect(first.latest).toBeUndefined();
    expect(latency(build(runs)).latest?.verdict).toBe('unchanged');
  });
});

describe('a metric with a target', () => {
  // GPU utilization, target 85 %: 20 runs at one level, then 10 at another.
  const util = (before: number, after: number) =>
    build(
      Array.from({ length: 30 }, (_, i) => run(i, WITH_GPU, { gpuUtil: i < 20 ? before : after })),
    ).series.find((s) => s.key === 'api/gpu.util')!;

  it('carries its target, and judges a step by the distance to it, as the PR gate does', () => {
    // 84 → 60 %: farther from 85 %, a regression though lower; 60 → 84 %: an improvement.
    expect(util(84, 60)).toMatchObject({ target: 85, informational: false });
    expect(util(84, 60).changePoints).toMatchObject([{ at: 20, kind: 'regression' }]);
    expect(util(60, 84).changePoints).toMatchObject([{ at: 20, kind: 'improvement' }]);
    // 80 → 95 %: higher, but 10 points past the target where it was 5 short.
    expect(util(80, 95).changePoints).toMatchObject([{ at: 20, kind: 'regression' }]);
    // 80 → 82 %: closer, but by less than the 5 % threshold.
    expect(util(80, 82).changePoints).toMatchObject([{ at: 20, kind: 'within' }]);
  });
});

describe('the change-point search of a long history', () => {
  it('covers the newest CHANGE_POINT_WINDOW runs of each series, and the page says so', () => {
    const runs = Array.from({ length: CHANGE_POINT_WINDOW + 40 }, (_, i) =>
      run(i, CPU_ONLY, { stepAt: 20 }),
    );
    const long = build(runs);
    expect(long.notes).toEqual([
      `change points are searched in each metric's newest ${CHANGE_POINT_WINDOW} runs`,
    ]);
    // The step at run 20 lies before the window: the newest runs are one level.
    const latency = long.series.find((s) => s.key === 'api/latency_p95')!;
    expect(latency.run).toHaveLength(CHANGE_POINT_WINDOW + 40);
    expect(latency.changePoints).toEqual([]);
    // A step inside the window is found at its index in the whole series.
    const late = Array.from({ length: CHANGE_POINT_WINDOW + 40 }, (_, i) =>
      run(i, CPU_ONLY, { stepAt: CHANGE_POINT_WINDOW }),
    );
    const found = build(late).series.find((s) => s.key === 'api/latency_p95')!;
    expect(found.changePoints.map((cp) => cp.at)).toEqual([CHANGE_POINT_WINDOW]);
  });
});

describe('formatValue with more digits', () => {
  it('adds digits in the unit and scale formatValue picks', () => {
    expect(formatValue(26_123, 'ns', 3)).toBe('26.1 µs');
    expect(formatValue(26_123, 'ns', 4)).toBe('26.12 µs');
    expect(formatValue(1.5031 * 1024 ** 3, 'bytes', 4)).toBe('1.503 GiB');
    expect(formatValue(15_234.5, 'ops/s', 6)).toBe('15,234.5 ops/s');
    expect(formatValue(0.8, '%', 4)).toBe('0.8000 %');
    expect(formatValue(-2.25, '', 4)).toBe('-2.250');
  });
});

describe('dataScript', () => {
  it('sets the data as inert JSON, with no "<" a parser could take for a tag', () => {
    const data = build([run(0, CPU_ONLY, { hostile: true })]);
    const script = dataScript(data);
    expect(script).not.toContain('<');
    const globals: Record<string, unknown> = {};
    new Function('globalThis', script)(globals);
    const names = (globals.PERFGATE_DASHBOARD as DashboardData).series.map((s) => s.suite);
    expect(names).toContain(HOSTILE);
  });
});
