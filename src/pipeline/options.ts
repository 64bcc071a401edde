/**
 * Option values as both faces receive them (command-line options, action inputs), parsed once:
 * errors name the option as the user wrote it (`--alpha`, `input alpha`) and what was expected.
 */
import type { ComparePolicy } from '../compare/policy.js';
import { InputError } from '../errors.js';
import type { Adjustment } from '../stats/multipleTesting.js';

export function numberOption(
  value: unknown,
  option: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n <= range.min ||
    n > range.max
  ) {
    throw new InputError(
      `expected a number in (${range.min}, ${range.max}], got '${String(value)}'`,
      undefined,
      option,
    );
  }
  return n;
}

/** A whole number in [min, max]: counts such as a window of stored runs or a seed. */
export function wholeOption(
  value: unknown,
  option: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || n < range.min || n > range.max) {
    throw new InputError(
      `expected a whole number from ${range.min} to ${range.max}, got '${String(value)}'`,
      undefined,
      option,
    );
  }
  return n;
}

export function choiceOption<T extends string>(
  value: unknown,
  option: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) {
    throw new InputError(
      `expected one of ${choices.join(', ')}, got '${String(value)}'`,
      undefined,
      option,
    );
  }
  return value as T;
}

export const ADJUSTMENTS: readonly Adjustment[] = ['bh', 'holm', 'none'];

/** The comparison settings a face can override; `name` turns `alpha` into `--alpha` or `input alpha`. */
export function policyOverrides(
  raw: { alpha?: unknown; threshold?: unknown; adjustment?: unknown },
  name: (option: 'alpha' | 'threshold' | 'adjustment') => string,
): Partial<ComparePolicy> {
  return {
    alpha: numberOption(raw.alpha, name('alpha'), { min: 0, max: 0.5 }),
    threshold: numberOption(raw.threshold, name('threshold'), { min: 0, max: 10 }),
    adjustment: choiceOption(raw.adjustment, name('adjustment'), ADJUSTMENTS),
  };
}
