/**
 * Run-to-run noise and the PR gate (issue #9, "Benchmarks"): how often does each baseline design
 * cry wolf on an A/A pull request, and how often does it catch a +10 % slowdown, when every run of
 * the benchmark has its own machine state?
 * Run: npm run bench:run-to-run [-- PRs seed perMetricCV]
 *      (or: npx tsx benchmarks/run-to-run.ts [PRs=200] [seed=1] [perMetricCV=0])
 *
 * Model (DESIGN.md, "A run is a unit too"): trial value of metric i in run r =
 *   100 × (1 + shift) × machine_r × own_{r,i} × trial_{r,i,t}
 * with log-normal factors of mean 1 (detection/noise.ts): trial CV 2 %; machine_r, the run effect,
 * is ONE factor per run shared by all 20 metrics (a slower host or clock slows everything, so the
 * metrics move together); own_{r,i} is an optional per-metric part of the run effect (third
 * argument, default 0; run CV 0 with a per-metric CV gives independent run effects per metric).
 * 20 lower-is-better metrics, 6 trials per side and run.
 *
 * Designs, all through perfgate's own code:
 *  - pooled history (the old gate): trials of 5 stored runs pooled against the head run's trials.
 *  - history run by run (the new history check): run medians of 10 stored runs against the head
 *    run's median (runMedians + compareResults(..., 'run'): the prediction test).
 *  - interleaved (the new default): base and head measured in the same run, so both sides share
 *    that run's effects; Mann-Whitney over 6 vs 6 trials.
 * Every design and both scenarios see the same draws for a PR (common random numbers), and every
 * run CV the same standard normals (each cell restarts the seeded stream), so differences between
 * rows come from the design and the CV, not from the luck of the draw.
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../src/compare/compare.js';
import type { Comparison } from '../src/compare/comparison.js';
import { runMedians } from '../src/compare/runLevel.js';
import { poolResults } from '../src/results/pool.js';
import type { Results } from '../src/results/schema.js';
import { BASE_VALUE, logNormalFactor, mulberry32, normals } from './detection/noise.js';
import { simResults } from './detection/results.js';

const PRS = Number(process.argv[2] ?? 200);
const SEED = Number(process.argv[3] ?? 1);
const PER_METRIC_CV = Number(process.argv[4] ?? 0);

const METRICS = 20;
const TRIALS = 6;
const TRIAL_CV = 0.02;
const RUN_CVS = [0, 0.03, 0.06] as const;
const POOLED_RUNS = 5;
const HISTORY_RUNS = 10;
/** The planted slowdown and the metric that carries it (the metrics are exchangeable). */
const SHIFT = 0.1;
const SHIFTED_METRIC = 0;

/** Samples of one side of one run: one array of trial values per metric. */
type Side = number[][];

/** The factors of one run CV, all drawn from one seeded stream of standard normals. */
interface RunNoise {
  machine: () => number;
  own: () => number;
  trial: () => number;
}

function runNoise(runCv: number, seed: number): RunNoise {
  const z = normals(mulberry32(seed));
  return {
    machine: logNormalFactor(runCv, z),
    own: logNormalFactor(PER_METRIC_CV, z),
    trial: logNormalFactor(TRIAL_CV, z),
  };
}

/** A run's effect on each metric: the machine's factor times the metric's own. */
function runEffects(noise: RunNoise): number[] {
  const machine = noise.machine();
  return Array.from({ length: METRICS }, () => machine * noise.own());
}

/** One side's trials in a run with these effects (both sides of an interleaved run share them). */
function measureSide(noise: RunNoise, effects: readonly number[]): Side {
  return effects.map((effect) =>
    Array.from({ length: TRIALS }, () => BASE_VALUE * effect * noise.trial()),
  );
}

/** Everything one simulated pull request needs, for every design and scenario. */
interface PullRequest {
  /** Stored runs of the base branch, oldest first: each its own run. */
  stored: Side[];
  /** The base revision measured beside the head, in the head's run. */
  interleavedBase: Side;
  head: Side;
}

function drawPullRequest(noise: RunNoise): PullRequest {
  const stored = Array.from({ length: HISTORY_RUNS }, () => measureSide(noise, runEffects(noise)));
  const effects = runEffects(noise);
  return {
    stored,
    interleavedBase: measureSide(noise, effects),
    head: measureSide(noise, effects),
  };
}

/** The head with the planted slowdown on one metric; the other metrics' trials are unchanged. */
function slowed(head: Side): Side {
  return head.map((trials, i) =>
    i === SHIFTED_METRIC ? trials.map((v) => v * (1 + SHIFT)) : trials,
  );
}

/** Distinct timestamps: poolResults keeps the newest, as the store would. */
function asRuns(sides: readonly Side[]): Results[] {
  return sides.map((side, i) =>
    simResults(side, new Date(Date.UTC(2026, 10, 1 + i, 3)).toISOString()),
  );
}

interface Rates {
  /** A/A PRs with at least one false regression. */
  falseAlarmPrs: number;
  /** +10 % PRs whose slowed metric was flagged. */
  detected: number;
}

/** An acceptance target of issue #9 at one run CV; null where the issue sets none. */
type Target = (runCv: number, rates: Rates) => { text: string; holds: boolean } | null;

interface Design {
  label: string;
  compare: (pr: PullRequest, head: Side) => Comparison;
  target: Target;
}

const noTarget: Target = () => null;

const DESIGNS: Design[] = [
  {
    label: `pooled history (${POOLED_RUNS} stored runs, old)`,
    compare: (pr, head) =>
      compareResults(
        poolResults(asRuns(pr.stored.slice(-POOLED_RUNS)), 'stored'),
        simResults(head),
        {},
      ),
    target: noTarget,
  },
  {
    label: `history run by run (${HISTORY_RUNS} stored runs)`,
    compare: (pr, head) =>
      compareResults(
        runMedians(asRuns(pr.stored), 'stored'),
        runMedians([simResults(head)], 'head'),
        {},
        'run',
      ),
    target: (runCv, { falseAlarmPrs }) =>
      runCv === 0.06 ? { text: 'A/A ≤ 5 %', holds: falseAlarmPrs <= 0.05 } : null,
  },
  {
    label: 'interleaved (base beside head, one run)',
    compare: (pr, head) => compareResults(simResults(pr.interleavedBase), simResults(head), {}),
    target: (runCv, { falseAlarmPrs, detected }) =>
      runCv > 0
        ? { text: 'A/A ≤ 2 %, +10 % ≥ 95 %', holds: falseAlarmPrs <= 0.02 && detected >= 0.95 }
        : null,
  },
];

interface Tally {
  /** A/A PRs with at least one metric judged a regression. */
  alarmedPrs: number;
  /** A/A metrics judged a regression, over all PRs. */
  alarmedMetrics: number;
  /** +10 % PRs whose slowed metric was judged a regression. */
  detected: number;
  /** Verdicts 'insufficient' (the gate could not decide), both scenarios. */
  insufficient: number;
}

function tallyPr(tally: Tally, aa: Comparison, shifted: Comparison): void {
  const regressions = aa.metrics.filter((m) => m.verdict === 'regression').length;
  tally.alarmedMetrics += regressions;
  if (regressions > 0) tally.alarmedPrs++;
  const slowMetric = shifted.metrics.find((m) => m.metric === `m${SHIFTED_METRIC}`);
  if (slowMetric?.verdict === 'regression') tally.detected++;
  tally.insufficient += aa.counts.insufficient + shifted.counts.insufficient;
}

function simulateCell(runCv: number): Tally[] {
  const noise = runNoise(runCv, SEED);
  const tallies = DESIGNS.map(() => ({
    alarmedPrs: 0,
    alarmedMetrics: 0,
    detected: 0,
    insufficient: 0,
  }));
  for (let pr = 0; pr < PRS; pr++) {
    const drawn = drawPullRequest(noise);
    const slowHead = slowed(drawn.head);
    DESIGNS.forEach((design, d) =>
      tallyPr(
        tallies[d] as Tally,
        design.compare(drawn, drawn.head),
        design.compare(drawn, slowHead),
      ),
    );
  }
  return tallies;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function targetCell(design: Design, runCv: number, tally: Tally): string {
  const rates = { falseAlarmPrs: tally.alarmedPrs / PRS, detected: tally.detected / PRS };
  const target = design.target(runCv, rates);
  return target ? `${target.text}: ${target.holds ? 'holds' : 'FAILS'}` : '';
}

function parseArgs(): void {
  if (!Number.isInteger(PRS) || PRS < 1) throw new Error('PRs must be a positive integer');
  if (!Number.isInteger(SEED)) throw new Error('seed must be an integer');
  if (!(PER_METRIC_CV >= 0)) throw new Error('perMetricCV must be a number ≥ 0');
}

function main(): void {
  parseArgs();
  const started = performance.now();
  const header = [
    'design',
    'run CV',
    'A/A: PRs with ≥ 1 false regression',
    'A/A: per metric',
    'detected +10 %, 1 of 20',
    'undecided verdicts',
    'issue #9 target',
  ];
  const cells = RUN_CVS.map((runCv) => simulateCell(runCv));
  const rows = DESIGNS.flatMap((design, d) =>
    RUN_CVS.map((runCv, c) => {
      const tally = (cells[c] as Tally[])[d] as Tally;
      return [
        design.label,
        percent(runCv),
        percent(tally.alarmedPrs / PRS),
        percent(tally.alarmedMetrics / (PRS * METRICS)),
        percent(tally.detected / PRS),
        String(tally.insufficient),
        targetCell(design, runCv, tally),
      ];
    }),
  );
  console.log(
    `${PRS} simulated PRs per cell, seed ${SEED}; ${METRICS} metrics, ${TRIALS} trials per side, ` +
      `trial CV ${percent(TRIAL_CV)}, run effect shared by all metrics` +
      (PER_METRIC_CV > 0 ? ` times a per-metric part of CV ${percent(PER_METRIC_CV)}` : '') +
      '; default policy (alpha 0.05, BH, 5 % threshold)\n',
  );
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 || i === 6 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
