/**
 * What `perfgate compare` costs as a whole process, where a CI step pays for it: two folders of 30
 * Bencher Metric Format files (one file per trial) with 1,000 metrics each, compared by the
 * bundled CLI (`node dist/cli.js compare base head --format json`), against the start-up of
 * `node dist/cli.js --help`, run alternately in one run so that both see the same machine.
 * Issue #21's target: compare ≤ 2× --help (4.6× when the "sees" column simulated its power).
 * Run: npm run package && npm run bench:compare-process [-- repeats]
 *
 * Data are seeded (detection/noise.ts, log-normal with 5 % CV): every 10th metric 10 % worse.
 * Reported: the median wall time and CPU time (user + system of the child) of each command, and
 * the ratio of the medians.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { logNormalNoise } from './detection/noise.js';

const REPEATS = Number(process.argv[2] ?? 7);
const TRIALS = 30;
const BENCHMARKS = 100;
const MEASURES = 10;
// BENCH_CLI: another build's bundle, to put its figures beside this one's on the same machine.
const CLI = resolve(process.env.BENCH_CLI ?? resolve(import.meta.dirname, '../dist/cli.js'));

function writeSide(dir: string, seed: number, shifted: boolean): void {
  mkdirSync(dir);
  const noise = logNormalNoise(0.05, seed);
  const samples = Array.from({ length: BENCHMARKS * MEASURES }, (_, i) =>
    noise.trials(TRIALS, shifted && i % 10 === 0 ? 0.1 : 0),
  );
  for (let t = 0; t < TRIALS; t++) {
    const file: Record<string, Record<string, { value: number }>> = {};
    for (let b = 0; b < BENCHMARKS; b++) {
      const measures: Record<string, { value: number }> = {};
      for (let m = 0; m < MEASURES; m++) {
        measures[`latency-${m}`] = { value: samples[b * MEASURES + m]![t]! * 1e6 };
      }
      file[`bench-${b}`] = measures;
    }
    writeFileSync(join(dir, `trial-${String(t).padStart(2, '0')}.json`), JSON.stringify(file));
  }
}

interface Timed {
  wallMs: number;
  cpuMs: number;
}

/** CPU (user + system) of this process's waited-for children so far, in ms (Linux /proc). */
function childrenCpuMs(): number {
  // Fields 16 and 17 of /proc/self/stat, cutime and cstime, in clock ticks of 10 ms.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function time(args: string[]): Timed {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - start;
  // 1 is the gate failing on the planted regressions: a comparison that ran.
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(' ')}: ${run.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = mkdtempSync(join(tmpdir(), 'perfgate-bench-compare-'));
try {
  const base = join(root, 'base');
  const head = join(root, 'head');
  writeSide(base, 1, false);
  writeSide(head, 2, true);
  const help: Timed[] = [];
  const compare: Timed[] = [];
  time(['--help']);
  time(['compare', base, head, '--format', 'json']);
  for (let i = 0; i < REPEATS; i++) {
    help.push(time(['--help']));
    compare.push(time(['compare', base, head, '--format', 'json']));
  }
  const row = (name: string, runs: Timed[]) =>
    `| ${name} | ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms | ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms |`;
  console.log(`node ${process.version}, ${REPEATS} alternating runs each, medians`);
  console.log('| command | wall | CPU |');
  console.log('| --- | ---: | ---: |');
  console.log(row('perfgate --help', help));
  console.log(
    row(`perfgate compare (2 × ${TRIALS} BMF files, ${BENCHMARKS * MEASURES} metrics)`, compare),
  );
  const ratio = (f: (t: Timed) => number) => median(compare.map(f)) / median(help.map(f));
  console.log(
    `compare / --help: ${ratio((t) => t.wallMs).toFixed(2)}× wall, ${ratio((t) => t.cpuMs).toFixed(2)}× CPU`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
