/**
 * Detection power and false alarms of perfgate's verdict against a plain ratio threshold (what
 * github-action-benchmark does), on simulated runs of 20 metrics.
 * Run: npm run bench:detection [-- runs seed]   (or: npx tsx benchmarks/detection/run.ts [runs] [seed])
 * Defaults: 500 runs, seed 1 (about 90 s on 2 shared cores); the README's table used 1000 runs.
 *
 * Noise model (noise.ts): trial value = 100 × (1 + shift) × log-normal factor of mean 1 and
 * coefficient of variation 3 % or 10 %; mulberry32 + Box-Muller, seeded. For each CV and trial
 * count (1, 5, 10, 20 per side) a run draws 20 metrics × n trials per side once, and every scenario
 * and policy sees the same draws (common random numbers): scenarios only scale the candidate's
 * trials by (1 + shift).
 * Scenarios: A/A (nothing changed); one metric of the 20 slowed by 2, 5 or 10 % (the others
 * unchanged: the hardest case for Benjamini-Hochberg, close to Bonferroni); all 20 slowed by 5 %.
 * Policies: perfgate's compareResults with its default policy and with threshold 0; a ratio of
 * means (the single values at n = 1) against 1.05 and against 2.0, github-action-benchmark's
 * default alert-threshold '200%' (it alerts when ratio > threshold, src/write.ts findAlerts).
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../../src/compare/compare.js';
import type { ComparePolicy } from '../../src/compare/policy.js';
import { logNormalNoise } from './noise.js';
import { simResults } from './results.js';

const RUNS = Number(process.argv[2] ?? 500);
const SEED = Number(process.argv[3] ?? 1);
const METRICS = 20;
const CVS = [0.03, 0.1] as const;
const TRIALS = [1, 5, 10, 20] as const;

interface Scenario {
  label: string;
  shift: number;
  /** How many metrics (the first ones) carry the shift. */
  shifted: number;
}

const SCENARIOS: Scenario[] = [
  { label: 'A/A', shift: 0, shifted: 0 },
  { label: '+2 %, 1 of 20', shift: 0.02, shifted: 1 },
  { label: '+5 %, 1 of 20', shift: 0.05, shifted: 1 },
  { label: '+10 %, 1 of 20', shift: 0.1, shifted: 1 },
  { label: '+5 %, all 20', shift: 0.05, shifted: METRICS },
];

/** Which metrics a policy flags as regressions, one boolean per metric. */
type Detector = (base: number[][], head: number[][]) => boolean[];

interface Policy {
  label: string;
  detect: Detector;
}

function perfgate(options: Partial<ComparePolicy>): Detector {
  return (base, head) =>
    compareResults(simResults(base), simResults(head), options).metrics.map(
      (m) => m.verdict === 'regression',
    );
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Alert when mean(head) / mean(base) > ratio: higher is worse for these latencies. */
function ratioOfMeans(ratio: number): Detector {
  return (base, head) => base.map((b, i) => mean(head[i] as number[]) / mean(b) > ratio);
}

const POLICIES: Policy[] = [
  { label: 'perfgate default (MW + BH, 5 % threshold)', detect: perfgate({}) },
  { label: 'perfgate threshold 0 (MW + BH only)', detect: perfgate({ threshold: 0 }) },
  { label: 'ratio of means > 1.05', detect: ratioOfMeans(1.05) },
  { label: 'ratio > 2.0 (github-action-benchmark default 200 %)', detect: ratioOfMeans(2) },
];

interface Tally {
  /** Runs with at least one flagged metric, per scenario. */
  anyFlagged: number[];
  /** Flagged shifted metrics (or, for A/A, flagged metrics), per scenario. */
  flagged: number[];
}

function simulateCell(cv: number, trials: number, seed: number): Tally[] {
  const noise = logNormalNoise(cv, seed);
  const tallies = POLICIES.map(() => ({
    anyFlagged: SCENARIOS.map(() => 0),
    flagged: SCENARIOS.map(() => 0),
  }));
  for (let run = 0; run < RUNS; run++) {
    const base = Array.from({ length: METRICS }, () => noise.trials(trials, 0));
    const head = Array.from({ length: METRICS }, () => noise.trials(trials, 0));
    SCENARIOS.forEach((scenario, s) => {
      const shiftedHead = head.map((h, i) =>
        i < scenario.shifted ? h.map((v) => v * (1 + scenario.shift)) : h,
      );
      POLICIES.forEach((policy, p) => {
        const flags = policy.detect(base, shiftedHead);
        const tally = tallies[p] as Tally;
        const counted = scenario.shifted === 0 ? flags : flags.slice(0, scenario.shifted);
        tally.flagged[s] = (tally.flagged[s] ?? 0) + counted.filter(Boolean).length;
        if (flags.some(Boolean)) tally.anyFlagged[s] = (tally.anyFlagged[s] ?? 0) + 1;
      });
    });
  }
  return tallies;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function main(): void {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`runs must be a positive integer`);
  if (!Number.isInteger(SEED)) throw new Error(`seed must be an integer`);
  const started = performance.now();
  const header = [
    'policy',
    'CV',
    'trials/side',
    'A/A: runs with ≥ 1 alarm',
    'A/A: per metric',
    ...SCENARIOS.slice(1).map((s) => `detected ${s.label}`),
  ];
  const rows: string[][] = [];
  CVS.forEach((cv, c) => {
    TRIALS.forEach((trials, t) => {
      const cellSeed = (SEED * 1000 + c * 100 + t) >>> 0;
      const tallies = simulateCell(cv, trials, cellSeed);
      POLICIES.forEach((policy, p) => {
        const tally = tallies[p] as Tally;
        rows.push([
          policy.label,
          percent(cv),
          String(trials),
          percent((tally.anyFlagged[0] ?? 0) / RUNS),
          percent((tally.flagged[0] ?? 0) / (RUNS * METRICS)),
          ...SCENARIOS.slice(1).map((s, i) =>
            percent((tally.flagged[i + 1] ?? 0) / (RUNS * s.shifted)),
          ),
        ]);
      });
    });
  });
  // Group by policy, then CV, then trials: easier to read down a column.
  rows.sort(
    (a, b) =>
      POLICIES.findIndex((p) => p.label === a[0]) - POLICIES.findIndex((p) => p.label === b[0]),
  );
  console.log(
    `${RUNS} runs of ${METRICS} metrics per cell, seed ${SEED}; "detected" = the slowed metric's ` +
      `verdict is a regression (per metric)\n`,
  );
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i < 1 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
