/**
 * Run-to-run noise and the gate (issues #9 and #26): how often does each baseline design cry wolf
 * on an A/A pull request, and how often does it catch a +10 % or a +25 % slowdown of one metric,
 * when every run of the benchmark has its own machine state?
 * Run: npm run bench:run-to-run [-- PRs seed metrics]
 *   (or: npx tsx benchmarks/run-to-run.ts [PRs=200] [seed=1] [metrics=20])
 *
 * Model (DESIGN.md, "A run is a unit too"): trial value of metric i in run r =
 *   100 × (1 + shift) × machine_r × own_{r,i} × trial_{r,i,t}
 * with log-normal factors of mean 1 (detection/noise.ts): trial CV 2 %; machine_r is ONE factor
 * per run shared by all metrics (a slower host or clock slows everything alike); own_{r,i} is
 * the metric's own part of the run effect. 20 lower-is-better metrics (or `metrics`), 6 trials per
 * side and run.
 * Scenarios (the run effects): shared by all metrics at CV 3 % and 6 %; each metric's own at 6 %;
 * each metric's own at 6 % but one metric's (not the shifted one) at 18 %; each metric's own at a
 * CV of its own, log-uniform between 4.2 % and 8.5 % (twofold) or between 3 % and 12 % (fourfold).
 *
 * Designs, all through perfgate's own code (compareResults):
 *  - history run by run: run medians of 10 stored runs against the head run's median, the
 *    prediction test (compare/runLevel.ts), with each metric's own spread (before issue #26),
 *    with the spreads pooled across the suite (compare.runSpread: pooled), and with the run
 *    factor taken out as well (compare.runFactor: suite, the default);
 *  - interleaved (the PR gate's default): base and head measured in the same run, so both sides
 *    share that run's effects; Mann-Whitney over 6 vs 6 trials.
 * Every design and scenario sees the same draws for a PR (common random numbers: each scenario
 * restarts the seeded stream), so differences between rows come from the design and the
 * scenario, not from the luck of the draw.
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../src/compare/compare.js';
import type { Comparison } from '../src/compare/comparison.js';
import type { ComparePolicy } from '../src/compare/policy.js';
import { runMedians } from '../src/compare/runLevel.js';
import type { Results } from '../src/results/schema.js';
import { BASE_VALUE, logNormalFactor, mulberry32, normals } from './detection/noise.js';
import { simResults } from './detection/results.js';

const PRS = Number(process.argv[2] ?? 200);
const SEED = Number(process.argv[3] ?? 1);

/** Metrics per suite: 20 for the targets; fewer shows what a small suite's pool is worth. */
const METRICS = Number(process.argv[4] ?? 20);
const TRIALS = 6;
const TRIAL_CV = 0.02;
const HISTORY_RUNS = 10;
/** The planted slowdowns and the metric that carries them (the metrics are exchangeable). */
const SHIFTS = [0.1, 0.25] as const;
const SHIFTED_METRIC = 0;
/** In the "one odd metric" scenario, the metric whose run effect has 3× the others' spread. */
const ODD_METRIC = METRICS - 1;

interface Scenario {
  label: string;
  /** CV of the run effect all metrics share. */
  machineCv: number;
  /** CV of each metric's own run effect. */
  ownCv: (metric: number) => number;
  /** The issue #26 targets for the default history design in this scenario, if any. */
  targets: { shift?: (typeof SHIFTS)[number]; detected?: number };
}

/**
 * Each metric a spread of its own, log-uniform from `low` to `high`, evenly spread over the
 * metrics (fixed, not drawn).
 */
const spreadsFrom =
  (low: number, high: number) =>
  (metric: number): number =>
    low * (high / low) ** (metric / (METRICS - 1));

const SCENARIOS: Scenario[] = [
  { label: 'shared, CV 3 %', machineCv: 0.03, ownCv: () => 0, targets: {} },
  {
    label: 'shared, CV 6 %',
    machineCv: 0.06,
    ownCv: () => 0,
    targets: { shift: 0.1, detected: 0.5 },
  },
  {
    label: 'own, CV 6 %',
    machineCv: 0,
    ownCv: () => 0.06,
    targets: { shift: 0.25, detected: 0.6 },
  },
  {
    label: 'own, CV 6 %, one metric 18 %',
    machineCv: 0,
    ownCv: (i) => (i === ODD_METRIC ? 0.18 : 0.06),
    targets: {},
  },
  {
    label: 'own, CV 4.2-8.5 % by metric',
    machineCv: 0,
    ownCv: spreadsFrom(0.06 / Math.SQRT2, 0.06 * Math.SQRT2),
    targets: {},
  },
  { label: 'own, CV 3-12 % by metric', machineCv: 0, ownCv: spreadsFrom(0.03, 0.12), targets: {} },
];

/** Samples of one side of one run: one array of trial values per metric. */
type Side = number[][];

/** The factors of one scenario, all drawn from one seeded stream of standard normals. */
interface RunNoise {
  machine: () => number;
  own: (() => number)[];
  trial: () => number;
}

function runNoise(scenario: Scenario, seed: number): RunNoise {
  const z = normals(mulberry32(seed));
  return {
    machine: logNormalFactor(scenario.machineCv, z),
    own: Array.from({ length: METRICS }, (_, i) => logNormalFactor(scenario.ownCv(i), z)),
    trial: logNormalFactor(TRIAL_CV, z),
  };
}

/** A run's effect on each metric: the machine's factor times the metric's own. */
function runEffects(noise: RunNoise): number[] {
  const machine = noise.machine();
  return noise.own.map((own) => machine * own());
}

/** One side's trials in a run with these effects (both sides of an interleaved run share them). */
function measureSide(noise: RunNoise, effects: readonly number[]): Side {
  return effects.map((effect) =>
    Array.from({ length: TRIALS }, () => BASE_VALUE * effect * noise.trial()),
  );
}

/** Everything one simulated pull request needs, for every design. */
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

/** The head with a planted slowdown on one metric; the other metrics' trials are unchanged. */
function slowed(head: Side, shift: number): Side {
  return head.map((trials, i) =>
    i === SHIFTED_METRIC ? trials.map((v) => v * (1 + shift)) : trials,
  );
}

/** Distinct timestamps: poolResults keeps the newest, as the store would. */
function asRuns(sides: readonly Side[]): Results[] {
  return sides.map((side, i) =>
    simResults(side, new Date(Date.UTC(2026, 10, 1 + i, 3)).toISOString()),
  );
}

interface Design {
  label: string;
  compare: (pr: PullRequest, head: Side) => Comparison;
  /** Is this the design the targets are for? */
  history: boolean;
}

function runByRun(label: string, policy: Partial<ComparePolicy>): Design {
  return {
    label,
    history: policy.runFactor === undefined,
    compare: (pr, head) =>
      compareResults(
        runMedians(asRuns(pr.stored), 'stored'),
        runMedians([simResults(head)], 'head'),
        policy,
        'run',
      ),
  };
}

const DESIGNS: Design[] = [
  runByRun(`run by run, own spreads (before #26)`, { runFactor: 'none', runSpread: 'own' }),
  runByRun('run by run, pooled spreads', { runFactor: 'none', runSpread: 'pooled' }),
  runByRun('run by run, pooled + run factor (default)', {}),
  {
    label: 'interleaved (base beside head, one run)',
    history: false,
    compare: (pr, head) => compareResults(simResults(pr.interleavedBase), simResults(head), {}),
  },
];

interface Tally {
  /** A/A PRs with at least one metric judged a regression. */
  alarmedPrs: number;
  /** Per planted shift, the PRs whose slowed metric was judged a regression. */
  detected: number[];
}

function simulateCell(scenario: Scenario): Tally[] {
  const noise = runNoise(scenario, SEED);
  const tallies = DESIGNS.map(() => ({ alarmedPrs: 0, detected: SHIFTS.map(() => 0) }));
  for (let pr = 0; pr < PRS; pr++) {
    const drawn = drawPullRequest(noise);
    const heads = SHIFTS.map((shift) => slowed(drawn.head, shift));
    DESIGNS.forEach((design, d) => {
      const tally = tallies[d] as Tally;
      const aa = design.compare(drawn, drawn.head);
      if (aa.metrics.some((m) => m.verdict === 'regression')) tally.alarmedPrs++;
      heads.forEach((head, s) => {
        const slow = design.compare(drawn, head).metrics.find((m) => m.metric === 'm0');
        if (slow?.verdict === 'regression') tally.detected[s] = (tally.detected[s] ?? 0) + 1;
      });
    });
  }
  return tallies;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** Issue #26: history A/A ≤ 2.5 % everywhere, and the detection its scenarios name. */
function targetCell(design: Design, scenario: Scenario, tally: Tally): string {
  if (!design.history || METRICS !== 20) return '';
  const checks = [{ text: 'A/A ≤ 2.5 %', holds: tally.alarmedPrs / PRS <= 0.025 }];
  const { shift, detected } = scenario.targets;
  if (shift !== undefined && detected !== undefined) {
    const rate = (tally.detected[SHIFTS.indexOf(shift)] as number) / PRS;
    checks.push({ text: `+${shift * 100} % ≥ ${detected * 100} %`, holds: rate >= detected });
  }
  return checks.map((c) => `${c.text}: ${c.holds ? 'holds' : 'FAILS'}`).join(', ');
}

function main(): void {
  if (!Number.isInteger(PRS) || PRS < 1) throw new Error('PRs must be a positive integer');
  if (!Number.isInteger(SEED)) throw new Error('seed must be an integer');
  if (!Number.isInteger(METRICS) || METRICS < 3)
    throw new Error('metrics must be an integer of 3 or more');
  const started = performance.now();
  const header = [
    'scenario (run effects)',
    'design',
    'A/A: PRs with ≥ 1 false regression',
    ...SHIFTS.map((s) => `detected +${s * 100} %, 1 of ${METRICS}`),
    'issue #26 target',
  ];
  const rows = SCENARIOS.flatMap((scenario) => {
    const tallies = simulateCell(scenario);
    return DESIGNS.map((design, d) => {
      const tally = tallies[d] as Tally;
      return [
        scenario.label,
        design.label,
        percent(tally.alarmedPrs / PRS),
        ...tally.detected.map((n) => percent(n / PRS)),
        targetCell(design, scenario, tally),
      ];
    });
  });
  console.log(
    `${PRS} simulated PRs per scenario, seed ${SEED}; ${METRICS} metrics, ${TRIALS} trials per ` +
      `side and run, trial CV ${percent(TRIAL_CV)}, ${HISTORY_RUNS} stored runs; default policy ` +
      '(alpha 0.05, BH, 5 % threshold)\n',
  );
  console.log(`| ${header.join(' | ')} |`);
  console.log(
    `|${header.map((_, i) => (i < 2 || i === header.length - 1 ? '---' : '---:')).join('|')}|`,
  );
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
