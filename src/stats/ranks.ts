/**
 * Ranking two samples together, where every rank-based two-sample statistic starts.
 *
 * Tied values share the mean of the ranks they span (mid-ranks), as R's `rank` and scipy's
 * `rankdata` do by default. Mid-ranks are whole or half numbers, so they are exact in floating
 * point and twice a mid-rank is an exact integer (the exact tied distribution relies on this).
 */
import { InputError } from '../errors.js';

export interface PooledRanks {
  /** Mid-rank (1-based) of every value of x followed by y, in input order. */
  ranks: Float64Array;
  /** Size of every group of equal values with more than one member. */
  tieSizes: number[];
}

/** Throws InputError unless the sample is non-empty and every value is finite. */
function checkSample(values: readonly number[], name: string): void {
  if (values.length === 0) throw new InputError(`sample ${name} is empty: need at least one value`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new InputError(`sample ${name}[${bad}] is ${String(values[bad])}: need finite numbers`);
  }
}

/** Mid-ranks of x and y pooled, and the tie groups; throws InputError on empty or non-finite input. */
export function rankTwoSamples(x: readonly number[], y: readonly number[]): PooledRanks {
  checkSample(x, 'x');
  checkSample(y, 'y');
  const values = [...x, ...y];
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 (0-based) hold equal values: ranks start+1..end, mean (start+1+end)/2.
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = midRank;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/**
 * The tie groups of rankTwoSamples without the ranks, for statistics that need only them
 * (Hodges-Lehmann's interval): a typed-array sort instead of sorting indices with a comparator,
 * several times faster on hundreds of thousands of values. Same validation, same groups.
 */
export function tieSizesOf(x: readonly number[], y: readonly number[]): number[] {
  checkSample(x, 'x');
  checkSample(y, 'y');
  const values = new Float64Array(x.length + y.length);
  values.set(x);
  values.set(y, x.length);
  values.sort();
  const tieSizes: number[] = [];
  let start = 0;
  while (start < values.length) {
    let end = start + 1;
    // === holds -0 and +0 equal, as the comparator of rankTwoSamples does.
    while (end < values.length && values[end] === values[start]) end++;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return tieSizes;
}
