// `perfgate history compact` on the data branch: old results keep their run-level summary in
// one new commit, nothing newer than the cut-off changes, the raw files stay in the history,
// and appends that race with a compaction are all kept.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMedians } from '../../src/compare/runLevel.js';
import type { Results } from '../../src/results/schema.js';
import { compactResults, parseCutoff } from '../../src/store/compact.js';
import { gitStore } from '../../src/store/gitStore.js';
import { recordedAt } from '../../src/store/newest.js';
import { seedHistory, storedResult } from '../helpers/storedHistory.js';
import { makeRemote, sh, type Remote } from './repos.js';

const CUTOFF = new Date('2026-11-25T00:00:00Z');

let remote: Remote;
beforeEach(async () => {
  remote = await makeRemote();
});
afterEach(() => remote.cleanup());

/** path → blob id of every file on the data branch. */
async function blobs(): Promise<Map<string, string>> {
  const listing = await sh(remote.bare, 'ls-tree', '-r', 'perfgate-data');
  return new Map(
    listing.split('\n').map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      return [path, meta.split(' ')[2]!];
    }),
  );
}

const stored = async (path: string, at = 'perfgate-data') =>
  JSON.parse(await sh(remote.bare, 'show', `${at}:${path}`)) as Results;

const isOld = (path: string) => (recordedAt(path) ?? CUTOFF) < CUTOFF;

describe('compactResults', () => {
  it('keeps each metric’s median, which is what a run contributes across runs', () => {
    const results = storedResult(3, '2026-11-01T00:00:00Z');
    const compacted = compactResults(results);
    const medians = (r: Results) =>
      runMedians([r], 'x').suites.flatMap((suite) => suite.metrics.map((m) => m.samples));
    expect(medians(compacted)).toEqual(medians(results));
    expect(compacted.suites[0]?.metrics[0]?.compacted?.trials).toBe(10);
    expect(compactResults(compacted)).toBe(compacted);
  });

  it('reads a cut-off as a date (midnight UTC) or a date-time with a zone', () => {
    expect(parseCutoff('2026-01-31')?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseCutoff('2026-01-31T12:00:00+02:00')?.toISOString()).toBe(
      '2026-01-31T10:00:00.000Z',
    );
    // Days that do not exist are refused, not rolled over (2026-02-30 would read as 2026-03-02).
    expect(parseCutoff('2028-02-29')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseCutoff('2026-03-01T00:30:00+01:00')?.toISOString()).toBe(
      '2026-02-28T23:30:00.000Z',
    );
    const impossible = ['2026-02-30', '2026-02-29', '2026-04-31', '2026-02-30T10:00:00Z'];
    for (const bad of [
      '2026-13-01',
      'last week',
      '2026-01-31T12:00:00',
      'yesterday',
      '',
      ...impossible,
    ]) {
      expect(parseCutoff(bad)).toBeUndefined();
    }
  });
});

describe('gitStore.compact', () => {
  it('compacts old results in one commit; newer ones and the history stay as they were', async () => {
    const paths = await seedHistory(remote.bare, { count: 40, branches: ['main', 'release'] });
    const tip = await sh(remote.bare, 'rev-parse', 'perfgate-data');
    const before = await blobs();
    const store = gitStore({ repoDir: await remote.clone('user') });

    const outcome = await store.compact(CUTOFF);

    const old = paths.filter(isOld);
    expect(old.length).toBeGreaterThan(10);
    expect(old.length).toBeLessThan(paths.length);
    expect(outcome).toEqual({ compacted: old.length, commit: expect.any(String) });
    expect(await sh(remote.bare, 'rev-parse', 'perfgate-data^')).toBe(tip);
    const after = await blobs();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, blob] of before) {
      if (!isOld(path)) expect(after.get(path), path).toBe(blob);
      else expect(after.get(path), path).not.toBe(blob);
    }
    const [first] = old;
    const compacted = await stored(first!);
    const raw = await stored(first!, tip);
    expect(compacted).toEqual(compactResults(raw));
    expect(compacted.suites[0]?.metrics[0]?.samples).toHaveLength(1);
    // Every result still lists, the compacted ones with their medians.
    const { entries, warnings } = await store.list('main');
    expect(warnings).toEqual([]);
    expect(entries).toHaveLength(paths.filter((p) => p.startsWith('main/')).length);

    // Nothing left to drop: no second commit.
    expect(await store.compact(CUTOFF)).toEqual({ compacted: 0 });
    expect(await sh(remote.bare, 'rev-parse', 'perfgate-data^')).toBe(tip);
  });

  it('rebuilds on the new tip when a recorder pushes while it compacts', async () => {
    await seedHistory(remote.bare, { count: 40 });
    const seed = await sh(remote.bare, 'rev-parse', 'perfgate-data');
    // A recorder's commit, ready to push; the remote's hook pushes it when the compaction's push
    // arrives, so the compaction's push finds the branch moved: a lost race, every time.
    const racer = await remote.clone('racer');
    await sh(racer, 'checkout', '--quiet', 'perfgate-data');
    const path = 'main/2026/11/28/20261128T000000Z-racer00-000000.json';
    await mkdir(join(racer, 'main/2026/11/28'), { recursive: true });
    await writeFile(join(racer, path), JSON.stringify(storedResult(7, '2026-11-28T00:00:00Z')));
    await sh(racer, 'add', path);
    await sh(racer, 'commit', '--quiet', '-m', 'Record main racer');
    const hook = join(remote.bare, 'hooks', 'pre-receive');
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        'read old new ref',
        `[ -e "${remote.root}/raced" ] && exit 0`,
        'git log -1 --format=%s "$new" | grep -q "^Compact" || exit 0',
        `touch "${remote.root}/raced"`,
        // Outside this push's quarantine, as another client would push.
        `env -i PATH="$PATH" git -C "${racer}" push --quiet origin HEAD:refs/heads/perfgate-data`,
        '',
      ].join('\n'),
    );
    await chmod(hook, 0o755);

    const outcome = await gitStore({ repoDir: await remote.clone('user') }).compact(CUTOFF);

    expect(outcome.compacted).toBeGreaterThan(0);
    const racerCommit = await sh(racer, 'rev-parse', 'HEAD');
    expect(await sh(remote.bare, 'rev-parse', 'perfgate-data^')).toBe(racerCommit);
    expect(await sh(remote.bare, 'rev-parse', 'perfgate-data^^')).toBe(seed);
    expect((await stored(path)).suites[0]?.metrics[0]?.samples).toHaveLength(10);
  });

  it('keeps every append that races with a compaction', async () => {
    const paths = await seedHistory(remote.bare, { count: 300, stepMinutes: 20 });
    const before = await blobs();
    const appends = async (recorder: number) => {
      const store = gitStore({ repoDir: await remote.clone(`user${recorder}`) });
      const where: string[] = [];
      for (let i = 0; i < 4; i++) {
        const createdAt = new Date(Date.parse('2026-11-28T00:00:00Z') + recorder * 1000 + i);
        const results = storedResult(1000 + recorder * 10 + i, createdAt.toISOString());
        where.push((await store.append(results, { branch: 'main' })).replace(/^[^:]*:/, ''));
      }
      return where;
    };
    const compactor = gitStore({ repoDir: await remote.clone('compactor') });

    const [outcome, ...appended] = await Promise.all([
      compactor.compact(CUTOFF),
      appends(0),
      appends(1),
      appends(2),
    ]);

    expect(outcome.compacted).toBe(paths.filter(isOld).length);
    const after = await blobs();
    for (const path of appended.flat()) {
      const results = await stored(path);
      expect(results.suites[0]?.metrics[0]?.samples, path).toHaveLength(10);
    }
    for (const [path, blob] of before) {
      if (isOld(path)) expect(after.get(path), path).not.toBe(blob);
      else expect(after.get(path), path).toBe(blob);
    }
    expect(after.size).toBe(before.size + 12);
    // The seed, 12 appends and the compaction.
    expect(await sh(remote.bare, 'rev-list', '--count', 'perfgate-data')).toBe('14');
  }, 120_000);
});
