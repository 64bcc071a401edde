/**
 * The order in which trials run: rounds of variants, alternating A B, B A, A B … so that slow
 * drift of a shared runner (thermal, co-tenants, caches) hits every variant alike, and a variant's
 * service keeps running across the round boundary (B A → A B). Pure.
 */
import type { Suite, Variant } from '../config/index.js';

export interface TrialStep {
  variant: Variant;
  /** The suites that still need a trial in this round (suites may ask for different counts). */
  suites: Suite[];
  /** 1-based round number: trial k of each suite runs in round k. */
  round: number;
}

export function planTrials(suites: readonly Suite[], variants: readonly Variant[]): TrialStep[] {
  const rounds = Math.max(...suites.map((suite) => suite.trials));
  const steps: TrialStep[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? variants : [...variants].reverse();
    const due = suites.filter((suite) => suite.trials >= round);
    for (const variant of order) steps.push({ variant, suites: due, round });
  }
  return steps;
}
