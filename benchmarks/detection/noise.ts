/**
 * Seeded noise for the benchmarks: the same seed gives the same numbers on every machine.
 *
 * - Uniforms: mulberry32 (32-bit state, Tommy Ettinger's public-domain generator).
 * - Standard normals: Box-Muller, both outputs used.
 * - Trial values: 100 × (1 + shift) × exp(σZ − σ²/2), Z standard normal, σ² = ln(1 + cv²): a
 *   log-normal factor with mean exactly 1 and coefficient of variation exactly `cv`, so a trial
 *   is right-skewed (slow outliers, never negative) like real timings.
 */

import { mulberry32, type Uniform } from '../../src/stats/random.js';

export { mulberry32, type Uniform };

/** Standard normals by Box-Muller; the second value of each pair is kept for the next call. */
export function normals(uniform: Uniform): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u1 = 1 - uniform(); // in (0, 1]: log(u1) is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

export interface TrialNoise {
  /** `n` trial values around 100 × (1 + shift) with the noise's coefficient of variation. */
  trials(n: number, shift: number): number[];
}

export const BASE_VALUE = 100;

/** Log-normal trial noise with mean 1 and coefficient of variation `cv`, from a seeded stream. */
export function logNormalNoise(cv: number, seed: number): TrialNoise {
  const factor = logNormalFactor(cv, normals(mulberry32(seed)));
  return {
    trials: (n, shift) => Array.from({ length: n }, () => BASE_VALUE * (1 + shift) * factor()),
  };
}

/**
 * Log-normal factors exp(σZ − σ²/2) with mean 1 and coefficient of variation `cv`, one standard
 * normal from `z` each. A CV of 0 still consumes its normal, so streams that share `z` stay aligned
 * whatever the CV (common random numbers across CVs).
 */
export function logNormalFactor(cv: number, z: () => number): () => number {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return () => Math.exp(sigma * z() - (sigma * sigma) / 2);
}
