import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hodgesLehmann } from '../../src/stats/hodgesLehmann.js';
import { differenceOrderStatistics } from '../../src/stats/pairwiseDifferences.js';
import { mulberry32 } from '../../src/stats/random.js';

/** What hodgesLehmann did before selection: every difference, sorted (-0 before +0). */
function sortedDifferences(x: readonly number[], y: readonly number[]): Float64Array {
  const diffs = new Float64Array(x.length * y.length);
  let at = 0;
  for (const xi of x) for (const yj of y) diffs[at++] = xi - yj;
  return diffs.sort();
}

/** The order statistics hodgesLehmann reads: both bounds for k, and the one or two medians. */
function ranksFor(total: number, k: number): number[] {
  const half = Math.floor(total / 2);
  return [k, total + 1 - k, ...(total % 2 === 1 ? [half + 1] : [half, half + 1])];
}

/** Samples with many ties, zeros of both signs and a wide range, as trials of real metrics are not. */
function sample(random: () => number, size: number, kind: number): number[] {
  return Array.from({ length: size }, () => {
    const u = random();
    switch (kind % 4) {
      case 0:
        return Math.round(u * 8) / 2; // heavy ties
      case 1:
        return u < 0.3 ? (random() < 0.5 ? -0 : 0) : u - 0.5; // signed zeros
      case 2:
        return Math.exp(40 * (u - 0.5)) * (random() < 0.5 ? -1 : 1); // many magnitudes
      default:
        return 10 + u;
    }
  });
}

describe('differenceOrderStatistics', () => {
  it('selects exactly the entries of the full sort, signed zeros included', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(random() * 40);
      const m = 1 + Math.floor(random() * 40);
      const x = sample(random, n, round);
      const y = sample(random, m, round + (round >> 2));
      const sorted = sortedDifferences(x, y);
      const ranks = Array.from({ length: 12 }, () => 1 + Math.floor(random() * n * m));
      ranks.push(1, n * m);
      // sortLimit 0: select even from a handful of entries, so the selection itself is tested.
      const selected = differenceOrderStatistics(x, y, ranks, 0);
      ranks.forEach((rank, i) => expect(Object.is(selected[i], sorted[rank - 1])).toBe(true));
    }
  });

  it('matches the full sort up to a million differences, where the default sorts no more', () => {
    const random = mulberry32(11);
    for (const [n, m, kind] of [
      [1000, 1000, 0],
      [700, 900, 1],
      [1000, 999, 2],
      [300, 2000, 3],
    ] as const) {
      const x = sample(random, n, kind);
      const y = sample(random, m, kind);
      const sorted = sortedDifferences(x, y);
      const ranks = ranksFor(n * m, 1 + Math.floor(random() * 1000));
      const selected = differenceOrderStatistics(x, y, ranks);
      expect(selected).toEqual(ranks.map((rank) => sorted[rank - 1]));
    }
  });

  it('refuses a rank outside 1..n·m', () => {
    expect(() => differenceOrderStatistics([1, 2], [3], [0])).toThrow(RangeError);
    expect(() => differenceOrderStatistics([1, 2], [3], [3])).toThrow(RangeError);
  });
});

describe('hodgesLehmann by selection', () => {
  interface Case {
    name: string;
    x: number[];
    y: number[];
    lower: number;
    upper: number;
    estimate: number;
  }
  const fixtures = ['hodges-lehmann.exact.json', 'hodges-lehmann.asymptotic.json'].flatMap(
    (file) =>
      (
        JSON.parse(readFileSync(new URL(`../fixtures/stats/${file}`, import.meta.url), 'utf8')) as {
          cases: Case[];
        }
      ).cases,
  );

  it.each(fixtures)(
    'selects the R/numpy bounds and median of $name',
    ({ x, y, lower, upper, estimate }) => {
      const total = x.length * y.length;
      const sorted = sortedDifferences(x, y);
      // The fixture's k is the rank of its lower bound in the full sort.
      const k = sorted.indexOf(lower) + 1;
      const [low, high, ...median] = differenceOrderStatistics(x, y, ranksFor(total, k), 0);
      expect(low).toBe(lower);
      expect(high).toBe(upper);
      expect(median.length === 1 ? median[0] : (median[0]! + median[1]!) / 2).toBe(estimate);
    },
  );

  it('handles 200,000 trials per side in a couple of seconds, where n·m doubles would not fit', () => {
    const random = mulberry32(3);
    const x = Array.from({ length: 200_000 }, () => 100 + random() * 10);
    const y = Array.from({ length: 200_000 }, () => 99 + random() * 10);
    const started = performance.now();
    const result = hodgesLehmann(x, y);
    const seconds = (performance.now() - started) / 1000;
    // The true shift is 1; the interval of 200k per side is a few hundredths wide around it.
    expect(result.estimate).toBeGreaterThan(0.95);
    expect(result.estimate).toBeLessThan(1.05);
    expect(result.lower).toBeLessThan(result.estimate);
    expect(result.upper).toBeGreaterThan(result.estimate);
    expect(result.upper - result.lower).toBeLessThan(0.1);
    expect(seconds).toBeLessThan(4);
  });
});
