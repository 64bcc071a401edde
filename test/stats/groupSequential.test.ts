import { describe, expect, it } from 'vitest';
import {
  boundaryFor,
  conditionalPower,
  crossingProbability,
  sequentialPValue,
} from '../../src/stats/groupSequential.js';
import { mulberry32 } from '../../src/stats/random.js';
import { normals } from '../../benchmarks/detection/noise.js';

const equal = (k: number) => Array.from({ length: k }, (_, i) => (i + 1) / k);

describe('O’Brien-Fleming boundary', () => {
  it('reproduces Jennison and Turnbull’s Table 2.3 (two-sided 5 %, equal looks)', () => {
    // C_B(K, 0.05) for K = 1..5: 1.960, 1.977, 2.004, 2.024, 2.040.
    expect(boundaryFor(0.05, equal(1))).toBeCloseTo(1.96, 3);
    expect(boundaryFor(0.05, equal(2))).toBeCloseTo(1.977, 3);
    expect(boundaryFor(0.05, equal(3))).toBeCloseTo(2.004, 3);
    expect(boundaryFor(0.05, equal(4))).toBeCloseTo(2.024, 3);
    expect(boundaryFor(0.05, equal(5))).toBeCloseTo(2.04, 3);
  });

  it('matches a seeded Brownian-motion simulation at unequal looks', () => {
    const times = [4, 6, 8, 10, 12].map((n) => n / 12);
    const c = 2.2;
    const z = normals(mulberry32(3));
    let crossed = 0;
    const paths = 100_000;
    for (let p = 0; p < paths; p++) {
      let b = 0;
      let previous = 0;
      for (const t of times) {
        b += Math.sqrt(t - previous) * z();
        previous = t;
        if (Math.abs(b) >= c) {
          crossed++;
          break;
        }
      }
    }
    // Binomial sd at p ≈ 0.04: √(0.04 × 0.96 / 1e5) ≈ 6e-4; allow 4 sd.
    expect(Math.abs(crossed / paths - crossingProbability(c, times))).toBeLessThan(2.5e-3);
  });
});

describe('sequentialPValue', () => {
  const times = [0.25, 0.5, 0.75, 1];

  it('is never below the p of the look alone, and equal to it for a single look', () => {
    expect(sequentialPValue(0.01, 1, [1])).toBeCloseTo(0.01, 3);
    for (const p of [0.5, 0.05, 1e-3, 1e-6]) {
      expect(sequentialPValue(p, 1, times)).toBeGreaterThanOrEqual(p);
      expect(sequentialPValue(p, 0.25, times)).toBeGreaterThan(sequentialPValue(p, 1, times));
    }
    expect(sequentialPValue(1, 0.5, times)).toBe(1);
  });

  it('refuses a look time that was not planned', () => {
    expect(() => sequentialPValue(0.1, 0.4, times)).toThrow(/not one of the planned looks/);
  });
});

describe('conditionalPower', () => {
  // scipy 1.17: from scipy.stats import norm; import math
  //   norm.cdf((z * math.sqrt(t) + d * (1 - t) - c) / math.sqrt(1 - t))
  it('agrees with scipy', () => {
    const cases: [number, number, number, number, number][] = [
      [1.0, 0.25, 2.5, 2.1, 0.6245840579554415],
      [-0.5, 0.5, 1.2, 3.02, 4.3836220854509396e-5],
      [2.3, 0.8, 0.4, 2.6, 0.15035983826852933],
    ];
    for (const [z, t, drift, boundary, expected] of cases) {
      expect(conditionalPower(z, t, drift, boundary)).toBeCloseTo(expected, 10);
    }
  });

  it('refuses a look time outside (0, 1): at the end there is nothing left to predict', () => {
    expect(() => conditionalPower(1, 1, 2, 2)).toThrow(/look time 1 is not in \(0, 1\)/);
  });
});
