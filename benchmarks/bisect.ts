/**
 * Bisection (issue #27): how often `perfgate bisect` names the exact culprit, in how many steps
 * and trials, and how often it names one where there is none.
 * Run: npm run bench:bisect [-- ranges seed]   (or: npx tsx benchmarks/bisect.ts [ranges=300] [seed=1])
 *
 * Model (detection/noise.ts): a range of N first-parent commits after the good one (N = 16, 32),
 * 20 lower-is-better metrics, trial value = 100 × (1 + step) × a log-normal factor of mean 1 and
 * CV 3 %, mulberry32 + Box-Muller, seeded. With a step, one position in 1 … N drawn uniformly
 * carries +8 % on metric 0 and every later commit keeps it (the culprit is that position); without
 * one, nothing changes. Every step of the search is a same-run A/B of two commits, trials drawn
 * per side, in blocks of 2 as the runner runs them.
 *
 * Decision code: perfgate's own. The search is compare/bisect.ts (`search`, `stepAnswer`,
 * `confirmedRegressions`, `onlyMetrics`); each step is the sequential design of a config without
 * `trials` ({ min: 6, max: 30 }, pipeline/gate.ts `sequentialGate`, default policy), looked at
 * after every block and stopped when it says so, exactly as `perfgate bisect` does: the
 * confirmation (bad against good) on all 20 metrics, every probe on the confirmed ones only.
 */
import { performance } from 'node:perf_hooks';
import {
  bisectResult,
  confirmedRegressions,
  onlyMetrics,
  search,
  stepAnswer,
} from '../src/compare/bisect.js';
import type { Comparison } from '../src/compare/comparison.js';
import { SequentialTrialsSchema } from '../src/config/schema.js';
import { sequentialGate } from '../src/pipeline/gate.js';
import type { Results } from '../src/results/schema.js';
import { logNormalNoise, mulberry32, type TrialNoise } from './detection/noise.js';
import { simResults } from './detection/results.js';

const RANGES = Number(process.argv[2] ?? 300);
const SEED = Number(process.argv[3] ?? 1);
const SIZES = [16, 32] as const;
const METRICS = 20;
const CV = 0.03;
const STEP = 0.08;
const TRIALS = SequentialTrialsSchema.parse({});

/** Trials of one side: per metric, `count` values; metric 0 carries `step`. */
function side(noise: TrialNoise, count: number, step: number): number[][] {
  return Array.from({ length: METRICS }, (_, i) => noise.trials(count, i === 0 ? step : 0));
}

const slice = (sides: number[][], count: number): Results =>
  simResults(sides.map((trials) => trials.slice(0, count)));

/**
 * One same-run A/B of two commits whose metric 0 differs by `steps` (base, head), judged on the
 * metrics `keep` accepts, with the sequential design's looks: trials per side and the comparison.
 */
function measureStep(
  noise: TrialNoise,
  steps: [number, number],
  keep: (key: string) => boolean,
): { comparison: Comparison; trials: number } {
  const gate = sequentialGate(TRIALS, {});
  const [base, head] = steps.map((step) => side(noise, TRIALS.max, step)) as [
    number[][],
    number[][],
  ];
  let count = 2;
  while (count < TRIALS.max) {
    const pair: [Results, Results] = [
      onlyMetrics(slice(base, count), keep),
      onlyMetrics(slice(head, count), keep),
    ];
    if (gate.stopAfterBlock(count, pair)) break;
    count += 2;
  }
  const comparison = gate.finish(
    onlyMetrics(slice(base, count), keep),
    onlyMetrics(slice(head, count), keep),
  );
  return { comparison, trials: count };
}

interface Range {
  /** Index of the first bad commit (1 … size), or null when nothing changed. */
  culprit: number | null;
  found: number | null;
  steps: number;
  trials: number;
}

async function bisectRange(noise: TrialNoise, size: number, culprit: number | null) {
  const stepAt = (index: number) => (culprit !== null && index >= culprit ? STEP : 0);
  const all = () => true;
  const confirm = measureStep(noise, [0, stepAt(size)], all);
  const followed = confirmedRegressions(confirm.comparison, []).map((m) => m.key);
  const range: Range = { culprit, found: null, steps: 1, trials: confirm.trials };
  if (followed.length === 0) return range;
  const state = await search(size + 1, (index) => {
    const probe = measureStep(noise, [0, stepAt(index)], (key) => followed.includes(key));
    range.steps++;
    range.trials += probe.trials;
    return stepAnswer(probe.comparison, followed);
  });
  range.found = bisectResult(state).culprit;
  return range;
}

interface Cell {
  size: number;
  stepped: boolean;
  ranges: Range[];
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function row(cell: Cell): string[] {
  const { size, stepped, ranges } = cell;
  const bound = Math.ceil(Math.log2(size)) + 2;
  const exact = ranges.filter((r) => r.found === r.culprit).length / ranges.length;
  const within = ranges.filter((r) => r.found === r.culprit && r.steps <= bound).length;
  const mean = (f: (r: Range) => number) => ranges.reduce((a, r) => a + f(r), 0) / ranges.length;
  const maxSteps = Math.max(...ranges.map((r) => r.steps));
  const target = stepped
    ? `exact within ${bound} steps ≥ 95 %: ${within / ranges.length >= 0.95 ? 'holds' : 'FAILS'}`
    : `no culprit ≥ 98 %: ${exact >= 0.98 ? 'holds' : 'FAILS'}`;
  return [
    String(size),
    stepped ? '+8 % on 1 of 20' : 'none',
    stepped ? percent(exact) : `${percent(exact)} no culprit`,
    stepped ? percent(within / ranges.length) : '',
    `${mean((r) => r.steps).toFixed(1)} (max ${maxSteps})`,
    mean((r) => r.trials).toFixed(0),
    target,
  ];
}

async function main(): Promise<void> {
  if (!Number.isInteger(RANGES) || RANGES < 1) throw new Error('ranges must be a positive integer');
  const started = performance.now();
  const cells: Cell[] = [];
  for (const size of SIZES) {
    for (const stepped of [true, false]) {
      // Each cell its own seeded streams: the trials' noise, and the culprit's position.
      const noise = logNormalNoise(CV, SEED * 1000 + size + (stepped ? 1 : 0));
      const position = mulberry32(SEED * 7 + size);
      const ranges: Range[] = [];
      for (let r = 0; r < RANGES; r++) {
        const culprit = stepped ? 1 + Math.floor(position() * size) : null;
        ranges.push(await bisectRange(noise, size, culprit));
      }
      cells.push({ size, stepped, ranges });
    }
  }
  const header = [
    'commits',
    'step',
    'exact culprit',
    `exact within ⌈log2 N⌉ + 2 steps`,
    'steps per range (mean)',
    'trials per side per range (mean)',
    'issue #27 target',
  ];
  console.log(
    `${RANGES} ranges per cell, seed ${SEED}; ${METRICS} metrics, trial CV ${percent(CV)}, ` +
      `sequential trials { min: ${TRIALS.min}, max: ${TRIALS.max} }, default policy\n`,
  );
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 1 || i === 6 ? '---' : '---:')).join('|')}|`);
  for (const cell of cells) console.log(`| ${row(cell).join(' | ')} |`);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
