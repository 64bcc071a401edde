/**
 * The order in which trials run: rounds of arms (a variant, or a variant of one side of an A/B
 * run), in balanced blocks of two rounds, A B | B A, so that slow drift of a shared runner
 * (thermal, co-tenants, caches) hits every arm alike, and an arm's service keeps running across
 * the round boundary (B A → A B). With a seed each block is ABBA or BAAB at random (Abedi and
 * Brecht, ICPE 2017: randomized multiple interleaved trials), so no arm is always first. Pure.
 */
import type { Suite } from '../config/index.js';
import { mulberry32 } from '../stats/random.js';

/** Rounds per block: A B | B A. Sequential looks come at block ends (runner.ts, pipeline/gate.ts). */
export const BLOCK_ROUNDS = 2;

export interface TrialStep<Arm> {
  arm: Arm;
  /** The suites that still need a trial in this round (suites may ask for different counts). */
  suites: Suite[];
  /** 1-based round number: trial k of each suite runs in round k. */
  round: number;
}

export function planTrials<Arm>(
  suites: readonly Suite[],
  arms: readonly Arm[],
  seed?: number,
): TrialStep<Arm>[] {
  const rounds = Math.max(...suites.map((suite) => suite.trials));
  const random = seed === undefined ? undefined : mulberry32(seed);
  const steps: TrialStep<Arm>[] = [];
  let flipped = false;
  for (let round = 1; round <= rounds; round++) {
    // A new block starts at every odd round; its orientation is drawn once for both rounds.
    if (round % BLOCK_ROUNDS === 1) flipped = random ? random() < 0.5 : false;
    const forward = (round % BLOCK_ROUNDS === 1) !== flipped;
    const order = forward ? arms : [...arms].reverse();
    const due = suites.filter((suite) => suite.trials >= round);
    for (const arm of order) steps.push({ arm, suites: due, round });
  }
  return steps;
}
