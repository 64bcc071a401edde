// A sharded run's records go in together: one commit on the data branch, or none in a folder.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { folderStore } from '../../src/store/folderStore.js';
import { gitStore } from '../../src/store/gitStore.js';
import { filesOn, makeRemote, result, sh, type Remote } from './repos.js';

describe('gitStore.appendAll', () => {
  let remote: Remote;
  beforeEach(async () => {
    remote = await makeRemote();
  });
  afterEach(() => remote.cleanup());

  it('adds every result in one commit', async () => {
    const store = gitStore({ repoDir: await remote.clone('merge') });
    await store.append(result('2026-11-27T09:00:00Z', 'aaaaaaa111'), { branch: 'main' });
    const shards = [1, 2, 3].map((i) => result(`2026-11-28T09:00:0${i}Z`, 'bbbbbbb222'));
    const where = await store.appendAll(shards, { branch: 'main' });
    expect(where).toHaveLength(3);
    expect(new Set(where).size).toBe(3);
    const files = await filesOn(remote.bare, 'perfgate-data');
    for (const path of where) expect(files).toContain(path.replace(/^perfgate-data:/, ''));
    // The first append and this one: two commits, not four.
    const log = await sh(remote.bare, 'log', '--format=%s', 'perfgate-data');
    expect(log.trim().split('\n')).toEqual([
      'Record main bbbbbbb (3 results)',
      'Record main aaaaaaa',
    ]);
  });
});

describe('folderStore.appendAll', () => {
  it('writes none when one result is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-store-'));
    const store = folderStore(dir);
    const bad = { ...result('2026-11-28T09:00:00Z', 'c'), createdAt: 'yesterday' } as Results;
    await expect(
      store.appendAll([result('2026-11-28T09:00:00Z', 'c'), bad], { branch: 'main' }),
    ).rejects.toThrow(/createdAt/);
    expect(await readdir(dir)).toEqual([]);
    const both = await store.appendAll(
      [result('2026-11-28T09:00:00Z', 'c'), result('2026-11-28T09:00:01Z', 'c')],
      { branch: 'main' },
    );
    expect(both).toHaveLength(2);
    expect((await store.list('main')).entries).toHaveLength(2);
  });
});
