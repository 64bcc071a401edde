/**
 * Knob ranges of a sweep (`{ from: 1, to: 64, step: x2 }`) expanded to their values. Pure, and
 * free of imports; it lives in config/ because the schema expands ranges while it parses.
 */

/** `step: 4` adds 4, `step: x2` doubles: how perf_analyzer steps concurrency and batch size. */
export interface KnobRange {
  from: number;
  to: number;
  step: { add: number } | { times: number };
}

/** A range that expands to more values than this is a typo (a step of 1 over 1–100000), not a plan. */
export const MAX_KNOB_VALUES = 1000;

/** The values of a range in order, up to MAX_KNOB_VALUES + 1 so that a caller can reject the rest. */
export function rangeValues({ from, to, step }: KnobRange): number[] {
  const values: number[] = [];
  for (let i = 0; values.length <= MAX_KNOB_VALUES; i++) {
    const exact = 'times' in step ? from * step.times ** i : from + step.add * i;
    // 0.1 + 0.2 must read 0.3 in an environment variable, not 0.30000000000000004.
    const value = Number(exact.toPrecision(12));
    if (value > to) break;
    values.push(value);
  }
  return values;
}
