// The history check's power end to end through the CLI (issue #26): `perfgate record` stores ten
// runs of a command suite of 20 metrics, then `perfgate check --baseline history` judges new runs
// by them. Every run has its own run effect per metric (log-normal, CV 6 %) and every trial 2 %
// noise, as a runner whose metrics wander independently from run to run; all of it is drawn here
// from one seeded stream and written where bench.mjs reads it, so the test is repeatable.
// Before issue #26 a +25 % change of one metric was found in 2 of 10 such checks. Issue #26 asks
// for a +30 % metric flagged in 7 of 10; the simulation of this case (benchmarks/run-to-run.ts's
// model, 3 trials, +30 %) finds it in 79 % of checks, and 7 or more of 10 in 80 % of histories.
// Through the CLI, 10 checks against each of five stored histories flagged it in 37 of 50 (6, 9,
// 8, 5 and 9 per history). When a spread kept its own at the others' upper 5 % tail
// (stats/moderated.ts, OWN_SPREAD_LEVEL), the third history's metric kept its own by chance, and
// its 9 degrees of freedom found the change once in 10.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/random.js';
import { runCli } from '../helpers/cli.js';
import { newRepo } from '../helpers/gitRepo.js';

const METRICS = 20;
const TRIALS = 3;
const RUN_CV = 0.06;
/** Stored histories: the power measured is the check's, not the luck of one history's draws. */
const HISTORIES = 5;
const TRIAL_CV = 0.02;

let repo: string;
let runFile: string;

const bench = (file: string) => `
import { readFileSync } from 'node:fs';
// This run's values: one array of ${METRICS} metrics per trial (PERFGATE_TRIAL counts from 1).
const { trials } = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8'));
const values = trials[(Number(process.env.PERFGATE_TRIAL ?? 1) - 1) % trials.length];
console.log(JSON.stringify({ work: Object.fromEntries(values.map((v, i) => ['m' + i, { value: v }])) }));
`;

const normal = (random: () => number) => () =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const z = normal(mulberry32(20261205));

/** The next run: its own effect per metric, trial noise, and `slower` on metric 0. */
async function nextRun(slower = 1): Promise<void> {
  const effects = Array.from({ length: METRICS }, () => Math.exp(RUN_CV * z()));
  const trials = Array.from({ length: TRIALS }, () =>
    effects.map((effect, i) => 10 * effect * (i === 0 ? slower : 1) * Math.exp(TRIAL_CV * z())),
  );
  await writeFile(runFile, JSON.stringify({ trials }));
}

/** One store per history, each of 10 runs (checks against one history share its draws). */
const stores: string[] = [];
const config = () => join(repo, 'perfgate.yml');
const check = async (store: string, slower = 1) => {
  await nextRun(slower);
  return runCli(
    ['check', '--config', config(), '--baseline', 'history', '--store', store, '--branch', 'main'],
    repo,
  );
};

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-power-'));
  runFile = join(dir, 'run.json');
  repo = await newRepo({
    'perfgate.yml': `version: 1\ntrials: ${TRIALS}\nwarmupSeconds: 0\nsuites:\n  - name: work\n    kind: command\n    command: node bench.mjs\n`,
    'bench.mjs': bench(runFile),
  });
  for (let h = 0; h < HISTORIES; h++) {
    const store = join(dir, `history-${h}`);
    for (let r = 0; r < 10; r++) {
      await nextRun();
      const recorded = await runCli(
        ['record', '--config', config(), '--store', store, '--branch', 'main'],
        repo,
      );
      expect(recorded.code, recorded.stderr).toBe(0);
    }
    stores.push(store);
  }
}, 180_000);

describe('perfgate check --baseline history, 20 metrics of their own 6 % run-to-run spread', () => {
  it('flags a +30 % metric in at least 70 % of checks, saying which spread it leaned on', async () => {
    const results = [];
    for (const store of stores) for (let i = 0; i < 10; i++) results.push(await check(store, 1.3));
    const flagged = results.filter(
      (r) => r.code === 1 && /work m0 .* REGRESSION/.test(r.stdout),
    ).length;
    expect(flagged).toBeGreaterThanOrEqual(0.7 * results.length);
    expect(results[0]?.stdout).toMatch(
      /baseline: main: 10 stored runs \(.*\), compared run by run/,
    );
    expect(results[0]?.stdout).toMatch(
      /work: run-to-run spread pooled across \d+ metrics \(about [\d.]+ %, worth [\d.]+ runs(, [\d.]+ for a metric above it)?\)/,
    );
    expect(results[0]?.stdout).toMatch(/work: as a whole this run was /);
  }, 180_000);

  it('flags at most 1 of 20 A/A checks', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await check(stores[i % HISTORIES] as string)).code);
    expect(codes.every((code) => code === 0 || code === 1)).toBe(true);
    expect(codes.filter((code) => code === 1).length).toBeLessThanOrEqual(1);
  }, 180_000);
});
