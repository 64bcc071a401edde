// Generates the example inputs of the README demo: an embedding service and a vector API
// measured on a base and a head commit, where head has a real regression (search latency
// +15 %, cache hit rate -8 points) and everything else is unchanged, only re-drawn noise.
//
//   node examples/generate.mjs [OUT_DIR] && npx prettier --write examples
//
// Deterministic (seeded PRNG), so the committed files can be checked against a fresh run.
// Writes, under OUT_DIR (default: this folder):
//   base/results.json, head/results.json   perfgate results v1, 10 trials each
//   bmf/{base,head}/trial-N.json           Bencher Metric Format, one file per trial, 5 each
//   gab/base.json, gab/head.json           github-action-benchmark custom JSON, one value each
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TRIALS = 10;
const BMF_TRIALS = 5;

/** What the service does on base; `cv` is the trial-to-trial coefficient of variation. */
const METRICS = [
  ['api/embed', 'latency_p50', 'ms', 'lower', 18.4, 0.025, 2],
  ['api/embed', 'latency_p95', 'ms', 'lower', 31.2, 0.035, 2],
  ['api/embed', 'latency_p99', 'ms', 'lower', 42.7, 0.05, 2],
  ['api/embed', 'throughput', 'req/s', 'higher', 1450, 0.03, 1],
  ['api/search', 'latency_p50', 'ms', 'lower', 9.1, 0.025, 2],
  ['api/search', 'latency_p95', 'ms', 'lower', 16.3, 0.035, 2],
  ['api/search', 'latency_p99', 'ms', 'lower', 23.8, 0.05, 2],
  ['api/search', 'throughput', 'req/s', 'higher', 3200, 0.03, 1],
  ['cache', 'hit_rate', '%', 'higher', 91.5, 0.02, 2],
  ['db', 'query_mean', 'ms', 'lower', 3.2, 0.03, 3],
  ['service', 'cpu', '%', 'lower', 62, 0.04, 1],
  ['service', 'rss', 'bytes', 'lower', 412 * 2 ** 20, 0.02, 0],
].map(([suite, name, unit, direction, mean, cv, decimals]) => ({
  suite,
  name,
  unit,
  direction,
  mean,
  cv,
  decimals,
}));

/** The regression under test: what head changes, as a function of the base mean. */
function headMean({ suite, name, mean }) {
  if (suite === 'api/search' && name.startsWith('latency')) return mean * 1.15;
  if (suite === 'cache' && name === 'hit_rate') return mean - 8;
  return mean;
}

/** mulberry32: a tiny, well-known 32-bit PRNG; enough for plausible noise, and reproducible. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box-Muller); 1 - u keeps the logarithm away from 0. */
function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function round(value, decimals) {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** `trials` noisy values of one metric around `mean`. */
function draw(random, metric, mean, trials) {
  return Array.from({ length: trials }, () =>
    round(mean * (1 + metric.cv * normal(random)), metric.decimals),
  );
}

const ENVIRONMENT = {
  os: 'linux',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cpuCount: 16,
  memoryBytes: 64 * 2 ** 30,
  nodeVersion: 'v20.20.2',
  runner: 'gpu-runner-1',
  gpus: [{ index: 0, name: 'NVIDIA L4', driver: '550.54.15', memoryTotalMiB: 23034 }],
};

const SIDES = {
  base: { seed: 20250512, commit: '4f1c2a9', ref: 'main', createdAt: '2025-05-12T02:00:00Z' },
  head: {
    seed: 20250513,
    commit: '9b7e3d1',
    ref: 'refs/pull/42/merge',
    createdAt: '2025-05-12T14:30:00Z',
  },
};

function perfgateResults(side, random) {
  const { commit, ref, createdAt } = SIDES[side];
  const suites = [];
  for (const metric of METRICS) {
    let suite = suites.find((s) => s.name === metric.suite);
    if (!suite) suites.push((suite = { name: metric.suite, metrics: [] }));
    const mean = side === 'head' ? headMean(metric) : metric.mean;
    suite.metrics.push({
      name: metric.name,
      unit: metric.unit,
      direction: metric.direction,
      samples: draw(random, metric, mean, TRIALS),
    });
  }
  return {
    schema: 'perfgate/results@1',
    createdAt,
    commit,
    ref,
    configHash: 'sha256:3a91c0e2d4b7',
    environment: ENVIRONMENT,
    source: 'perfgate',
    suites,
  };
}

/**
 * BMF's built-in measures: latency in ns (so ms × 1e6, whole ns), throughput in ops/s;
 * hit-rate is a custom measure. [benchmark, measure, perfgate metric, scale, decimals]
 */
const BMF_MEASURES = [
  ['api/embed', 'latency', 'latency_p50', 1e6, 0],
  ['api/embed', 'throughput', 'throughput', 1, 1],
  ['api/search', 'latency', 'latency_p50', 1e6, 0],
  ['api/search', 'throughput', 'throughput', 1, 1],
  ['cache', 'hit-rate', 'hit_rate', 1, 2],
];

function bmfTrials(side, random) {
  return Array.from({ length: BMF_TRIALS }, () => {
    const trial = {};
    for (const [benchmark, measure, source, scale, decimals] of BMF_MEASURES) {
      const metric = METRICS.find((m) => m.suite === benchmark && m.name === source);
      const mean = (side === 'head' ? headMean(metric) : metric.mean) * scale;
      const [value] = draw(random, { ...metric, decimals }, mean, 1);
      const spread = Math.abs(value * metric.cv * normal(random));
      trial[benchmark] ??= {};
      trial[benchmark][measure] =
        measure === 'latency'
          ? {
              value,
              lower_value: Math.round(value - spread),
              upper_value: Math.round(value + spread),
            }
          : { value };
    }
    return trial;
  });
}

const GAB_ENTRIES = [
  ['api/embed', 'latency_p95', 'api/embed latency p95'],
  ['api/embed', 'throughput', 'api/embed throughput'],
  ['api/search', 'latency_p95', 'api/search latency p95'],
  ['api/search', 'throughput', 'api/search throughput'],
  ['cache', 'hit_rate', 'cache hit rate'],
  ['db', 'query_mean', 'db query mean'],
];

function gabEntries(side, random) {
  return GAB_ENTRIES.map(([suite, source, name]) => {
    const metric = METRICS.find((m) => m.suite === suite && m.name === source);
    const mean = side === 'head' ? headMean(metric) : metric.mean;
    const [value] = draw(random, metric, mean, 1);
    const range = round(value * metric.cv, metric.decimals);
    return { name, unit: metric.unit, value, range: `± ${range}`, extra: '10 runs' };
  });
}

function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

const out = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
for (const side of ['base', 'head']) {
  // One generator per side and format, so changing one output does not reshuffle the others.
  const { seed } = SIDES[side];
  writeJson(join(out, side, 'results.json'), perfgateResults(side, mulberry32(seed)));
  bmfTrials(side, mulberry32(seed + 1)).forEach((trial, i) =>
    writeJson(join(out, 'bmf', side, `trial-${i + 1}.json`), trial),
  );
  writeJson(join(out, 'gab', `${side}.json`), gabEntries(side, mulberry32(seed + 2)));
}
