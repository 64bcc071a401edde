// The run model of the history check (issue #26) through compareResults: the run factor taken
// out of a suite's metrics and judged as its own row, and the spreads pooled across the suite.
// The runs are built here, each value a product of named factors, so that each assertion says
// which factor it is about.
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import { runMedians } from '../../src/compare/runLevel.js';
import { runModelNotes } from '../../src/compare/notes.js';
import { WHOLE_RUN_METRIC } from '../../src/compare/runModel.js';
import type { Results } from '../../src/results/schema.js';
import type { VariancePrior } from '../../src/stats/moderated.js';
import { mulberry32 } from '../../src/stats/random.js';

const METRICS = 12;
/** Metric 0 is a throughput (higher is better): a slower run lowers it. */
const direction = (i: number) => (i === 0 ? 'higher' : 'lower');

/** One run: each metric 100 × the run's cost factor (inverted for throughput) × its own factor. */
function run(machine: number, own: (i: number) => number, day: number): Results {
  return {
    schema: 'perfgate/results@1',
    createdAt: new Date(Date.UTC(2026, 11, day)).toISOString(),
    suites: [
      {
        name: 'api',
        metrics: Array.from({ length: METRICS }, (_, i) => ({
          name: `m${i}`,
          unit: 'ms',
          direction: direction(i),
          samples: [100 * (i === 0 ? 1 / machine : machine) * own(i)],
        })),
      },
    ],
  };
}

const normal = (random: () => number) => () =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Ten stored runs whose machine factor spreads 6 % and each metric's own part 0.5 % (or ownCv(i)). */
function storedRuns(
  seed: number,
  machineCv = 0.06,
  ownCv: number | ((i: number) => number) = 0.005,
): Results[] {
  const z = normal(mulberry32(seed));
  const cv = typeof ownCv === 'number' ? () => ownCv : ownCv;
  return Array.from({ length: 10 }, (_, r) => {
    const machine = Math.exp(machineCv * z());
    const own = Array.from({ length: METRICS }, (_, i) => Math.exp(cv(i) * z()));
    return run(machine, (i) => own[i] as number, r + 1);
  });
}

const compare = (stored: Results[], head: Results, policy = {}) =>
  compareResults(runMedians(stored, 'stored'), runMedians([head], 'head'), policy, 'run');
/** A log-scale variance as the notes give it: its standard deviation in percent. */
const percent = (variance: number) => `${+(100 * Math.sqrt(variance)).toFixed(1)} %`;
const verdictOf = (c: ReturnType<typeof compare>, metric: string) =>
  c.metrics.find((m) => m.metric === metric);

describe('the run factor', () => {
  const stored = storedRuns(5);

  it("takes a 10 % slower machine out of every metric, and finds one metric's own +12 %", () => {
    const head = run(1.1, (i) => (i === 3 ? 1.12 : 1), 20);
    const result = compare(stored, head);
    const m3 = verdictOf(result, 'm3');
    expect(m3?.verdict).toBe('regression');
    expect(m3?.change).toBeGreaterThan(0.09);
    expect(m3?.change).toBeLessThan(0.15);
    // Every other metric, the throughput included, is its own again: unchanged.
    for (let i = 0; i < METRICS; i++) {
      if (i !== 3) expect(verdictOf(result, `m${i}`)?.verdict, `m${i}`).toBe('unchanged');
    }
    const [factor] = result.runModel?.factors ?? [];
    expect(factor?.suite).toBe('api');
    expect(factor?.metrics).toBe(METRICS);
    expect(factor?.weight).toBeGreaterThan(0.9);
    expect(factor?.change).toBeGreaterThan(0.07);
    expect(factor?.change).toBeLessThan(0.13);
    expect(result.notes.join('\n')).toMatch(
      /api: as a whole this run was \d+(\.\d)? % slower than the stored runs \(read off 12 metrics, row "\(whole run\)"\); the stored runs share such a factor, and \d+(\.\d)? % of it is taken out of each metric/,
    );
  });

  it('without it, a +12 % is lost in the machine-to-machine spread', () => {
    const head = run(1, (i) => (i === 3 ? 1.12 : 1), 20);
    expect(verdictOf(compare(stored, head), 'm3')?.verdict).toBe('regression');
    const result = compare(stored, head, { runFactor: 'none' });
    expect(verdictOf(result, 'm3')?.verdict).not.toBe('regression');
    expect(result.runModel?.factors).toEqual([]);
    expect(verdictOf(result, WHOLE_RUN_METRIC)).toBeUndefined();
  });

  it('calls a run that moved as a whole not seen, never green and never red', () => {
    // +40 %: far beyond a 6 % machine spread. A slower machine, or a change that slows all?
    const head = run(1.4, () => 1, 20);
    const result = compare(stored, head);
    const whole = verdictOf(result, WHOLE_RUN_METRIC);
    expect(whole?.verdict).toBe('unseen');
    expect(whole?.significant).toBe(true);
    expect(whole?.notes.join(' ')).toMatch(/history cannot|same-run A\/B/);
    expect(result.counts.regression).toBe(0);
    expect(result.counts.unseen).toBeGreaterThanOrEqual(1);
  });

  it('takes out none of it where the stored runs share no factor', () => {
    const independent = storedRuns(9, 0, 0.06);
    const result = compare(
      independent,
      run(1, () => 1, 20),
    );
    expect(result.runModel?.factors[0]?.weight).toBeLessThan(0.5);
  });

  it('leaves a suite of fewer than three metrics as measured', () => {
    const two = (machine: number, day: number): Results => {
      const results = run(machine, () => 1, day);
      const [suite] = results.suites;
      return { ...results, suites: [{ ...suite!, metrics: suite!.metrics.slice(0, 2) }] };
    };
    const result = compare(
      Array.from({ length: 6 }, (_, r) => two(1 + 0.01 * r, r + 1)),
      two(1.02, 20),
    );
    expect(result.runModel?.factors).toEqual([]);
  });
});

describe('pooled spreads', () => {
  // Each metric its own 6 % run effect, no machine factor: what pooling is for.
  const stored = storedRuns(11, 0, 0.06);

  it('lean each spread on the suite and say so, with more degrees of freedom than 9', () => {
    const result = compare(
      stored,
      run(1, (i) => (i === 2 ? 1.3 : 1), 20),
    );
    const [spread] = result.runModel?.spreads ?? [];
    expect(spread?.suite).toBe('api');
    expect(spread?.prior.df).toBeGreaterThan(0);
    // Twelve spreads this alike leave no room for spreads that differ, even at the bound: a
    // spread above the pool leans on it with the same weight, and the note gives one.
    const { df, dfAbove } = spread!.prior;
    expect(dfAbove).toBe(df);
    expect(result.notes).toContain(
      `api: run-to-run spread pooled across 12 metrics (about ${percent(spread!.prior.variance)}, ` +
        `worth ${+df.toFixed(1)} runs), each metric's own shrunk towards it (compare.runSpread)`,
    );
    expect(verdictOf(result, 'm2')?.verdict).toBe('regression');
  });

  it('lean on the pool with less weight above it where the spreads differ, and say both', () => {
    // Own spreads from 3 % to 9 %, log-uniform over the metrics.
    const differ = storedRuns(11, 0, (i) => 0.03 * 3 ** (i / (METRICS - 1)));
    const result = compare(
      differ,
      run(1, () => 1, 20),
    );
    const { df, dfAbove, variance } = result.runModel!.spreads[0]!.prior;
    expect(dfAbove).toBeLessThan(df);
    expect(result.notes).toContain(
      `api: run-to-run spread pooled across 12 metrics (about ${percent(variance)}, ` +
        `worth ${+df.toFixed(1)} runs, ${+dfAbove!.toFixed(1)} for a metric above it), each ` +
        "metric's own shrunk towards it (compare.runSpread)",
    );
  });

  it('say which metric keeps its own spread: one five times noisier than the rest', () => {
    const z = normal(mulberry32(3));
    const noisier = stored.map((r) => ({
      ...r,
      suites: r.suites.map((suite) => ({
        ...suite,
        metrics: suite.metrics.map((m) =>
          m.name === 'm5' ? { ...m, samples: m.samples.map((v) => v * Math.exp(0.3 * z())) } : m,
        ),
      })),
    }));
    const result = compare(
      noisier,
      run(1, () => 1, 20),
    );
    expect(result.runModel?.spreads[0]?.own).toEqual(['m5']);
    expect(result.notes).toContain(
      "api: m5 keeps its own run-to-run spread, well above what the suite's other metrics share",
    );
    expect(
      compare(
        stored,
        run(1, () => 1, 20),
      ).notes.join('\n'),
    ).not.toMatch(/own run-to-run/);
  });

  it("are the prediction test's own spreads with runSpread: own", () => {
    const own = compare(
      stored,
      run(1, () => 1, 20),
      { runSpread: 'own', runFactor: 'none' },
    );
    expect(own.runModel?.spreads).toEqual([]);
    expect(own.notes.join('\n')).not.toMatch(/pooled across/);
  });
});

describe('runModelNotes', () => {
  const noted = (prior: VariancePrior) =>
    runModelNotes({ factors: [], spreads: [{ suite: 'api', metrics: 4, prior, own: [] }] })[0];

  it('gives the weight above the pool only where it is less, and says when it is none', () => {
    const pool = { df: 36, variance: 0.0036 };
    expect(noted({ ...pool, dfAbove: 36 })).toContain('(about 6 %, worth 36 runs), each');
    expect(noted({ ...pool, dfAbove: 12.34 })).toContain(
      '(about 6 %, worth 36 runs, 12.3 for a metric above it), each',
    );
    expect(noted({ ...pool, dfAbove: 0 })).toContain(
      '(about 6 %, worth 36 runs, none for a metric above it), each',
    );
  });
});
