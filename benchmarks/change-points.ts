/**
 * False alarms, detection rate and index accuracy of detectChangePoints (E-divisive with means,
 * src/stats/changePoint.ts) on simulated nightly histories, with its defaults (alpha 0.05, 199
 * permutations, minSize 3, seed 1).
 * Run: npx tsx benchmarks/change-points.ts [series=500] [seed=1]   (about 20 s on 2 shared cores)
 *
 * Noise model (detection/noise.ts): value = 100 × (1 + shift) × log-normal factor of mean 1 and
 * coefficient of variation 3 % or 10 %; mulberry32 + Box-Muller, seeded. Each series has 60
 * values. Scenarios:
 * - stationary: no shift; a series with any change point is a false alarm;
 * - one step of +5 % or +10 % at an index drawn uniformly from 10..50 (the first value of the
 *   new level); detected when any change point is reported; accuracy is the distance from the
 *   true index to the nearest reported one;
 * - up and back: +10 % from a to b, back to the base level after (a in 10..25, b in 35..50):
 *   both found when each true index has a reported point within ±2.
 * "Extra points" counts reported change points beyond the number planted (0, 1 or 2).
 * Also times one 500-value series with two shifts (median of 5 runs).
 */
import { performance } from 'node:perf_hooks';
import { detectChangePoints } from '../src/stats/changePoint.js';
import { logNormalNoise, mulberry32 } from './detection/noise.js';

const SERIES = Number(process.argv[2] ?? 500);
const SEED = Number(process.argv[3] ?? 1);
const LENGTH = 60;
const CVS = [0.03, 0.1] as const;

interface Row {
  cv: number;
  scenario: string;
  flagged: number;
  exact: number;
  within2: number;
  extra: number;
}

const pct = (count: number): string => `${((100 * count) / SERIES).toFixed(1)} %`;

/** The series, and its true change indices. */
type Make = (
  noise: ReturnType<typeof logNormalNoise>,
  uniform: () => number,
) => [number[], number[]];

const between = (uniform: () => number, lo: number, hi: number): number =>
  lo + Math.floor(uniform() * (hi - lo + 1));

const SCENARIOS: [string, Make][] = [
  ['stationary', (noise) => [noise.trials(LENGTH, 0), []]],
  ...[0.05, 0.1].map((shift): [string, Make] => [
    `one step +${shift * 100} %`,
    (noise, uniform) => {
      const at = between(uniform, 10, 50);
      return [[...noise.trials(at, 0), ...noise.trials(LENGTH - at, shift)], [at]];
    },
  ]),
  [
    'up +10 % and back',
    (noise, uniform) => {
      const a = between(uniform, 10, 25);
      const b = between(uniform, 35, 50);
      const series = [...noise.trials(a, 0), ...noise.trials(b - a, 0.1)];
      return [
        [...series, ...noise.trials(LENGTH - b, 0)],
        [a, b],
      ];
    },
  ],
];

function measure(cv: number, scenario: string, make: Make, seed: number): Row {
  const noise = logNormalNoise(cv, seed);
  const uniform = mulberry32(seed + 7777);
  const row: Row = { cv, scenario, flagged: 0, exact: 0, within2: 0, extra: 0 };
  for (let s = 0; s < SERIES; s++) {
    const [series, truth] = make(noise, uniform);
    const found = detectChangePoints(series).map((p) => p.index);
    if (found.length > 0) row.flagged++;
    row.extra += Math.max(0, found.length - truth.length);
    if (truth.length === 0 || found.length === 0) continue;
    const distances = truth.map((t) => Math.min(...found.map((f) => Math.abs(f - t))));
    if (distances.every((d) => d === 0)) row.exact++;
    if (distances.every((d) => d <= 2)) row.within2++;
  }
  return row;
}

function timing(): number {
  const noise = logNormalNoise(0.03, SEED);
  const series = [...noise.trials(200, 0), ...noise.trials(150, 0.06), ...noise.trials(150, 0)];
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    detectChangePoints(series);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const start = performance.now();
const rows: Row[] = [];
CVS.forEach((cv, c) =>
  SCENARIOS.forEach(([scenario, make], k) =>
    rows.push(measure(cv, scenario, make, SEED * 1000 + c * 10 + k)),
  ),
);
console.log(
  `${SERIES} series of ${LENGTH} values per row, seed ${SEED}; defaults (alpha 0.05, 199 permutations, minSize 3)\n`,
);
console.log(
  '| CV | scenario | series with ≥ 1 change point | all true indices exact | all within ±2 | extra points per series |',
);
console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const stationary = r.scenario === 'stationary';
  console.log(
    `| ${r.cv * 100} % | ${r.scenario} | ${pct(r.flagged)}${stationary ? ' (false alarms)' : ''} | ${stationary ? '–' : pct(r.exact)} | ${stationary ? '–' : pct(r.within2)} | ${(r.extra / SERIES).toFixed(3)} |`,
  );
}
console.log(`\n500 values, two shifts, 199 permutations: ${timing().toFixed(0)} ms (median of 5)`);
console.log(
  `node ${process.version}, ${process.arch}; total ${((performance.now() - start) / 1000).toFixed(1)} s`,
);
