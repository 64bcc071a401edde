/**
 * Order statistics of the n·m pairwise differences x_i − y_j without building all of them.
 *
 * Hodges-Lehmann needs the median and two other order statistics of those differences. Sorting
 * all n·m of them costs n·m doubles: 15,000 trials per side would need 1.8 GB, 200,000 more than
 * a typed array can hold. With x ascending and y descending, the differences form a matrix whose
 * rows and columns are both sorted (IEEE subtraction is monotone, so this holds in floating point
 * too), and the k-th smallest entry can be selected in O((n + m) log(n·m)) expected time and
 * O(n + m) memory: the randomized selection of Monahan (ACM TOMS 10(3), 1984, algorithm 616;
 * after Johnson & Mizoguchi, SIAM J. Comput. 7(2), 1978). Each round takes a pivot at random
 * among the entries still in play, counts per row the entries below it with one two-pointer walk
 * over the sorted samples, and keeps the side that holds the k-th; once few enough entries are
 * left they are sorted.
 *
 * Hand-written because no maintained library offers selection in X − Y; the tests check it
 * against the full sort it replaces, on the R/numpy fixtures and on random samples with ties.
 *
 * Every value returned is one of the differences x_i − y_j subtracted exactly as the full sort
 * does, including the sign of a zero, so both ways give bit-for-bit the same numbers.
 */
import { mulberry32 } from './random.js';

/** Up to this many differences (512 KiB) selecting among all of them is simplest and fastest. */
const SORT_LIMIT = 1 << 16;

/** Entries sampled per round to choose the pivots. */
const SAMPLE_SIZE = 1024;

/** The pivots are random, but from a fixed seed, so a run repeats exactly (and the result never depends on it). */
const PIVOT_SEED = 0x5eed;

/**
 * The differences x_i − y_j at the given 1-based ranks in ascending order (rank 1 is the
 * smallest). `sortLimit` is up to how many differences are all built and selected among directly,
 * rather than narrowed down in the matrix;
 * tests lower it to exercise the selection on small samples.
 */
export function differenceOrderStatistics(
  x: readonly number[],
  y: readonly number[],
  ranks: readonly number[],
  sortLimit = SORT_LIMIT,
): number[] {
  const total = x.length * y.length;
  for (const rank of ranks) {
    if (!Number.isInteger(rank) || rank < 1 || rank > total) {
      throw new RangeError(`rank ${rank} is outside 1..${total}`);
    }
  }
  if (total <= sortLimit) return selectRanks(allDifferences(x, y), ranks);
  const matrix = new DifferenceMatrix(x, y);
  return ranks.map((rank) => matrix.select(rank, sortLimit));
}

function allDifferences(x: readonly number[], y: readonly number[]): Float64Array {
  const diffs = new Float64Array(x.length * y.length);
  let at = 0;
  for (const xi of x) for (const yj of y) diffs[at++] = xi - yj;
  return diffs;
}

/**
 * The entries at the given 1-based ranks of `values` in ascending order, where the typed-array
 * sort would put them (-0 before +0), by Hoare's selection rather than a sort: V8 sorts 900
 * doubles (30 trials a side) in about 75 µs, a few selections take half that, and a comparison
 * runs one per metric. Ranks are taken in ascending order, each searched for only right of the
 * one before, which the partitioning left in place. Reorders `values`.
 */
function selectRanks(values: Float64Array, ranks: readonly number[]): number[] {
  const random = mulberry32(PIVOT_SEED);
  const selected = new Map<number, number>();
  let from = 0;
  for (const rank of [...new Set(ranks)].sort((a, b) => a - b)) {
    const k = rank - 1;
    let lo = from;
    let hi = values.length - 1;
    while (lo < hi) {
      // A random pivot: samples arrive sorted, and a fixed position would be quadratic there.
      const pivot = values[lo + Math.floor(random() * (hi - lo + 1))]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (values[i]! < pivot) i++;
        while (values[j]! > pivot) j--;
        if (i <= j) {
          const swap = values[i]!;
          values[i++] = values[j]!;
          values[j--] = swap;
        }
      }
      // values[lo..j] <= pivot <= values[i..hi], and everything between equals the pivot.
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else break;
    }
    selected.set(rank, signedZeroAt(values, k));
    from = k + 1;
  }
  return ranks.map((rank) => selected.get(rank)!);
}

/**
 * Selection compares -0 and +0 as equal, so a zero found at 0-based position k may carry the
 * wrong sign: in the sorted order the -0 entries come first among the zeros.
 */
function signedZeroAt(values: Float64Array, k: number): number {
  const value = values[k]!;
  if (value !== 0) return value;
  let negatives = 0;
  let negativeZeros = 0;
  for (const v of values) {
    if (v < 0) negatives++;
    else if (Object.is(v, -0)) negativeZeros++;
  }
  return k < negatives + negativeZeros ? -0 : 0;
}

/**
 * Entry (i, j) is xs[i] − ys[j], with xs ascending and ys descending: every row ascends with j
 * and every column with i. Rows are never materialised.
 */
class DifferenceMatrix {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly negativeZeros: number;

  constructor(x: readonly number[], y: readonly number[]) {
    this.xs = Float64Array.from(x).sort();
    this.ys = Float64Array.from(y).sort().reverse();
    // x_i − y_j is -0 only for -0 − (+0); the full sort puts those before every +0 difference.
    const count = (values: readonly number[], zero: number): number =>
      values.filter((v) => Object.is(v, zero)).length;
    this.negativeZeros = count(x, -0) * count(y, 0);
  }

  /**
   * Per row, how many entries are below `pivot` (strictly, or at most equal) into `out`; returns
   * the sum. The count of a row never grows with i, so one pointer walks y once for all rows.
   */
  private countBelow(pivot: number, strict: boolean, out: Int32Array): number {
    const { xs, ys } = this;
    let j = ys.length;
    let sum = 0;
    for (let i = 0; i < xs.length; i++) {
      const xi = xs[i]!;
      if (strict) while (j > 0 && xi - ys[j - 1]! >= pivot) j--;
      else while (j > 0 && xi - ys[j - 1]! > pivot) j--;
      out[i] = j;
      sum += j;
    }
    return sum;
  }

  /**
   * The k-th smallest entry. Invariant: in row i, the entries before column lo[i] are all below
   * the answer and those from column hi[i] on are all above it, so the answer is among the
   * `active` entries in between, preceded by `below` smaller ones.
   */
  select(k: number, sortLimit: number): number {
    const rows = this.xs.length;
    const lo = new Int32Array(rows);
    const hi = new Int32Array(rows).fill(this.ys.length);
    const counts = new Int32Array(rows);
    const random = mulberry32(PIVOT_SEED);
    let below = 0;
    let active = rows * this.ys.length;
    while (active > sortLimit) {
      // Two pivots that bracket the answer with high probability (Floyd & Rivest's sampling):
      // most rounds keep only the few percent of entries between them.
      const [low, high] = this.pivots(k - below, active, lo, hi, random);
      const less = this.countBelow(low, true, counts);
      if (k <= less) {
        hi.set(counts);
      } else {
        const atMost = this.countBelow(low, false, counts);
        if (k <= atMost) return this.signedZero(low, k - less);
        lo.set(counts);
        below = atMost;
        const lessHigh = this.countBelow(high, true, counts);
        if (k <= lessHigh) {
          hi.set(counts);
        } else {
          const atMostHigh = this.countBelow(high, false, counts);
          if (k <= atMostHigh) return this.signedZero(high, k - lessHigh);
          lo.set(counts);
          below = atMostHigh;
        }
      }
      active = 0;
      for (let i = 0; i < rows; i++) active += hi[i]! - lo[i]!;
    }
    return selectRanks(this.gather(lo, hi, active), [k - below])[0]!;
  }

  /**
   * Two active entries, low <= high, from a random sample of the active ones: about three
   * standard deviations of the sample rank either side of where the `rank`-th of `active` falls.
   */
  private pivots(
    rank: number,
    active: number,
    lo: Int32Array,
    hi: Int32Array,
    random: () => number,
  ): [number, number] {
    // Where each row's active entries start in the row-by-row count, to find a sampled entry.
    const starts = new Float64Array(lo.length);
    let sum = 0;
    for (let i = 0; i < lo.length; i++) {
      starts[i] = sum;
      sum += hi[i]! - lo[i]!;
    }
    const sample = new Float64Array(SAMPLE_SIZE);
    for (let s = 0; s < SAMPLE_SIZE; s++) {
      const index = Math.floor(random() * active);
      // The last row that starts at or before `index` and is not empty.
      let first = 0;
      let last = lo.length - 1;
      while (first < last) {
        const mid = (first + last + 1) >> 1;
        if (starts[mid]! <= index) first = mid;
        else last = mid - 1;
      }
      sample[s] = this.xs[first]! - this.ys[lo[first]! + index - starts[first]!]!;
    }
    sample.sort();
    const fraction = rank / active;
    const at = fraction * SAMPLE_SIZE;
    const spread = 3 * Math.sqrt(SAMPLE_SIZE * fraction * (1 - fraction)) + 1;
    const low = Math.max(0, Math.floor(at - spread));
    const high = Math.min(SAMPLE_SIZE - 1, Math.ceil(at + spread));
    return [sample[low]!, sample[high]!];
  }

  private gather(lo: Int32Array, hi: Int32Array, active: number): Float64Array {
    const values = new Float64Array(active);
    let at = 0;
    for (let i = 0; i < lo.length; i++) {
      const xi = this.xs[i]!;
      for (let j = lo[i]!; j < hi[i]!; j++) values[at++] = xi - this.ys[j]!;
    }
    return values;
  }

  /**
   * A pivot equal to the answer may be the wrong zero: the answer is the `position`-th of the
   * entries equal to it, and among zeros the -0 ones come first in the full sort.
   */
  private signedZero(value: number, position: number): number {
    if (value !== 0) return value;
    return position <= this.negativeZeros ? -0 : 0;
  }
}
