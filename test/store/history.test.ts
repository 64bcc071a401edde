import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  branchSlug,
  freePath,
  newestFirst,
  resultPath,
  type StoredResult,
} from '../../src/store/history.js';
import { result } from './repos.js';

describe('branchSlug', () => {
  it('strips refs/heads/ and flattens slashes into one folder name', () => {
    expect(branchSlug('main')).toBe('main');
    expect(branchSlug('refs/heads/main')).toBe('main');
    expect(branchSlug('refs/heads/feature/gpu/batching')).toBe('feature__gpu__batching');
  });

  it.each(['', 'refs/heads/', '.hidden', '../escape', 'a\\b', 'tab\there'])(
    'refuses %j, which would not name a safe folder',
    (branch) => {
      expect(() => branchSlug(branch)).toThrow(InputError);
    },
  );
});

describe('resultPath', () => {
  it('is <slug>/<YYYY>/<MM>/<DD>/<compact UTC time>-<short commit>-<random>.json', () => {
    const r = result('2026-11-27T09:05:03Z', '0123456789abcdef');
    expect(resultPath(r, 'refs/heads/feature/x', 'a1b2c3')).toBe(
      'feature__x/2026/11/27/20261127T090503Z-0123456-a1b2c3.json',
    );
  });

  it('files by UTC date, so the folder does not depend on the time zone', () => {
    // 00:30 in UTC+02:00 is 22:30 the day before in UTC.
    const r = result('2026-03-01T00:30:00+02:00', 'abcdef0');
    expect(resultPath(r, 'main', '000000')).toBe(
      'main/2026/02/28/20260228T223000Z-abcdef0-000000.json',
    );
  });

  it("says 'nocommit' without a commit, and keeps only letters and digits of odd ones", () => {
    expect(resultPath(result('2026-11-27T09:00:00Z'), 'main', 'ffffff')).toBe(
      'main/2026/11/27/20261127T090000Z-nocommit-ffffff.json',
    );
    expect(resultPath(result('2026-11-27T09:00:00Z', 'v1.2/x'), 'main', 'ffffff')).toBe(
      'main/2026/11/27/20261127T090000Z-v12x-ffffff.json',
    );
  });
});

describe('freePath', () => {
  it('draws another random part while the path is taken', async () => {
    const asked: string[] = [];
    const path = await freePath(result('2026-11-27T09:00:00Z'), 'main', async (candidate) => {
      asked.push(candidate);
      return asked.length < 3;
    });
    expect(asked).toHaveLength(3);
    expect(path).toBe(asked[2]);
    expect(path).toMatch(/^main\/2026\/11\/27\/20261127T090000Z-nocommit-[0-9a-f]{6}\.json$/);
  });
});

describe('newestFirst', () => {
  it('orders by createdAt, newest first, then by path', () => {
    const stored = (path: string, createdAt: string): StoredResult => ({
      path,
      results: result(createdAt),
    });
    const sorted = [
      stored('a', '2026-11-27T09:00:00Z'),
      stored('b', '2026-11-27T10:00:00+02:00'), // 08:00 UTC: older than a
      stored('c', '2026-11-28T09:00:00Z'),
      stored('d', '2026-11-27T09:00:00Z'),
    ].sort(newestFirst);
    expect(sorted.map((s) => s.path)).toEqual(['c', 'd', 'a', 'b']);
  });
});
