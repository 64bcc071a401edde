import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, RunError } from '../../src/errors.js';
import { gitStore } from '../../src/store/gitStore.js';
import { filesOn, makeRemote, result, sh, type Remote } from './repos.js';

const DAY = /^perfgate-data:main\/2026\/11\/27\/20261127T0900\d\dZ-[0-9a-f]{7}-[0-9a-f]{6}\.json$/;

let remote: Remote;
beforeEach(async () => {
  remote = await makeRemote();
});
afterEach(() => remote.cleanup());

/** Everything about a checkout that a store could change: files, index, HEAD, refs, config. */
async function snapshot(repo: string) {
  return {
    status: await sh(repo, 'status', '--porcelain', '--ignored'),
    head: await sh(repo, 'rev-parse', 'HEAD'),
    refs: await sh(repo, 'for-each-ref'),
    config: await readFile(join(repo, '.git', 'config'), 'utf8'),
    objects: await sh(repo, 'count-objects', '-v'),
  };
}

describe('gitStore', () => {
  it('starts the data branch as an orphan with a README, leaving the checkout untouched', async () => {
    const user = await remote.clone('user');
    const before = await snapshot(user);
    const store = gitStore({ repoDir: user });

    const where = await store.append(result('2026-11-27T09:00:00Z', 'abcdef0123'), {
      branch: 'main',
    });

    expect(where).toMatch(DAY);
    expect(where).toContain('-abcdef0-');
    expect(await filesOn(remote.bare, 'perfgate-data')).toEqual([
      'README.md',
      where.replace('perfgate-data:', ''),
    ]);
    // An orphan: one commit, sharing no history with main.
    expect(await sh(remote.bare, 'rev-list', '--count', 'perfgate-data')).toBe('1');
    await expect(sh(remote.bare, 'merge-base', 'main', 'perfgate-data')).rejects.toThrow();
    expect(await sh(remote.bare, 'log', '-1', '--format=%an <%ae> / %cn', 'perfgate-data')).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com> / github-actions[bot]',
    );
    expect(await snapshot(user)).toEqual(before);
  });

  it('lists what it appended, newest first, per branch, one commit per append', async () => {
    const store = gitStore({
      repoDir: await remote.clone('user'),
      dataBranch: 'bench',
      author: { name: 'Bench Bot', email: 'bench@example.com' },
    });
    await store.append(result('2026-11-27T09:00:00Z', 'aaaaaaa', 1), { branch: 'main' });
    await store.append(result('2026-11-28T09:00:00Z', 'bbbbbbb', 2), { branch: 'refs/heads/main' });
    await store.append(result('2026-11-26T09:00:00Z', undefined, 3), { branch: 'main' });
    await store.append(result('2026-11-29T09:00:00Z', 'ccccccc', 4), { branch: 'feature/x' });

    const { entries, warnings } = await store.list('main');
    expect(warnings).toEqual([]);
    expect(entries.map((e) => e.results.suites[0]?.metrics[0]?.samples[0])).toEqual([2, 1, 3]);
    expect(entries[2]?.path).toMatch(/^bench:main\/2026\/11\/26\/20261126T090000Z-nocommit-/);
    const feature = await store.list('feature/x');
    expect(feature.entries.map((e) => e.path)).toEqual([
      expect.stringMatching(/^bench:feature__x\/2026\/11\/29\//),
    ]);
    expect(await sh(remote.bare, 'rev-list', '--count', 'bench')).toBe('4');
    expect(await sh(remote.bare, 'log', '-1', '--format=%an <%ae>', 'bench')).toBe(
      'Bench Bot <bench@example.com>',
    );
  });

  it('lists nothing when the data branch or the branch folder does not exist', async () => {
    const store = gitStore({ repoDir: await remote.clone('user') });
    expect(await store.list('main')).toEqual({ entries: [], warnings: [] });
    await store.append(result('2026-11-27T09:00:00Z'), { branch: 'main' });
    expect(await store.list('release')).toEqual({ entries: [], warnings: [] });
  });

  it('skips corrupt and foreign files with warnings and leaves them on the branch', async () => {
    const user = await remote.clone('user');
    const store = gitStore({ repoDir: user });
    await store.append(result('2026-11-27T09:00:00Z'), { branch: 'main' });
    // Someone commits two files that are not perfgate results into the branch's folder.
    const other = await remote.clone('other');
    await sh(other, 'checkout', '--quiet', 'perfgate-data');
    await writeFile(join(other, 'main', 'corrupt.json'), '{"schema": ');
    await writeFile(join(other, 'main', 'foreign.json'), '{"benchmarks": []}\n');
    await sh(other, 'add', 'main');
    await sh(other, 'commit', '--quiet', '-m', 'by hand');
    await sh(other, 'push', '--quiet', 'origin', 'perfgate-data');
    const tip = await sh(remote.bare, 'rev-parse', 'perfgate-data');

    const { entries, warnings } = await store.list('main');

    expect(entries).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringMatching(/^perfgate-data:main\/corrupt\.json: invalid JSON.*\(skipped\)$/),
      expect.stringMatching(/^perfgate-data:main\/foreign\.json: schema: .*\(skipped\)$/),
    ]);
    expect(await sh(remote.bare, 'rev-parse', 'perfgate-data')).toBe(tip);
    expect(await sh(remote.bare, 'show', 'perfgate-data:main/corrupt.json')).toBe('{"schema":');
  });

  it('fails with the branch and git’s message when the remote refuses the push', async () => {
    const hook = join(remote.bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "protected branch: perfgate-data" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const store = gitStore({ repoDir: await remote.clone('user') });

    const started = Date.now();
    const failure = store.append(result('2026-11-27T09:00:00Z'), { branch: 'main' });

    await expect(failure).rejects.toThrow(RunError);
    await expect(failure).rejects.toThrow(
      /could not record results on the "perfgate-data" branch: git push failed: .*protected branch: perfgate-data/s,
    );
    // Not a race, so no retries and no waiting.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an invalid result with an InputError before any push', async () => {
    const store = gitStore({ repoDir: await remote.clone('user') });
    const invalid = { ...result('2026-11-27T09:00:00Z'), createdAt: 'yesterday' };
    await expect(store.append(invalid, { branch: 'main' })).rejects.toThrow(InputError);
    expect(await sh(remote.bare, 'branch', '--list', 'perfgate-data')).toBe('');
  });

  it('fails with a RunError naming the data branch when the remote cannot be read', async () => {
    const user = await remote.clone('user');
    await sh(user, 'remote', 'set-url', 'origin', `${remote.root}/gone.git`);
    await expect(gitStore({ repoDir: user }).list('main')).rejects.toThrow(
      /^could not read the "perfgate-data" branch: git fetch failed: .*gone\.git/s,
    );
  });

  it('fails with a RunError naming the remote when the checkout has none', async () => {
    const store = gitStore({ repoDir: await remote.clone('user'), remote: 'upstream' });
    await expect(store.list('main')).rejects.toThrow(
      /cannot find the git remote "upstream" of .*user/,
    );
  });
});
