// Reading newest first and stopping: what a query reads, in how many batches, and that the
// baseline chosen from what was read is the one chosen from everything.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { baselineQuery, selectBaseline } from '../../src/store/baseline.js';
import { folderStore } from '../../src/store/folderStore.js';
import { resultPath } from '../../src/store/history.js';
import { readNewest, type StoredFile } from '../../src/store/newest.js';
import { CONFIG_HASH, storedResult } from '../helpers/storedHistory.js';

const OTHER = 'another0config0';

/** `count` results of main, one an hour back from 2026-11-27 09:00; `configOf(i)` their hash. */
function history(count: number, configOf: (i: number) => string = () => CONFIG_HASH) {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(Date.parse('2026-11-27T09:00:00Z') - i * 3_600_000).toISOString();
    const results = storedResult(i, createdAt, configOf(i));
    files.set(
      resultPath(results, 'main', i.toString(16).padStart(6, '0')),
      JSON.stringify(results),
    );
  }
  return files;
}

/** A reader over `files` that records its batches. */
function reader(files: Map<string, string>) {
  const batches: string[][] = [];
  const read = (batch: readonly string[]): Promise<StoredFile[]> => {
    batches.push([...batch]);
    return Promise.resolve(batch.map((path) => ({ path, text: files.get(path)! })));
  };
  return { batches, read };
}

const named = (path: string) => `store:${path}`;
const HEAD = { configHash: CONFIG_HASH, environment: storedResult(0, '').environment };

describe('readNewest', () => {
  it('reads every file in one batch without a query, warnings in path order', async () => {
    const files = history(5);
    files.set('main/zz.json', '{"benchmarks": []}');
    files.set('main/aa.json', '{"schema": ');
    const { batches, read } = reader(files);

    const { entries, warnings } = await readNewest([...files.keys()], read, named);

    expect(batches).toHaveLength(1);
    expect(entries.map((e) => e.results.createdAt)).toEqual(
      [...history(5).values()].map((text) => (JSON.parse(text) as Results).createdAt),
    );
    expect(warnings).toEqual([
      expect.stringMatching(/^store:main\/aa\.json: invalid JSON/),
      expect.stringMatching(/^store:main\/zz\.json: schema:/),
    ]);
  });

  it('reads only the newest files a query needs, and files it cannot date, in one batch', async () => {
    const files = history(50);
    files.set('main/notes.json', '{}');
    const { batches, read } = reader(files);

    const { entries, warnings } = await readNewest([...files.keys()], read, named, { newest: 4 });

    expect(batches).toHaveLength(1);
    expect(new Set(batches[0])).toEqual(
      new Set(['main/notes.json', ...[...files.keys()].slice(0, 6)]),
    );
    expect(entries).toHaveLength(6);
    expect(warnings).toHaveLength(1);
  });

  it('reads a merge base older than the newest runs, and selects what it would from everything', async () => {
    const files = history(200, (i) => (i % 3 === 1 ? OTHER : CONFIG_HASH));
    const mergeBase = storedResult(150, '').commit!;
    const head = { ...HEAD, mergeBase };
    const { batches, read } = reader(files);

    const query = baselineQuery(head, 10);
    const some = await readNewest([...files.keys()], read, named, query);
    const all = await readNewest([...files.keys()], reader(files).read, named);

    expect(selectBaseline(some.entries, head, 10).used).toEqual(
      selectBaseline(all.entries, head, 10).used,
    );
    expect(selectBaseline(some.entries, head, 10).used[0]?.results.commit).toBe(mergeBase);
    expect(batches.length).toBeLessThanOrEqual(2);
    expect(some.entries.length).toBeLessThan(40);
  });

  it('takes few batches when few runs match', async () => {
    const files = history(1000, (i) => (i % 20 === 7 ? CONFIG_HASH : OTHER));
    const { batches, read } = reader(files);

    const some = await readNewest([...files.keys()], read, named, baselineQuery(HEAD, 20));
    const all = await readNewest([...files.keys()], reader(files).read, named);

    expect(selectBaseline(some.entries, HEAD, 20).used).toEqual(
      selectBaseline(all.entries, HEAD, 20).used,
    );
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  it('reads every file of the last second, whose order only their contents tell', async () => {
    const files = new Map<string, string>();
    // Same second; the newest by milliseconds has the smallest name.
    for (const [ms, random] of [
      [100, 'ffffff'],
      [900, '000000'],
      [500, '777777'],
    ] as const) {
      const results = storedResult(ms, `2026-11-27T09:00:00.${ms}Z`);
      files.set(resultPath(results, 'main', random), JSON.stringify(results));
    }
    // Older files, a day before: not needed.
    for (const [path, text] of history(5)) files.set(path.replaceAll('27', '26'), text);
    const { batches, read } = reader(files);

    const { entries } = await readNewest([...files.keys()], read, named, { newest: 1 });

    expect(batches).toHaveLength(1);
    expect(entries.map((e) => e.results.createdAt)).toEqual([
      '2026-11-27T09:00:00.900Z',
      '2026-11-27T09:00:00.500Z',
      '2026-11-27T09:00:00.100Z',
    ]);
  });
});

describe('folderStore.list with a query', () => {
  it('answers the baseline query with the newest matching runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-newest-'));
    try {
      const store = folderStore(dir);
      for (let i = 0; i < 12; i++) {
        const createdAt = new Date(
          Date.parse('2026-11-27T09:00:00Z') - i * 3_600_000,
        ).toISOString();
        await store.append(storedResult(i, createdAt, i % 2 ? OTHER : CONFIG_HASH), {
          branch: 'main',
        });
      }
      const some = await store.list('main', baselineQuery(HEAD, 2));
      const all = await store.list('main');

      expect(all.entries).toHaveLength(12);
      expect(some.entries.length).toBeLessThan(12);
      expect(selectBaseline(some.entries, HEAD, 2).used).toEqual(
        selectBaseline(all.entries, HEAD, 2).used,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
