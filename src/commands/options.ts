/** Parsing of option values shared by commands: errors name the option and what was expected. */
import path from 'node:path';
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
export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** A written file as the user should see it: relative when it lies below the working folder. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
