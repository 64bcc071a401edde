// `perfgate shards` and `perfgate merge`, in-process: the plan from a folder store's recorded
// durations, and the merge's exit codes on artifacts as shard jobs write them.
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { SHARD_SCHEMA, ShardArtifactSchema, type ShardArtifact } from '../../src/results/shard.js';
import { folderStore } from '../../src/store/folderStore.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, newRepo } from '../helpers/gitRepo.js';

const SUITES = { s60: 60, s50: 50, s40: 40, s30: 30, s20: 20 };

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-shards-'));
  const suites = Object.keys(SUITES).map(
    (name) => `  - { name: ${name}, kind: command, command: 'true' }`,
  );
  const gpu = "  - { name: infer, kind: command, command: 'true', runsOn: [self-hosted, gpu] }";
  await writeFile(
    join(dir, 'perfgate.yml'),
    ['version: 1', 'suites:', ...suites, gpu, ''].join('\n'),
  );
  return dir;
}

const recorded = (durations: Record<string, number>): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-11-28T09:00:00Z',
  commit: 'a'.repeat(40),
  suites: Object.entries(durations).map(([name, seconds]) => ({ name, metrics: [], seconds })),
});

interface Matrix {
  include: { shard: string; 'runs-on': string[]; suites: string[]; seconds: number }[];
}

describe('perfgate shards', () => {
  it('balances 60, 50, 40, 30, 20 s across 2 shards within 10 s, pinned suites apart', async () => {
    const dir = await project();
    await folderStore(join(dir, 'history')).append(recorded({ ...SUITES, infer: 100 }), {
      branch: 'main',
    });
    const run = await runCli(
      ['shards', '--config', 'perfgate.yml', '--count', '3', '--store', 'history'],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const matrix = JSON.parse(run.stdout) as Matrix;
    const cpu = matrix.include.filter((s) => s['runs-on'].join() === 'ubuntu-latest');
    const gpu = matrix.include.filter((s) => s['runs-on'].join() === 'self-hosted,gpu');
    expect(gpu.map((s) => s.suites)).toEqual([['infer']]);
    expect(cpu).toHaveLength(2);
    const [a, b] = cpu.map((s) => s.seconds) as [number, number];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(10);
    expect(matrix.include.map((s) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses a count that cannot cover the label sets, naming the option', async () => {
    const run = await runCli(
      ['shards', '--config', 'perfgate.yml', '--count', '1'],
      await project(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--count: 1 shard\(s\) cannot cover 2 runner label sets/);
  });
});

const failed = (index: number, count: number, kind: 'run' | 'input'): ShardArtifact => ({
  schema: SHARD_SCHEMA,
  shard: { index, count },
  suites: [`s${index}`],
  baseline: 'none',
  context: [],
  error: { kind, message: `suite 's${index}': the command exited with code 1` },
});

async function artifacts(list: readonly ShardArtifact[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-artifacts-'));
  for (const [i, a] of list.entries()) {
    await mkdir(join(dir, `shard-${i}`));
    await writeFile(join(dir, `shard-${i}`, 'shard.json'), JSON.stringify(a));
  }
  return dir;
}

describe('perfgate merge', () => {
  it("exits 3 with the shard's error when a shard's run failed", async () => {
    const dir = await artifacts([failed(1, 1, 'run')]);
    const run = await runCli(['merge', dir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /run failed: shard 1\/1 failed: suite 's1': the command exited with code 1/,
    );
  });

  it('exits 2 naming the shard that did not report, and on a folder without artifacts', async () => {
    const measured: ShardArtifact = {
      schema: SHARD_SCHEMA,
      shard: { index: 2, count: 2 },
      suites: ['s2'],
      baseline: 'none',
      context: [],
      head: recorded({ s2: 1 }),
    };
    const missing = await runCli(['merge', await artifacts([measured])]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 1\/2 did not report: no artifact among the 1 file given/);
    const empty = await runCli(['merge', await mkdtemp(join(tmpdir(), 'perfgate-none-'))]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/RESULTS: no shard artifacts/);
  });
});

describe('bounds on shard counts, which a fork controls in its artifact', () => {
  it("refuses an artifact's shard.count of 2^40 with exit 2, naming the file and field", async () => {
    const dir = await artifacts([failed(1, 2 ** 40, 'run')]);
    const run = await runCli(['merge', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/shard\.json: shard\.count: .*256/);
    expect(run.stderr).not.toMatch(/RangeError|at /);
  });

  it('follows no link into a folder: a loop or a link to / is neither read twice nor walked', async () => {
    const dir = await artifacts([failed(1, 1, 'run')]);
    await symlink('.', join(dir, 'shard-0', 'loop'));
    await symlink('/', join(dir, 'root'));
    const run = await runCli(['merge', dir]);
    // The one shard's own failure, not "shard 1/1 reported twice".
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/shard 1\/1 failed/);
  });

  it('refuses --shard N beyond 256, and a matrix entry that lists a suite twice, before measuring', async () => {
    const dir = await project();
    const big = await runCli(
      ['check', '--config', 'perfgate.yml', '--shard', '1/9007199254740992'],
      dir,
    );
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--shard: expected K\/N with 1 ≤ K ≤ N ≤ 256/);
    const entry = JSON.stringify({
      shard: '1/1',
      'runs-on': ['x'],
      suites: ['a', 'a'],
      seconds: 1,
    });
    const twice = await runCli(['check', '--config', 'perfgate.yml', '--shard', entry], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/--shard: .*suites: lists a suite more than once/);
  });
});

describe('perfgate check --shard, then perfgate merge', () => {
  /** Two suites reporting each trial's value from values.json of the tree they run in. */
  const probe = (name: string, command = `node probe.cjs ${name}`) =>
    `  - { name: ${name}, kind: command, command: '${command}' }`;
  const files = (values: object, fail = false) => ({
    'perfgate.yml': [
      'version: 1',
      'trials: 4',
      'warmupSeconds: 0',
      'suites:',
      probe('a'),
      probe('b', fail ? 'node -e "process.exit(1)"' : 'node probe.cjs b'),
      '',
    ].join('\n'),
    'probe.cjs': [
      "const v = require('./values.json')[process.argv[2]][Number(process.env.PERFGATE_TRIAL) - 1];",
      "console.log(JSON.stringify({ probe: { latency: { value: v, unit: 'ms' } } }));",
      '',
    ].join('\n'),
    'values.json': JSON.stringify(values),
  });
  const same = { a: [10, 11, 12, 13], b: [10, 11, 12, 13] };

  it('writes each shard beside its base revision, and the merge judges both', async () => {
    const repo = await newRepo(files(same));
    const base = git(repo, 'rev-parse', 'HEAD');
    await commit(repo, 'b slower', files({ ...same, b: [20, 21, 22, 23] }));
    const check = (shard: string) =>
      runCli(
        [
          'check',
          '--config',
          'perfgate.yml',
          '--against',
          base,
          '--shard',
          shard,
          '--out',
          `out/${shard.replace('/', '-')}.json`,
        ],
        repo,
      );
    for (const shard of ['1/2', '2/2']) {
      const run = await check(shard);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          `^shard ${shard.replace('/', '\\/')}: [ab] \\(baseline: interleaved\\), written to out/`,
        ),
      );
    }
    const merged = await runCli(['merge', 'out', '--config', 'perfgate.yml'], repo);
    // b doubled in all 4 trials: the smallest p 4 + 4 trials reach, 0.029; alone in its family
    // of 2 after BH it is 0.057 > 0.05, so b is not flagged, and a never moved.
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/^b latency .* 0\.057/m);
  });

  it("exits 3 on a shard's failed run, and leaves its error for the merge", async () => {
    const repo = await newRepo(files(same, true));
    const run = await runCli(
      [
        'check',
        '--config',
        'perfgate.yml',
        '--baseline',
        'history',
        '--suite',
        'b',
        '--shard',
        '1/1',
      ],
      repo,
    );
    expect(run.code).toBe(3);
    const artifact = ShardArtifactSchema.parse(
      JSON.parse(await readFile(join(repo, 'perfgate-out/shard.json'), 'utf8')),
    );
    expect(artifact.error).toMatchObject({ kind: 'run' });
    const merged = await runCli(['merge', 'perfgate-out'], repo);
    expect(merged.code).toBe(3);
    expect(merged.stderr).toMatch(/shard 1\/1 failed: .*exit/);
  });
});
