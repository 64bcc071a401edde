import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns, type LoadOptions } from '../../src/formats/loadSide.js';
import { loadOneRun } from '../helpers/loadRun.js';
import { poolResults } from '../../src/results/pool.js';
import { ResultsSchema, type Metric, type Results } from '../../src/results/schema.js';

const inputs = fileURLToPath(new URL('../fixtures/inputs/', import.meta.url));
const clock = () => new Date('2025-05-12T12:00:00.000Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Several perfgate runs pooled, as trial files of one run are (and run medians, runLevel.ts). */
const pooled = async (spec: string, options?: LoadOptions) =>
  poolResults(await loadRuns(spec, options), spec);

function metric(results: Results, suite: string, name: string) {
  return results.suites.find((s) => s.name === suite)?.metrics.find((m) => m.name === name);
}

describe('loadRuns', () => {
  it('reads one perfgate results file', async () => {
    const results = await loadOneRun(join(inputs, 'perfgate/nightly-1.json'));
    expect(results.commit).toBe('1111111');
    expect(results.source).toBe('perfgate');
    expect(metric(results, 'api/search', 'throughput')?.samples).toEqual([3190, 3220, 3205]);
  });

  it('reads a folder of perfgate files as runs in name order, which pool as one side', async () => {
    const runs = await loadRuns(join(inputs, 'perfgate'));
    expect(runs.map((r) => r.commit)).toEqual(['1111111', '2222222']);
    const results = await pooled(join(inputs, 'perfgate'));
    expect(ResultsSchema.parse(results)).toEqual(results);
    expect(metric(results, 'api/search', 'latency_p95')?.samples).toEqual([
      16.1, 16.4, 15.9, 16.6, 16.0,
    ]);
    // Newest time stamp, compared as instants: +02:00 on the 11th is still after the 10th.
    expect(results.createdAt).toBe('2025-05-11T02:00:00+02:00');
    // The commits differ, so the pool has none; the environments agree, so it is kept.
    expect(results.commit).toBeUndefined();
    expect(results.environment).toEqual({ os: 'linux', cpuCount: 4 });
    // throughput is only in nightly-1: fewer samples, no invented ones, and a note says so.
    const search = results.suites.find((s) => s.name === 'api/search');
    expect(metric(results, 'api/search', 'throughput')?.samples).toHaveLength(3);
    expect(search?.notes).toEqual([
      `"throughput" is missing from 1 of 2 results in ${join(inputs, 'perfgate')}, so it has fewer samples`,
    ]);
    // Variant, knobs and notes survive; the same note from two files is kept once.
    expect(results.suites[1]).toMatchObject({
      name: 'cache',
      variant: 'large',
      knobs: { OPTIMIZATION_CACHE_SIZE: '4000' },
      notes: ['GPU metrics unavailable'],
    });
  });

  it('takes a comma-separated list of files, in the order given', async () => {
    const files = ['nightly-2.json', 'nightly-1.json'].map((f) => join(inputs, 'perfgate', f));
    const results = await pooled(files.join(', '));
    expect(metric(results, 'cache', 'hit_rate')?.samples).toEqual([92.9, 93.0, 93.1, 92.8, 93.4]);
  });

  it('makes each BMF file in a folder one trial, noting measures some trials lack', async () => {
    const folder = join(inputs, 'bmf');
    const results = await loadOneRun(folder, { clock });
    expect(ResultsSchema.parse(results)).toEqual(results);
    expect(results.source).toBe('bmf');
    expect(results.createdAt).toBe('2025-05-12T12:00:00.000Z');
    expect(metric(results, 'api/search', 'latency')).toEqual({
      name: 'latency',
      unit: 'ns',
      direction: 'lower',
      samples: [9100000, 9250000, 9050000],
    });
    expect(metric(results, 'api/search', 'throughput')?.samples).toEqual([3200.5, 3150.25]);
    expect(results.suites.find((s) => s.name === 'api/search')?.notes).toEqual([
      `"throughput" is missing from 1 of 3 results in ${folder}, so it has fewer samples`,
    ]);
    expect(metric(results, '/bin/sh -c ./build.sh', 'build-time')?.samples).toEqual([
      87, 86.5, 88.25,
    ]);
  });

  it('reads github-action-benchmark files, inferring direction unless told', async () => {
    const file = join(inputs, 'gab/custom.json');
    const inferred = await loadOneRun(file, { clock });
    expect(inferred.source).toBe('github-action-benchmark');
    expect(inferred.suites.map((s) => s.metrics[0]?.direction)).toEqual([
      'lower',
      'higher',
      'lower',
    ]);
    const bigger = await loadOneRun(file, { clock, biggerIsBetter: true });
    expect(bigger.suites.map((s) => s.metrics[0]?.direction)).toEqual([
      'higher',
      'higher',
      'higher',
    ]);
  });

  it('refuses a side that mixes formats, saying which file is which', async () => {
    const bmf = join(inputs, 'bmf/trial-1.json');
    const perfgate = join(inputs, 'perfgate/nightly-1.json');
    await expect(loadOneRun(`${bmf},${perfgate}`)).rejects.toThrow(
      `mixes input formats (${bmf} is bmf, ${perfgate} is perfgate); use one format per side`,
    );
  });

  it('refuses a folder without JSON files, naming it', async () => {
    await writeFile(join(dir, 'notes.txt'), 'not json');
    await mkdir(join(dir, 'nested.json'));
    await expect(loadOneRun(dir)).rejects.toThrow(`${dir}: folder has no *.json files`);
  });

  it('names the missing file of a list', async () => {
    const good = join(inputs, 'perfgate/nightly-1.json');
    const missing = join(dir, 'nope.json');
    await expect(loadOneRun(`${good},${missing}`)).rejects.toThrow(`${missing}: file not found`);
  });

  it('refuses a list with no file in it', async () => {
    await expect(loadOneRun(' , ')).rejects.toThrow(' , : no file named in this list');
  });

  it('names the file and JSON path of an invalid trial in a folder', async () => {
    await copyFile(join(inputs, 'bmf/trial-1.json'), join(dir, 'a.json'));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ bench: { latency: { value: 'x' } } }));
    await expect(loadOneRun(dir)).rejects.toThrow(
      `${join(dir, 'b.json')}: bench.latency.value: expected a number, got "x"`,
    );
  });

  it('refuses a file in no accepted format', async () => {
    const file = join(dir, 'package.json');
    await writeFile(file, JSON.stringify({ name: 'x', version: '1.0.0' }));
    await expect(loadOneRun(file)).rejects.toThrow(`${file}: unrecognized format`);
  });
});

describe('poolResults', () => {
  const base = (samples: number[], extra: Partial<Results> = {}, change: Partial<Metric> = {}) =>
    ({
      schema: 'perfgate/results@1',
      createdAt: '2025-05-10T00:00:00Z',
      suites: [
        {
          name: 's',
          metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples, ...change }],
        },
      ],
      ...extra,
    }) satisfies Results;

  it('concatenates samples per suite, variant and metric', () => {
    const a = base([1, 2]);
    const b: Results = {
      ...base([3]),
      suites: [
        { name: 's', metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples: [3] }] },
        {
          name: 's',
          variant: 'v2',
          metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples: [9] }],
        },
      ],
    };
    const pooled = poolResults([a, b], 'history');
    expect(pooled.suites).toEqual([
      {
        name: 's',
        metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples: [1, 2, 3] }],
      },
      {
        name: 's',
        variant: 'v2',
        metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples: [9] }],
        notes: ['suite missing from 1 of 2 results in history, so it has fewer samples'],
      },
    ]);
  });

  it('leaves its inputs unchanged', () => {
    const a = base([1, 2]);
    poolResults([a, base([3])], 'history');
    expect(a.suites[0]?.metrics[0]?.samples).toEqual([1, 2]);
  });

  it('keeps top-level fields only when every result agrees', () => {
    const pooled = poolResults(
      [base([1], { ref: 'main', commit: 'a' }), base([2], { ref: 'main', commit: 'b' })],
      'history',
    );
    expect(pooled.ref).toBe('main');
    expect('commit' in pooled).toBe(false);
  });

  it.each([
    ['unit', { unit: 's' }, '"ms" vs "s"'],
    ['direction', { direction: 'higher' as const }, '"lower" vs "higher"'],
  ])('refuses results whose %s disagrees', (field, change, shown) => {
    expect(() => poolResults([base([1]), base([2], {}, change)], 'history')).toThrow(
      `history: s: latency: ${field} differs between the pooled results (${shown}); they must agree`,
    );
  });

  it('refuses to pool nothing', () => {
    expect(() => poolResults([], 'history')).toThrow('history: no results to pool');
  });
});

describe('loadRuns with a cwd', () => {
  it('resolves each entry of a list against it', async () => {
    const cwd = join(inputs, 'perfgate');
    const results = await pooled('nightly-1.json, nightly-2.json', { cwd });
    expect(results.suites[0]?.metrics[0]?.samples).toHaveLength(5);
    await expect(loadRuns('.', { cwd })).resolves.toMatchObject([
      { source: 'perfgate' },
      { source: 'perfgate' },
    ]);
  });
});
