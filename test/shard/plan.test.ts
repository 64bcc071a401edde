import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { RESULTS_SCHEMA, type Results } from '../../src/results/schema.js';
import { parseConfig } from '../../src/config/index.js';
import { shardOf } from '../../src/pipeline/shards.js';
import {
  balance,
  parseShard,
  parseShardSpec,
  planShards,
  recordedDurations,
} from '../../src/shard/plan.js';

const CPU = ['ubuntu-latest'];
const suite = (name: string, seconds?: number, runsOn?: string[]) => ({
  name,
  ...(seconds === undefined ? {} : { seconds }),
  ...(runsOn ? { runsOn } : {}),
});

describe('planShards', () => {
  it('balances 60, 50, 40, 30, 20 s across 2 shards within 10 s (greedy alone leaves 110 and 90)', () => {
    const suites = [60, 50, 40, 30, 20].map((s) => suite(`s${s}`, s));
    const shards = planShards(suites, 2, CPU, '--count');
    const loads = shards.map((s) => s.seconds);
    // 200 s in all: 100 and 100 (60 + 40, 50 + 30 + 20) is the best split.
    expect(Math.abs((loads[0] ?? 0) - (loads[1] ?? 0))).toBeLessThanOrEqual(10);
    expect(loads).toEqual([100, 100]);
    expect(shards.map((s) => s.shard)).toEqual(['1/2', '2/2']);
    expect(shards.flatMap((s) => s.suites).sort()).toEqual(['s20', 's30', 's40', 's50', 's60']);
    expect(shards.map((s) => s['runs-on'])).toEqual([CPU, CPU]);
  });

  it('splits evenly by count when nothing is recorded', () => {
    const shards = planShards(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => suite(n)),
      3,
      CPU,
      '--count',
    );
    expect(shards.map((s) => s.suites.length)).toEqual([2, 2, 2]);
  });

  it('puts pinned suites only on shards of their labels, label order aside', () => {
    const gpu = ['self-hosted', 'gpu-h100'];
    const suites = [
      suite('http-a', 30),
      suite('infer-a', 100, gpu),
      suite('http-b', 30),
      suite('infer-b', 100, ['gpu-h100', 'self-hosted']),
      suite('infer-c', 100, gpu),
    ];
    const shards = planShards(suites, 3, CPU, '--count');
    const cpu = shards.filter((s) => s['runs-on'].join() === 'ubuntu-latest');
    const gpus = shards.filter((s) => s['runs-on'].join() === 'self-hosted,gpu-h100');
    // 300 s of GPU suites against 60 s of CPU ones: the third shard goes to the GPU group.
    expect(cpu.flatMap((s) => s.suites).sort()).toEqual(['http-a', 'http-b']);
    expect(gpus).toHaveLength(2);
    expect(gpus.flatMap((s) => s.suites).sort()).toEqual(['infer-a', 'infer-b', 'infer-c']);
  });

  it('never plans an empty shard, and refuses fewer shards than label sets', () => {
    expect(planShards([suite('a'), suite('b')], 5, CPU, '--count')).toHaveLength(2);
    expect(() =>
      planShards([suite('a'), suite('g', 1, ['gpu'])], 1, CPU, 'input shard-count'),
    ).toThrow(
      /input shard-count: 1 shard\(s\) cannot cover 2 runner label sets \(\[ubuntu-latest\], \[gpu\]\)/,
    );
  });

  it('gives the same plan for the same input', () => {
    const suites = [7, 7, 3, 3, 5, 1].map((s, i) => suite(`s${i}`, s));
    expect(planShards(suites, 3, CPU, '--count')).toEqual(planShards(suites, 3, CPU, '--count'));
  });
});

describe('balance', () => {
  it('evens out what longest-first leaves, by moves and swaps', () => {
    const loads = balance(
      [8, 7, 6, 5, 4].map((s) => ({ name: `s${s}`, seconds: s })),
      2,
    );
    // 30 s: 15 and 15 exists (8 + 7, 6 + 5 + 4).
    expect(loads.map((l) => l.seconds).sort()).toEqual([15, 15]);
  });
});

describe('parseShard', () => {
  it('reads K/N and refuses anything else, naming the field', () => {
    expect(parseShard('2/3', 'input shard')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '2', 'a/b', '1/0'])
      expect(() => parseShard(bad, 'input shard')).toThrow(InputError);
    expect(() => parseShard('4/3', 'input shard')).toThrow(/^input shard: expected K\/N/);
  });
});

describe('parseShardSpec and shardOf', () => {
  const config = parseConfig(
    'version: 1\nsuites:\n  - { name: a, kind: command, command: "true" }\n  - { name: b, kind: command, command: "true" }\n',
    'perfgate.yml',
    {},
  );
  const entry = { shard: '2/2', 'runs-on': ['ubuntu-latest'], suites: ['b'], seconds: 12 };
  const never = () => Promise.reject(new Error('planned again'));

  it('runs a matrix entry as planned, without planning again', async () => {
    const spec = parseShardSpec(JSON.stringify(entry), 'input shard');
    expect(spec).toEqual({ ref: { index: 2, count: 2 }, planned: entry });
    await expect(shardOf(spec, config, never, 'input shard')).resolves.toEqual(entry);
  });

  it('plans again for K/N', async () => {
    const spec = parseShardSpec('2/2', 'input shard');
    expect(spec).toEqual({ ref: { index: 2, count: 2 } });
    const first = { ...entry, shard: '1/2', suites: ['a'] };
    const planned = await shardOf(spec, config, async () => [first, entry], 'input shard');
    expect(planned.suites).toEqual(['b']);
  });

  it('refuses a broken entry, or one naming a suite the config lacks, naming the field', async () => {
    expect(() => parseShardSpec('{"shard": "1/2"', 'input shard')).toThrow(
      /^input shard: expected K\/N or a matrix entry of perfgate shards as JSON/,
    );
    expect(() => parseShardSpec(JSON.stringify({ ...entry, suites: [] }), 'input shard')).toThrow(
      /^input shard: a matrix entry needs .*: suites: /,
    );
    expect(() => parseShardSpec(JSON.stringify({ ...entry, shard: '3/2' }), 'input shard')).toThrow(
      /^input shard: expected K\/N/,
    );
    const stranger = parseShardSpec(JSON.stringify({ ...entry, suites: ['b', 'c'] }), '--shard');
    await expect(shardOf(stranger, config, never, '--shard')).rejects.toThrow(
      /--shard: the matrix entry names suites the config lacks: c/,
    );
  });
});

describe('recordedDurations', () => {
  const run = (suites: Results['suites']): Results => ({
    schema: RESULTS_SCHEMA,
    createdAt: '2026-11-29T10:00:00Z',
    suites,
  });
  it('takes each suite from the newest run that timed it, summing its variants', () => {
    const newest = run([
      { name: 'a', variant: 'x', metrics: [], seconds: 4 },
      { name: 'a', variant: 'y', metrics: [], seconds: 6 },
      { name: 'b', metrics: [] },
    ]);
    const older = run([
      { name: 'a', metrics: [], seconds: 99 },
      { name: 'b', metrics: [], seconds: 20 },
    ]);
    expect(recordedDurations([newest, older])).toEqual(
      new Map([
        ['a', 10],
        ['b', 20],
      ]),
    );
  });
});
