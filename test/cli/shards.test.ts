// `perfgate shards` and `perfgate merge`, in-process: the plan from a folder store's recorded
// durations, and the merge's exit codes on artifacts as shard jobs write them.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { SHARD_SCHEMA, type ShardArtifact } from '../../src/results/shard.js';
import { folderStore } from '../../src/store/folderStore.js';
import { runCli } from '../helpers/cli.js';

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
