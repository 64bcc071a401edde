/**
 * Option values as both faces receive them (command-line options, action inputs), parsed once:
 * errors name the option as the user wrote it (`--alpha`, `input alpha`) and what was expected.
 */
import { layerPolicies, type ComparePolicy } from '../compare/policy.js';
import { FAIL_ON, runnerLabel, type Config } from '../config/index.js';
import { InputError } from '../errors.js';
import type { Adjustment } from '../stats/multipleTesting.js';

/**
 * A numeric option's value, or undefined when absent; anything `accepts` refuses is bad input
 * that names the option and says what was `expected`.
 */
function numeric(
  value: unknown,
  option: string,
  expected: string,
  accepts: (n: number, text: string) => boolean,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !accepts(n, value.trim())) {
    throw new InputError(`expected ${expected}, got '${String(value)}'`, { field: option });
  }
  return n;
}

/** A number in (min, max]: alpha, threshold. */
export function numberOption(
  value: unknown,
  option: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  return numeric(
    value,
    option,
    `a number in (${min}, ${max}]`,
    (n) => Number.isFinite(n) && n > min && n <= max,
  );
}

/** A whole number in [min, max]: counts such as a window of stored runs or a seed. */
export function wholeOption(
  value: unknown,
  option: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  return numeric(
    value,
    option,
    `a whole number from ${min} to ${max}`,
    (n, text) => /^\d+$/.test(text) && n >= min && n <= max,
  );
}

export function choiceOption<T extends string>(
  value: unknown,
  option: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) {
    throw new InputError(`expected one of ${choices.join(', ')}, got '${String(value)}'`, {
      field: option,
    });
  }
  return value as T;
}

export const ADJUSTMENTS: readonly Adjustment[] = ['bh', 'holm', 'none'];

/** The comparison settings a face can override; `name` turns `alpha` into `--alpha` or `input alpha`. */
export function policyOverrides(
  raw: { alpha?: unknown; threshold?: unknown; adjustment?: unknown; failOn?: unknown },
  name: (option: 'alpha' | 'threshold' | 'adjustment' | 'failOn') => string,
): Partial<ComparePolicy> {
  return {
    alpha: numberOption(raw.alpha, name('alpha'), { min: 0, max: 0.5 }),
    threshold: numberOption(raw.threshold, name('threshold'), { min: 0, max: 10 }),
    adjustment: choiceOption(raw.adjustment, name('adjustment'), ADJUSTMENTS),
    failOn: choiceOption(raw.failOn, name('failOn'), FAIL_ON),
  };
}

/**
 * The comparison policy in force: the config's compare section (when there is a config), then
 * what the face overrides (a command-line option, an action input). Every pipeline resolves it
 * here, so no face assembles a policy of its own.
 */
export function policyIn(
  config: Pick<Config, 'compare'> | undefined,
  overrides: Partial<ComparePolicy>,
): Partial<ComparePolicy> {
  return layerPolicies(config?.compare ?? {}, overrides);
}

/** Runner labels, comma or newline separated (`--runs-on`, `input runs-on`); undefined when none. */
export function labelsOption(value: unknown, option: string): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const labels = value
    .split(/[\n,]/)
    .map((label) => label.trim())
    .filter(Boolean);
  const bad = labels.find((label) => !runnerLabel.safeParse(label).success);
  if (bad !== undefined) {
    throw new InputError(`expected runner labels (letters, digits and _ . -), got '${bad}'`, {
      field: option,
    });
  }
  return labels.length > 0 ? labels : undefined;
}
