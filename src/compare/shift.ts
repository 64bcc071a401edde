/**
 * How far the candidate moved from the baseline, with its interval, in the metric's unit and
 * relative to the baseline. Pure.
 *
 * Relative changes live on the ratio scale (DESIGN.md, "Statistics"): where every trial is
 * positive (a latency, a throughput), the Hodges-Lehmann estimate and interval are taken of the
 * log values, i.e. of the ratios head / base, and read back as ratios − 1. Such an interval never
 * goes below −100 %, and a halving reads as −50 % with a doubling as +100 %, as a reader expects.
 * The rank test sees the same ranks on either scale, so its p is the same. Where some value is 0
 * or negative (an error rate that stayed 0), the shift is taken on the linear scale and made
 * relative to |base median|, or left absolute when that median is 0: any move from 0 counts.
 */
import { hodgesLehmannIntervals } from '../stats/hodgesLehmann.js';

export interface Shift {
  /** Head − base in the metric's unit (the Hodges-Lehmann shift, or the ratio's × base median). */
  shift: number;
  /** The shift and its interval relative to |base median|; null when the base median is 0. */
  change: number | null;
  changeLower: number | null;
  changeUpper: number | null;
  /** The interval in the metric's unit: what a zero baseline is judged by. */
  lower: number;
  upper: number;
  /** Level the interval reached (tiny samples cannot reach the requested one). */
  confLevel: number;
}

/** The shift with its interval at `confLevel`. */
export function shiftOf(
  head: readonly number[],
  base: readonly number[],
  baseMedian: number,
  confLevel: number,
): Shift {
  return shiftsOf(head, base, baseMedian, [confLevel])[0] as Shift;
}

/** The shift with an interval at each level, from one selection of the pairwise differences. */
export function shiftsOf(
  head: readonly number[],
  base: readonly number[],
  baseMedian: number,
  confLevels: readonly number[],
): Shift[] {
  if ([...head, ...base].every((v) => v > 0)) {
    const ratio = hodgesLehmannIntervals(head.map(Math.log), base.map(Math.log), confLevels);
    const change = Math.expm1(ratio.estimate);
    return ratio.intervals.map((interval) => {
      const [changeLower, changeUpper] = [interval.lower, interval.upper].map(Math.expm1) as [
        number,
        number,
      ];
      return {
        shift: change * baseMedian,
        change,
        changeLower,
        changeUpper,
        lower: changeLower * baseMedian,
        upper: changeUpper * baseMedian,
        confLevel: interval.confLevel,
      };
    });
  }
  const linear = hodgesLehmannIntervals(head, base, confLevels);
  const scale = Math.abs(baseMedian);
  const relative = (v: number) => (scale === 0 ? null : v / scale);
  return linear.intervals.map((interval) => ({
    shift: linear.estimate,
    change: relative(linear.estimate),
    changeLower: relative(interval.lower),
    changeUpper: relative(interval.upper),
    lower: interval.lower,
    upper: interval.upper,
    confLevel: interval.confLevel,
  }));
}

/**
 * Whether an interval of the change lies inside ±threshold (the equivalence half of "seen"): its
 * relative bounds where there are some, else (a baseline of 0) exactly no move at all.
 */
export function insideThreshold(shift: Shift, threshold: number): boolean {
  if (shift.changeLower === null || shift.changeUpper === null) {
    return shift.lower === 0 && shift.upper === 0;
  }
  return -threshold < shift.changeLower && shift.changeUpper < threshold;
}
