import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../src/stats/mannWhitney.js';
import { detectableShift, noetherDrift, trialsToDetect } from '../../src/stats/power.js';
import { mulberry32 } from '../../src/stats/random.js';
import { normals } from '../../benchmarks/detection/noise.js';

/** Simulated power of the two-sided test as perfgate runs it (mannWhitneyU, p < level). */
function simulatedPower(n: number, m: number, level: number, shift: number, draws: number): number {
  const z = normals(mulberry32(99));
  let hits = 0;
  for (let d = 0; d < draws; d++) {
    const base = Array.from({ length: n }, z);
    const head = Array.from({ length: m }, () => z() + shift);
    if (mannWhitneyU(head, base).p < level) hits++;
  }
  return hits / draws;
}

describe('detectableShift', () => {
  it('is Infinity where no data reach the level, and exact about discreteness', () => {
    // 3 vs 3: the best two-sided p is 2 / 20 = 0.1, never below 0.05.
    expect(detectableShift(3, 3, 0.05)).toBe(Infinity);
    // 6 vs 6 at 0.05 / 20: only complete separation (2 / 924 = 0.0022) rejects, so 80 % power
    // needs P(every head trial above every base trial) = 0.8: a shift of about 3.2 σ.
    expect(detectableShift(6, 6, 0.0025)).toBeGreaterThan(3);
    expect(detectableShift(6, 6, 0.0025)).toBeLessThan(3.5);
  });

  // Up to 10 a side the detectable shift is itself simulated; beyond, Lehmann's normal shape of U
  // under the shift (power.ts): both must give 80 % power to the test perfgate runs.
  it.each([
    [6, 6, 0.0025],
    [10, 10, 0.05],
    [8, 12, 0.01],
    [11, 11, 0.005],
    [12, 12, 0.05],
    [20, 20, 0.0025],
    [30, 30, 0.0025],
    [15, 25, 0.0005],
    [49, 49, 0.05],
  ])('gives 80 %% power in simulation at %i vs %i, level %f', (n, m, level) => {
    const shift = detectableShift(n, m, level);
    // 2,000 draws: binomial sd 0.9 percentage points around 80 %.
    const power = simulatedPower(n, m, level, shift, 2000);
    expect(power).toBeGreaterThan(0.77);
    expect(power).toBeLessThan(0.83);
  });

  it('uses Noether’s formula from 50 trials on, continuous with the simulation below', () => {
    const below = detectableShift(49, 49, 0.0025);
    const above = detectableShift(50, 50, 0.0025);
    expect(Math.abs(above - below) / below).toBeLessThan(0.03);
  });

  it('repeats exactly (seeded)', () => {
    expect(detectableShift(7, 9, 0.003)).toBe(detectableShift(7, 9, 0.003));
  });
});

describe('trialsToDetect', () => {
  it('finds the fewest equal trials whose detectable shift is at most the one asked', () => {
    const n = trialsToDetect(1, 0.0025) as number;
    expect(detectableShift(n, n, 0.0025)).toBeLessThanOrEqual(1);
    expect(detectableShift(n - 1, n - 1, 0.0025)).toBeGreaterThan(1);
  });
});

describe('noetherDrift', () => {
  // scipy 1.17: n * m * (norm.cdf(s / math.sqrt(2)) - 0.5) / math.sqrt(n * m * (n + m + 1) / 12)
  it('agrees with scipy', () => {
    const cases: [number, number, number, number][] = [
      [0.5, 10, 10, 1.0444155843847975],
      [0.163, 20, 20, 0.49642157688840527],
      [1.0, 6, 9, 1.6562204694376859],
    ];
    for (const [shift, n, m, expected] of cases) {
      expect(noetherDrift(shift, n, m)).toBeCloseTo(expected, 10);
    }
  });

  it('is the mean standardized U under a normal shift (seeded simulation)', () => {
    // 20 vs 20 trials, head shifted by 0.8 σ: (U − nm/2) / σ_U averages Noether's drift.
    const z = normals(mulberry32(8));
    const [n, m, draws] = [20, 20, 2000];
    const sdU = Math.sqrt((n * m * (n + m + 1)) / 12);
    let sum = 0;
    for (let i = 0; i < draws; i++) {
      const base = Array.from({ length: n }, z);
      const head = Array.from({ length: m }, () => z() + 0.8);
      sum += (mannWhitneyU(head, base).U - (n * m) / 2) / sdU;
    }
    // The mean of 2000 draws of unit spread is within ±0.07 (3 standard errors).
    expect(Math.abs(sum / draws - noetherDrift(0.8, n, m))).toBeLessThan(0.07);
  });
});
