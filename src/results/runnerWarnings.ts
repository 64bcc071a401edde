/**
 * Runner warnings (collect/doctor.ts) read several times, counted: after each trial round of a
 * side, in each run calibrated, at a run's start and end. Pure.
 */
import type { RunnerWarning } from './schema.js';

export interface CountedWarning {
  /** As last seen: a value changes from reading to reading (which process, how busy). */
  warning: RunnerWarning;
  /** The readings it was seen in. */
  count: number;
}

/** Each check once, in the order first seen, with the readings it was in. */
export function countWarnings(readings: readonly (readonly RunnerWarning[])[]): CountedWarning[] {
  const counted = new Map<string, CountedWarning>();
  for (const reading of readings) {
    for (const warning of reading) {
      counted.set(warning.name, { warning, count: (counted.get(warning.name)?.count ?? 0) + 1 });
    }
  }
  return [...counted.values()];
}
