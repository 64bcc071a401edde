/**
 * Latency percentiles of one trial, over every recorded response (not a histogram's buckets).
 *
 * Definition: nearest rank. The p-th percentile of n sorted values is the value at 1-based rank
 * ceil(p / 100 * n), so it is always a latency that was actually observed, and p = 100 is the
 * maximum. (This is not the interpolating R type 7 used for per-trial summaries in
 * src/stats/describe.ts: a latency percentile should name a real response, as wrk's and HDR
 * histograms' do.)
 */

/** A growable buffer of latencies in milliseconds; a plain number[] costs ~2x the memory. */
export class LatencySamples {
  private values = new Float64Array(4096);
  private count = 0;

  get size(): number {
    return this.count;
  }

  record(milliseconds: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = milliseconds;
  }

  /** A sorted copy (typed arrays sort numerically). */
  sorted(): Float64Array {
    return this.values.slice(0, this.count).sort();
  }
}

/** Nearest-rank percentile of ascending values; `percentile` in (0, 100]. */
export function nearestRank(sorted: ArrayLike<number>, percentile: number): number {
  if (sorted.length === 0) throw new RangeError('nearestRank: no values');
  if (!(percentile > 0 && percentile <= 100)) {
    throw new RangeError(`nearestRank: percentile must be in (0, 100], got ${percentile}`);
  }
  // Multiply before dividing: for whole percentiles p * n is an exact integer and the division is
  // exact whenever the true rank is whole, where (p / 100) * n can land just above it (0.07 * 100).
  const rank = Math.ceil((percentile * sorted.length) / 100);
  return sorted[rank - 1] as number;
}
