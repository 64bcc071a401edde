/**
 * How long the engine takes to compare a large run and render it: 1,000 metrics, at 10 and at 30
 * trials per side, compareResults + renderComparisonMarkdown, timed together and apart.
 * Run: npm run bench:compare [-- repeats]   (or: npx tsx benchmarks/compare-speed.ts [repeats])
 *
 * Data are seeded (benchmarks/detection/noise.ts: mulberry32, Box-Muller, log-normal with 5 % CV);
 * every 10th metric is 10 % worse in the candidate and every 25th 8 % better, the rest unchanged;
 * a quarter of the metrics are throughputs (higher is better). Each size gets one warm-up run and
 * then `repeats` timed runs (default 5); the median is reported. Data generation is not timed.
 * Peak RSS is the process high-water mark (process.resourceUsage().maxRSS) read after each size,
 * the smaller size first, so the first figure is that size's own peak and the second includes it.
 */
import { performance } from 'node:perf_hooks';
import { compareResults } from '../src/compare/compare.js';
import { renderComparisonMarkdown } from '../src/report/markdown.js';
import type { Results, SuiteResult } from '../src/results/schema.js';
import { logNormalNoise } from './detection/noise.js';

const REPEATS = Number(process.argv[2] ?? 5);
const METRICS = 1000;
const METRICS_PER_SUITE = 50;
const SIZES = [10, 30] as const;
const CV = 0.05;
const SEED = 20261127;

/** Relative true change of metric i in the candidate, in its own unit. */
function shiftOf(i: number, direction: 'lower' | 'higher'): number {
  const worse = direction === 'lower' ? 0.1 : -0.1;
  if (i % 10 === 0) return worse;
  if (i % 25 === 0) return -0.8 * worse;
  return 0;
}

function side(trials: number, seed: number, withShifts: boolean): Results {
  const noise = logNormalNoise(CV, seed);
  const suites: SuiteResult[] = [];
  for (let i = 0; i < METRICS; i++) {
    const direction = i % 4 === 3 ? 'higher' : 'lower';
    const suiteIndex = Math.floor(i / METRICS_PER_SUITE);
    let suite = suites[suiteIndex];
    if (!suite) {
      suite = { name: `suite-${suiteIndex}`, metrics: [] };
      suites.push(suite);
    }
    suite.metrics.push({
      name: direction === 'lower' ? `latency-${i}` : `throughput-${i}`,
      unit: direction === 'lower' ? 'ms' : 'req/s',
      direction,
      samples: noise.trials(trials, withShifts ? shiftOf(i, direction) : 0),
    });
  }
  return { schema: 'perfgate/results@1', createdAt: '2026-11-27T09:00:00Z', suites };
}

interface Timing {
  compareMs: number;
  renderMs: number;
  totalMs: number;
  markdownChars: number;
  regressions: number;
  improvements: number;
}

function once(base: Results, head: Results): Timing {
  const t0 = performance.now();
  const comparison = compareResults(base, head);
  const t1 = performance.now();
  const markdown = renderComparisonMarkdown(comparison, { baseLabel: 'main', headLabel: 'pr' });
  const t2 = performance.now();
  return {
    compareMs: t1 - t0,
    renderMs: t2 - t1,
    totalMs: t2 - t0,
    markdownChars: markdown.length,
    regressions: comparison.counts.regression,
    improvements: comparison.counts.improvement,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface SizeResult {
  trials: number;
  compareMs: number;
  renderMs: number;
  totalMs: number;
  minMs: number;
  maxMs: number;
  usPerMetric: number;
  peakRssMiB: number;
  heapUsedMiB: number;
  last: Timing;
}

function measureSize(trials: number): SizeResult {
  const base = side(trials, SEED + trials, false);
  const head = side(trials, SEED + trials + 1, true);
  once(base, head); // warm-up: JIT, exact U tables cached or not, whatever the engine does
  const runs = Array.from({ length: REPEATS }, () => once(base, head));
  const totals = runs.map((r) => r.totalMs);
  const totalMs = median(totals);
  return {
    trials,
    compareMs: median(runs.map((r) => r.compareMs)),
    renderMs: median(runs.map((r) => r.renderMs)),
    totalMs,
    minMs: Math.min(...totals),
    maxMs: Math.max(...totals),
    usPerMetric: (totalMs * 1000) / METRICS,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
    last: runs[runs.length - 1] as Timing,
  };
}

function main(): void {
  if (!Number.isInteger(REPEATS) || REPEATS < 1) {
    throw new Error(`repeats must be a positive integer, got ${process.argv[2]}`);
  }
  const results = SIZES.map(measureSize);
  const fmt = (x: number, digits = 1): string => x.toFixed(digits);
  console.log(
    `compareResults + renderComparisonMarkdown, ${METRICS} metrics, median of ${REPEATS} runs after 1 warm-up ` +
      `(node ${process.version}, ${process.arch})\n`,
  );
  console.log(
    '| trials/side | total ms (min–max) | µs/metric | compare ms | render ms | markdown chars | regressed/improved | peak RSS MiB | heap used MiB |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.trials} | ${fmt(r.totalMs)} (${fmt(r.minMs)}–${fmt(r.maxMs)}) | ${fmt(r.usPerMetric)} | ` +
        `${fmt(r.compareMs)} | ${fmt(r.renderMs)} | ${r.last.markdownChars} | ` +
        `${r.last.regressions}/${r.last.improvements} | ${fmt(r.peakRssMiB, 0)} | ${fmt(r.heapUsedMiB, 0)} |`,
    );
  }
  const [small, large] = results;
  if (small && large) {
    console.log(
      `\nratio ${large.trials}/${small.trials} trials: total ×${(large.totalMs / small.totalMs).toFixed(2)}, ` +
        `compare ×${(large.compareMs / small.compareMs).toFixed(2)}, ` +
        `render ×${(large.renderMs / small.renderMs).toFixed(2)} ` +
        `(pairs per metric ×${((large.trials * large.trials) / (small.trials * small.trials)).toFixed(0)})`,
    );
  }
}

main();
