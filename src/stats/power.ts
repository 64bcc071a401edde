/**
 * Power of the two-sided Mann-Whitney test as perfgate runs it: the smallest shift it detects, and
 * the trials it needs to detect a given one.
 *
 * Assumption: a normal shift model, base ~ N(0, 1) and head ~ N(δ, 1), so shifts are in units of
 * the trials' standard deviation σ; "detects" means two-sided p < `level` (strict, as the verdict)
 * with probability `power`. Callers pass level = alpha / family for a lone change among `family`
 * adjusted metrics, as minTrials.ts does for its advice.
 *
 * Method, where mannWhitney.ts uses the exact distribution (both sizes below 50): the test
 * rejects "head higher" exactly when U ≥ u*, the smallest u with 2 P₀(U ≥ u) < level, so
 * discreteness is kept: 6 vs 6 at level 0.05 / 20 rejects only on complete separation (2 / 924 =
 * 0.0022). The power at a shift δ is P_δ(U ≥ u*), with U under the shift taken as normal with
 * Lehmann's exact mean and variance (Nonparametrics, 1975, §2.3): mean nm p₁, variance
 * nm [p₁(1 − p₁) + (n + m − 2)(p₂ − p₁²)], p₁ = Φ(δ/√2) = P(head > base) and p₂ = P(two heads
 * both above one base) = P(one head above two bases) = Φ₂(δ/√2, δ/√2; ½), with a continuity
 * correction at u*; the detected shift solves power(δ) = `power` by bisection. Checked against a
 * seeded simulation of 1,000 draws per size (the method this replaced; test/stats/power.test.ts):
 * within 0.5 points of detectable change at a trial σ of 10 % for n = m ≥ 10 at levels 0.05 to
 * 0.0005 (3 % of δ at most). At smaller sizes, where u* leaves only a few arrangements in the
 * rejection region and the normal shape fails (20 % off at 4 vs 4), the simulation itself is used
 * (sizes up to SIMULATED_UP_TO a side: cheap there). Memoised per (n, m, level).
 * Larger samples, where the test is the normal approximation, use Noether's formula (JASA 82,
 * 1987): nm (Φ(δ / √2) − ½) = (z_{1−level/2} + z_power) σ_U, σ_U² = nm (n + m + 1) / 12.
 * The simulation: for one draw of standard normals x (base) and y (head), U(δ) = #{y_j + δ > x_i}
 * reaches u* once δ exceeds the u*-th smallest of x_i − y_j: that order statistic is the draw's
 * own detection threshold, and the shift detected with probability `power` is the `power`
 * quantile of those thresholds over the draws (a rejection in the wrong direction is left out: at
 * 80 % power it is below 1e-6).
 */
import { InputError } from '../errors.js';
import { normalCdf, normalQuantile } from './normal.js';
import { mulberry32 } from './random.js';
import { exactByDefault, exactUCounts } from './uDistribution.js';

/** Seeded draws per small (n, m, level): the 80 % quantile moves by about 0.01 σ between seeds. */
const DRAWS = 1000;
const SEED = 0x6d4de;
/** Bisection steps for a draw's threshold: the range of its differences over 2^32. */
const BISECTIONS = 32;

/** Sizes up to this a side are simulated: there the normal shape of U under a shift fails. */
const SIMULATED_UP_TO = 10;

/** Up to this many trials per side trialsToDetect searches; beyond, it answers null. */
const MAX_TRIALS = 100_000;

const CACHE = new Map<string, number>();
const CACHE_SIZE = 512;

function check(n: number, m: number, level: number, power: number): void {
  for (const [name, size] of [
    ['n', n],
    ['m', m],
  ] as const) {
    if (!(Number.isInteger(size) && size >= 1)) {
      throw new InputError(`sample size ${name} must be a positive integer, got ${size}`);
    }
  }
  if (!(level > 0 && level < 1)) throw new InputError(`level ${level} is not in (0, 1)`);
  if (!(power > 0 && power < 1)) throw new InputError(`power ${power} is not in (0, 1)`);
}

/**
 * The smallest shift, in σ, that n base and m head trials detect with probability `power` at
 * two-sided `level`; Infinity when no data reach the level (too few trials).
 */
export function detectableShift(n: number, m: number, level: number, power = 0.8): number {
  check(n, m, level, power);
  const key = `${n},${m},${level},${power}`;
  let shift = CACHE.get(key);
  if (shift === undefined) {
    shift = !exactByDefault(n, m)
      ? noetherShift(n, m, level, power)
      : Math.max(n, m) <= SIMULATED_UP_TO
        ? simulatedShift(n, m, level, power)
        : lehmannShift(n, m, level, power);
    if (CACHE.size >= CACHE_SIZE) CACHE.delete(CACHE.keys().next().value as string);
    CACHE.set(key, shift);
  }
  return shift;
}

/** u*: the smallest U of the head with 2 P₀(U ≥ u) < level, or null when none is. */
function criticalU(n: number, m: number, level: number): number | null {
  const { counts } = exactUCounts(n, m);
  const total = counts.reduce((a, b) => a + b, 0);
  let upper = 0;
  let critical: number | null = null;
  for (let u = counts.length - 1; u >= 0; u--) {
    upper += counts[u] as number;
    if (2 * (upper / total) >= level) break;
    critical = u;
  }
  return critical;
}

function simulatedShift(n: number, m: number, level: number, power: number): number {
  const critical = criticalU(n, m, level);
  if (critical === null) return Infinity;
  const uniform = mulberry32(SEED);
  // Standard normals by the inverse CDF: one uniform each, so draws never depend on pairing.
  const normal = (): number => normalQuantile((uniform() * 2 ** 32 + 0.5) / 2 ** 32);
  const thresholds = new Float64Array(DRAWS);
  for (let d = 0; d < DRAWS; d++) {
    const x = Float64Array.from({ length: n }, normal).sort();
    const y = Float64Array.from({ length: m }, normal).sort();
    // U(δ) counts pairs with x_i − y_j < δ: it reaches u* past the u*-th smallest difference.
    thresholds[d] = smallestWithCount(x, y, critical);
  }
  thresholds.sort();
  return thresholds[Math.ceil(power * DRAWS) - 1] as number;
}

/** The shift detected with probability `power` by the normal shape of U under the shift. */
function lehmannShift(n: number, m: number, level: number, power: number): number {
  const critical = criticalU(n, m, level);
  if (critical === null) return Infinity;
  const detects = (delta: number): boolean => {
    const d = delta / Math.SQRT2;
    const p1 = normalCdf(d);
    const p2 = bothAbove(d);
    const variance = n * m * (p1 * (1 - p1) + (n + m - 2) * (p2 - p1 * p1));
    return 1 - normalCdf((critical - 0.5 - n * m * p1) / Math.sqrt(variance)) >= power;
  };
  // The power rises with δ: bisect on [0, 40] to 2^-40 of it.
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (detects(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Φ₂(d, d; ½), the chance that two standard normals with correlation ½ both stay below d, by
 * Owen's identity Φ₂(d, d; ρ) = Φ(d) − 2 T(d, √((1 − ρ) / (1 + ρ))) (Owen, Ann. Math. Stat. 27,
 * 1956), T(h, a) = (1 / 2π) ∫₀^a e^{−h²(1 + x²)/2} / (1 + x²) dx by Simpson's rule: the integrand
 * is smooth on the short interval [0, 1/√3], and 32 steps give about 1e-10.
 */
function bothAbove(d: number): number {
  const a = Math.sqrt(1 / 3);
  const steps = 32;
  const f = (x: number) => Math.exp((-d * d * (1 + x * x)) / 2) / (1 + x * x);
  let sum = f(0) + f(a);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * f((i * a) / steps);
  const owenT = (sum * a) / (3 * steps) / (2 * Math.PI);
  return normalCdf(d) - 2 * owenT;
}

/**
 * The smallest δ with #{(i, j): x_i − y_j < δ} ≥ k, up to 2^-32 of the range, for ascending x and
 * y: a bisection on δ whose every count is one two-pointer walk, O(n + m). (pairwiseDifferences.ts
 * selects exact order statistics for Hodges-Lehmann; this is the thousand-draws loop, where its
 * per-call setup costs ten times more.)
 */
function smallestWithCount(x: Float64Array, y: Float64Array, k: number): number {
  const below = (delta: number): number => {
    // For ascending x_i, the y_j with y_j > x_i − δ form a suffix whose start only moves right.
    let count = 0;
    let j = 0;
    for (const xi of x) {
      while (j < y.length && (y[j] as number) <= xi - delta) j++;
      count += y.length - j;
    }
    return count;
  };
  let lo = (x[0] as number) - (y[y.length - 1] as number);
  let hi = (x[x.length - 1] as number) - (y[0] as number) + 1e-12;
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = (lo + hi) / 2;
    if (below(mid) >= k) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The mean of the standardized U statistic (the z of the normal approximation) for a normal shift
 * of `shift` σ with n base and m head trials, by Noether's formula: nm (Φ(δ / √2) − ½) / σ_U.
 */
export function noetherDrift(shift: number, n: number, m: number): number {
  return (n * m * (normalCdf(shift / Math.SQRT2) - 0.5)) / Math.sqrt((n * m * (n + m + 1)) / 12);
}

function noetherShift(n: number, m: number, level: number, power: number): number {
  const z = normalQuantile(1 - level / 2) + normalQuantile(power);
  const excess = z * Math.sqrt((n + m + 1) / (12 * n * m));
  // P(head > base) = Φ(δ / √2) must exceed ½ by `excess`; at ½ or more no shift is enough.
  return excess >= 0.5 ? Infinity : Math.SQRT2 * normalQuantile(0.5 + excess);
}

/**
 * The fewest trials per side (equal sizes) that detect `shift` σ with probability `power` at
 * two-sided `level`; null beyond MAX_TRIALS. Noether's formula gives the start, a walk with the
 * simulated shifts the answer: the walk visits only sizes near it, so that a comparison of many
 * metrics simulates few sizes (each about 10 ms at 40 trials).
 */
export function trialsToDetect(shift: number, level: number, power = 0.8): number | null {
  check(1, 1, level, power);
  if (!(shift > 0)) throw new InputError(`shift ${shift} is not positive`);
  const detects = (n: number): boolean => detectableShift(n, n, level, power) <= shift;
  if (!detects(MAX_TRIALS)) return null;
  // The smallest n Noether's formula accepts (it falls with n), by bisection: no simulation.
  let lo = 0;
  let hi = MAX_TRIALS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (noetherShift(mid, mid, level, power) <= shift) hi = mid;
    else lo = mid;
  }
  let n = hi;
  if (!exactByDefault(n, n) && !exactByDefault(n - 1, n - 1)) return n;
  while (!detects(n)) n++;
  while (n > 1 && detects(n - 1)) n--;
  return n;
}
