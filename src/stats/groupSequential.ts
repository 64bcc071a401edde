/**
 * Group-sequential testing with planned looks: the O'Brien-Fleming boundary and the sequential
 * p-value that lets a family of metrics be adjusted at every look.
 *
 * Assumption: at look k a two-sided test statistic Z_k is standard normal under the null, and the
 * statistics of successive looks on growing data behave like Brownian motion in information
 * time t_k ∈ (0, 1] (the "canonical joint distribution": the B-values B_k = Z_k √t_k have
 * independent normal increments of variance t_k − t_{k−1}). Rank statistics on accumulating
 * two-sample data have it asymptotically, as sums of their Hoeffding projections.
 *
 * Boundary: O'Brien and Fleming (Biometrics 35, 1979) in the Wang-Tsiatis family with Δ = 0
 * (Biometrics 43, 1987): reject at look k when |B_k| ≥ c, i.e. |Z_k| ≥ c / √t_k, one constant for
 * every look. Early looks need overwhelming evidence, the last one nearly the fixed test's
 * (Jennison and Turnbull, "Group Sequential Methods with Applications to Clinical Trials", 2000,
 * Table 2.3: c = 2.040 for five equal looks at two-sided 5 %, against 1.960 without looks).
 * Whether a look happens cannot depend on the data, but looks may be skipped: the crossing
 * probability over fewer looks is smaller.
 *
 * Sequential p-value ("repeated p-value", Jennison and Turnbull §9.1): the level at which the
 * boundary through the observed |B_k| would have been crossed, P₀(max_j |B_j| ≥ |B_k|) over all
 * planned looks. For every u, P₀(some look has p̃ ≤ u) = u, so p̃ can go through an ordinary
 * multiple-testing adjustment at each look.
 *
 * The crossing probability is the recursive numerical integration of Armitage, McPherson and Rowe
 * (JRSS A 132, 1969): the density of B on (−c, c) carried from look to look by the normal
 * increment (Simpson's rule), the crossing at each look summed from normal tails so that small
 * probabilities keep their relative accuracy.
 */
import { InputError } from '../errors.js';
import { normalCdf, normalQuantile, normalSf } from './normal.js';

/**
 * Simpson step on the B scale, at most a fifth of the smallest increment's sd: against a step of
 * 0.02 it changes crossing probabilities by about 2e-6 of their value.
 */
const GRID_STEP = 0.05;
/** Above this |B| the union bound Σ_k P(|Z| ≥ c / √t_k) is within a hair of the truth. */
const UNION_FROM = 6;
/** p̃ is looked up at |B| rounded down to this step: rounding down only makes p̃ larger. */
const TABLE_STEP = 0.01;

/** Information fractions of the planned looks: increasing, in (0, 1], the last one 1. */
function checkTimes(times: readonly number[]): void {
  const ok =
    times.length > 0 &&
    times.every((t, i) => t > 0 && t <= 1 && (i === 0 || t > (times[i - 1] as number))) &&
    times[times.length - 1] === 1;
  if (!ok) {
    throw new InputError(
      `look times must increase within (0, 1] and end at 1, got ${times.join(', ')}`,
    );
  }
}

const standardDensity = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** P₀(|B_k| ≥ c at some planned look k): the level of the O'Brien-Fleming boundary c. */
export function crossingProbability(c: number, times: readonly number[]): number {
  checkTimes(times);
  if (!(c > 0)) return 1;
  if (c >= UNION_FROM) return unionBound(c, times);
  // Simpson grid on (−c, c): an even number of intervals.
  const smallest = Math.min(
    ...times.map((t, k) => Math.sqrt(t - (k === 0 ? 0 : (times[k - 1] as number)))),
  );
  const intervals = 2 * Math.ceil(c / Math.min(GRID_STEP, smallest / 5));
  const h = (2 * c) / intervals;
  const xs = Array.from({ length: intervals + 1 }, (_, i) => -c + i * h);
  const weights = xs.map((_, i) =>
    i === 0 || i === intervals ? h / 3 : i % 2 === 1 ? (4 * h) / 3 : (2 * h) / 3,
  );
  const t1 = times[0] as number;
  let crossed = 2 * normalSf(c / Math.sqrt(t1));
  // Density of B_1 on the grid (the paths still inside), times the Simpson weights.
  let mass = xs.map(
    (x, i) => (weights[i] as number) * (standardDensity(x / Math.sqrt(t1)) / Math.sqrt(t1)),
  );
  for (let k = 1; k < times.length; k++) {
    const sd = Math.sqrt((times[k] as number) - (times[k - 1] as number));
    // Crossing at look k from each grid point: both tails of the increment.
    mass.forEach((w, i) => {
      const x = xs[i] as number;
      crossed += w * (normalSf((c - x) / sd) + normalSf((c + x) / sd));
    });
    if (k === times.length - 1) break;
    // The kernel depends only on the index difference: one table per look.
    const kernel = Array.from(
      { length: 2 * intervals + 1 },
      (_, d) => standardDensity(((d - intervals) * h) / sd) / sd,
    );
    const next = new Array<number>(xs.length).fill(0);
    for (let j = 0; j <= intervals; j++) {
      let sum = 0;
      for (let i = 0; i <= intervals; i++)
        sum += (mass[i] as number) * (kernel[j - i + intervals] as number);
      next[j] = sum * (weights[j] as number);
    }
    mass = next;
  }
  return Math.min(1, crossed);
}

/** Bonferroni over the looks: an upper bound, tight once crossings are rare. */
function unionBound(c: number, times: readonly number[]): number {
  return Math.min(
    1,
    times.reduce((sum, t) => sum + 2 * normalSf(c / Math.sqrt(t)), 0),
  );
}

/** The boundary c whose crossing probability over the planned looks is `alpha` (bisection). */
export function boundaryFor(alpha: number, times: readonly number[]): number {
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`alpha ${alpha} is not in (0, 1)`);
  // Between the fixed test's c and the union bound's.
  let lo = -normalQuantile(alpha / 2);
  let hi = -normalQuantile(alpha / (2 * times.length));
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (crossingProbability(mid, times) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Conditional power (Lan, Simon and Halperin, Communications in Statistics C 1, 1982): the chance
 * that the B-value ends at or above `boundary` at t = 1, given Z = z at look time t and a drift θ
 * (the mean of Z at t = 1) from here on: B_1 = z √t + θ (1 − t) + N(0, 1 − t).
 */
export function conditionalPower(z: number, t: number, drift: number, boundary: number): number {
  if (!(t > 0 && t < 1)) throw new InputError(`look time ${t} is not in (0, 1)`);
  return normalCdf((z * Math.sqrt(t) + drift * (1 - t) - boundary) / Math.sqrt(1 - t));
}

/** Memoised crossing probabilities per look schedule, at |B| on the TABLE_STEP grid. */
const TABLES = new Map<string, Map<number, number>>();
const TABLES_SIZE = 16;

/**
 * The sequential p-value of a two-sided p-value `p` observed at look time `t` of the planned
 * `times`: the crossing probability of the boundary through |B| = |Z| √t, |Z| = Φ⁻¹(1 − p/2).
 * Never below p (the last look alone would give p). Deterministic and memoised per schedule.
 */
export function sequentialPValue(p: number, t: number, times: readonly number[]): number {
  if (!(p >= 0 && p <= 1)) throw new InputError(`p-value ${p} is not in [0, 1]`);
  if (!times.includes(t)) {
    throw new InputError(`look time ${t} is not one of the planned looks ${times.join(', ')}`);
  }
  if (p === 1) return 1;
  const b = -normalQuantile(p / 2) * Math.sqrt(t);
  const step = Math.floor(b / TABLE_STEP);
  const key = times.join(',');
  let table = TABLES.get(key);
  if (!table) {
    checkTimes(times);
    if (TABLES.size >= TABLES_SIZE) TABLES.delete(TABLES.keys().next().value as string);
    table = new Map();
    TABLES.set(key, table);
  }
  let value = table.get(step);
  if (value === undefined) {
    value = crossingProbability(step * TABLE_STEP, times);
    table.set(step, value);
  }
  return Math.max(p, value);
}
