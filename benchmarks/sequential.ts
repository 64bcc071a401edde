/**
 * Sequential trials against the fixed design (issue #12): false-alarm PRs, power and trials per
 * side, and the minimum detectable effect against simulated power.
 * Run: npm run bench:sequential [-- PRs seed]   (or: npx tsx benchmarks/sequential.ts [PRs=1000] [seed=1])
 *
 * Model (detection/noise.ts): trial value = 100 × (1 + shift) × log-normal factor of mean 1 and
 * coefficient of variation 3 % or 10 %, 20 lower-is-better metrics, mulberry32 + Box-Muller,
 * seeded. Every 10th PR (10 %) slows metric 0 by 10 %; the others are A/A. Each PR draws MAX
 * trials per side once; the fixed design compares all of them (compareResults, default policy:
 * alpha 0.05, BH across the 20 metrics, 5 % threshold), the sequential one looks at the first 4,
 * 6, …, MAX per side (sequentialLook, same policy, design { min: 4, max: MAX, block: 2 }: one
 * ABBA block per look) and stops when it says so. Both see the same draws (common random numbers).
 *
 * Rates: "false-alarm PRs" = A/A PRs with any regression; "power" = +10 % PRs whose metric 0 is a
 * regression; "equivalence losses" = +10 % PRs whose metric 0 was stopped as unchanged before
 * MAX (the power the equivalence stop costs); trials = trials per side at the end, averaged.
 *
 * MDE check: for a design of n trials per side, the detectable change compareResults reports
 * (median over PRS_MDE A/A draws of metric 0's `detectable`) against the simulated power of the
 * fixed design at that change and at ±2 percentage points of it (metric 0 significant after BH).
 * The MDE agrees with simulation within 2 pp when power(MDE − 2 pp) ≤ 80 % ≤ power(MDE + 2 pp).
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../src/compare/compare.js';
import { lookSchedule, sequentialLook, type SequentialLook } from '../src/compare/sequential.js';
import { logNormalNoise, type TrialNoise } from './detection/noise.js';
import { simResults } from './detection/results.js';

const PRS = Number(process.argv[2] ?? 1000);
const SEED = Number(process.argv[3] ?? 1);
const METRICS = 20;
const CVS = [0.03, 0.1] as const;
const MAXES = [20, 30] as const;
const SHIFT = 0.1;
const SHIFTED_EVERY = 10;
const PRS_MDE = 400;
/** (CV, trials per side) of the MDE check: a small design, where discreteness matters, and MAX. */
const MDE_DESIGNS = [
  [0.03, 6],
  [0.03, 20],
  [0.1, 10],
  [0.1, 30],
] as const;

type Side = number[][];

function draw(noise: TrialNoise, trials: number, shift: number): { base: Side; head: Side } {
  const base = Array.from({ length: METRICS }, () => noise.trials(trials, 0));
  const head = Array.from({ length: METRICS }, (_, i) => noise.trials(trials, i === 0 ? shift : 0));
  return { base, head };
}

const first = (side: Side, n: number): Side => side.map((trials) => trials.slice(0, n));

interface Tally {
  falseAlarms: number;
  detected: number;
  equivalenceLosses: number;
  trials: number;
  aaTrials: number;
}

function emptyTally(): Tally {
  return { falseAlarms: 0, detected: 0, equivalenceLosses: 0, trials: 0, aaTrials: 0 };
}

function simulate(cv: number, max: number, seed: number): { fixed: Tally; sequential: Tally } {
  const noise = logNormalNoise(cv, seed);
  const design = { min: 4, max, block: 2 };
  const fixed = emptyTally();
  const sequential = emptyTally();
  for (let pr = 0; pr < PRS; pr++) {
    const shifted = pr % SHIFTED_EVERY === 0;
    const { base, head } = draw(noise, max, shifted ? SHIFT : 0);

    const verdicts = compareResults(simResults(base), simResults(head)).metrics.map(
      (m) => m.verdict,
    );
    tally(
      fixed,
      shifted,
      max,
      verdicts[0] === 'regression',
      verdicts.includes('regression'),
      false,
    );

    let look: SequentialLook | undefined;
    for (const trials of lookSchedule(design)) {
      look = sequentialLook(simResults(first(base, trials)), simResults(first(head, trials)), {
        design,
        trials,
        previous: look,
      });
      if (look.stop) break;
    }
    const decisions = (look as SequentialLook).decisions;
    const target = decisions[0];
    tally(
      sequential,
      shifted,
      (look as SequentialLook).trials,
      target?.decision === 'regression',
      decisions.some((d) => d.decision === 'regression'),
      target?.decision === 'unchanged' && (target.decidedAt ?? max) < max,
    );
  }
  return { fixed, sequential };
}

function tally(
  t: Tally,
  shifted: boolean,
  trials: number,
  targetFlagged: boolean,
  anyFlagged: boolean,
  equivalenceLoss: boolean,
): void {
  t.trials += trials;
  if (shifted) {
    if (targetFlagged) t.detected++;
    if (equivalenceLoss) t.equivalenceLosses++;
  } else {
    t.aaTrials += trials;
    if (anyFlagged) t.falseAlarms++;
  }
}

/** Median `detectable` of metric 0 over A/A draws, and power at it and ±2 pp. */
function mdeCheck(cv: number, trials: number, seed: number): string[] {
  const detectables: number[] = [];
  const noise = logNormalNoise(cv, seed);
  for (let i = 0; i < PRS_MDE; i++) {
    const { base, head } = draw(noise, trials, 0);
    const d = compareResults(simResults(base), simResults(head)).metrics[0]?.detectable;
    if (d !== null && d !== undefined) detectables.push(d);
  }
  detectables.sort((a, b) => a - b);
  const mde = detectables[Math.floor(detectables.length / 2)] as number;
  const power = (shift: number): number => {
    const shiftedNoise = logNormalNoise(cv, seed + 1);
    let hits = 0;
    for (let i = 0; i < PRS_MDE; i++) {
      const { base, head } = draw(shiftedNoise, trials, shift);
      if (compareResults(simResults(base), simResults(head)).metrics[0]?.significant) hits++;
    }
    return hits / PRS_MDE;
  };
  const [below, at, above] = [mde - 0.02, mde, mde + 0.02].map((s) => (s > 0 ? power(s) : 0)) as [
    number,
    number,
    number,
  ];
  const holds = below <= 0.8 && above >= 0.8;
  return [
    percent(cv),
    String(trials),
    percent(mde),
    percent(below),
    percent(at),
    percent(above),
    holds ? 'yes' : 'no',
  ];
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function main(): void {
  if (!Number.isInteger(PRS) || PRS < SHIFTED_EVERY)
    throw new Error(`PRs must be ≥ ${SHIFTED_EVERY}`);
  if (!Number.isInteger(SEED)) throw new Error('seed must be an integer');
  const started = performance.now();
  const shiftedPrs = Math.ceil(PRS / SHIFTED_EVERY);
  const aaPrs = PRS - shiftedPrs;
  console.log(
    `${PRS} PRs per cell (${aaPrs} A/A, ${shiftedPrs} with metric 0 of ${METRICS} +10 %), seed ${SEED}\n`,
  );
  console.log(
    '| CV | design | false-alarm PRs | power | equivalence losses | trials/side (all PRs) | A/A PRs | ÷ fixed |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  CVS.forEach((cv, c) => {
    MAXES.forEach((max, x) => {
      const { fixed, sequential } = simulate(cv, max, (SEED * 1000 + c * 100 + x) >>> 0);
      for (const [label, t] of [
        [`fixed ${max}`, fixed],
        [`sequential 4–${max}`, sequential],
      ] as const) {
        console.log(
          `| ${percent(cv)} | ${label} | ${percent(t.falseAlarms / aaPrs)} | ` +
            `${percent(t.detected / shiftedPrs)} | ${t === fixed ? '–' : percent(t.equivalenceLosses / shiftedPrs)} | ` +
            `${(t.trials / PRS).toFixed(1)} | ${(t.aaTrials / aaPrs).toFixed(1)} | ` +
            `${percent(t.trials / fixed.trials)} |`,
        );
      }
    });
  });
  console.log(
    `\nMDE (median over ${PRS_MDE} A/A draws) against simulated power of the fixed design (${PRS_MDE} draws each):\n`,
  );
  console.log(
    '| CV | trials/side | MDE | power at MDE − 2 pp | at MDE | at MDE + 2 pp | within 2 pp |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|');
  MDE_DESIGNS.forEach(([cv, trials], i) => {
    console.log(`| ${mdeCheck(cv, trials, (SEED * 7919 + i) >>> 0).join(' | ')} |`);
  });
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
