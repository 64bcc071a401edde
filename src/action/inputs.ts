/**
 * The action's inputs, read once into a typed object. Input names live here only; tests set real
 * INPUT_* variables. Validation reuses the CLI's option parsers so both faces reject the same values.
 */
import * as core from '@actions/core';
import { choiceOption, numberOption, ADJUSTMENTS } from '../commands/options.js';
import type { Adjustment } from '../stats/multipleTesting.js';

export const INPUT = {
  base: 'base',
  head: 'head',
  config: 'config',
  alpha: 'alpha',
  threshold: 'threshold',
  adjustment: 'adjustment',
  failOnRegression: 'fail-on-regression',
  reportPath: 'report-path',
  name: 'name',
} as const;

export interface ActionInputs {
  base: string;
  head: string;
  config?: string;
  alpha?: number;
  threshold?: number;
  adjustment?: Adjustment;
  failOnRegression: boolean;
  reportPath: string;
  name: string;
}

function optional(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

export function readInputs(): ActionInputs {
  return {
    base: core.getInput(INPUT.base, { required: true }),
    head: core.getInput(INPUT.head, { required: true }),
    config: optional(INPUT.config),
    alpha: numberOption(optional(INPUT.alpha), `input ${INPUT.alpha}`, { min: 0, max: 0.5 }),
    threshold: numberOption(optional(INPUT.threshold), `input ${INPUT.threshold}`, {
      min: 0,
      max: 10,
    }),
    adjustment: choiceOption(optional(INPUT.adjustment), `input ${INPUT.adjustment}`, ADJUSTMENTS),
    failOnRegression: (optional(INPUT.failOnRegression) ?? 'true') !== 'false',
    reportPath: optional(INPUT.reportPath) ?? 'perfgate-report.md',
    name: optional(INPUT.name) ?? 'perfgate',
  };
}
