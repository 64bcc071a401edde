import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { folderStore } from '../../src/store/folderStore.js';
import { result } from './repos.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-folder-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('folderStore', () => {
  it('round-trips results, newest first, per branch', async () => {
    const store = folderStore(dir);
    const older = result('2026-11-27T09:00:00Z', 'aaaaaaa', 1);
    const newer = result('2026-11-28T09:00:00Z', 'bbbbbbb', 2);
    const olderPath = await store.append(older, { branch: 'main' });
    const newerPath = await store.append(newer, { branch: 'refs/heads/main' });
    await store.append(result('2026-11-29T09:00:00Z'), { branch: 'feature/x' });

    expect(olderPath).toMatch(
      new RegExp(`^${dir}/main/2026/11/27/20261127T090000Z-aaaaaaa-[0-9a-f]{6}\\.json$`),
    );
    expect(await store.list('main')).toEqual({
      entries: [
        { path: newerPath, results: newer },
        { path: olderPath, results: older },
      ],
      warnings: [],
    });
    expect((await store.list('feature/x')).entries).toHaveLength(1);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['main', 'feature__x']));
  });

  it('never overwrites: the same result appended twice is stored twice', async () => {
    const store = folderStore(dir);
    const same = result('2026-11-27T09:00:00Z', 'aaaaaaa');
    const paths = await Promise.all([1, 2, 3].map(() => store.append(same, { branch: 'main' })));
    expect(new Set(paths).size).toBe(3);
    expect((await store.list('main')).entries).toHaveLength(3);
  });

  it('lists nothing for a branch never recorded, or a store folder not yet created', async () => {
    expect(await folderStore(join(dir, 'absent')).list('main')).toEqual({
      entries: [],
      warnings: [],
    });
  });

  it('skips corrupt and foreign JSON with a warning each, and leaves them as they are', async () => {
    const store = folderStore(dir);
    const good = await store.append(result('2026-11-27T09:00:00Z'), { branch: 'main' });
    const day = join(dir, 'main', '2026', '11', '27');
    const corrupt = join(day, 'corrupt.json');
    const foreign = join(dir, 'main', 'foreign.json');
    await writeFile(corrupt, '{"schema": "perfgate/results@1", ');
    await writeFile(foreign, '[{"name": "bench", "unit": "ns", "value": 1}]\n');
    // Not JSON by name, so not ours to read or warn about.
    await writeFile(join(dir, 'main', 'README.md'), '# notes\n');
    await mkdir(join(dir, 'main', 'empty'));

    const { entries, warnings } = await store.list('main');

    expect(entries.map((e) => e.path)).toEqual([good]);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^${corrupt}: invalid JSON.*\\(skipped\\)$`)),
      expect.stringMatching(
        new RegExp(`^${foreign}: \\(top level\\): expected a mapping.*\\(skipped\\)$`),
      ),
    ]);
    expect(await readFile(corrupt, 'utf8')).toBe('{"schema": "perfgate/results@1", ');
    expect(await readFile(foreign, 'utf8')).toBe('[{"name": "bench", "unit": "ns", "value": 1}]\n');
  });

  it('skips a FIFO, a folder, a dangling link and a link loop named *.json with a note each, and follows no link into a folder', async () => {
    const store = folderStore(dir);
    const kept = await store.append(result('2026-11-27T09:00:00Z', 'aaaaaaa'), { branch: 'main' });
    const main = join(dir, 'main');
    execFileSync('mkfifo', [join(main, 'fifo.json')]);
    await mkdir(join(main, 'folder.json'));
    await symlink(join(dir, 'nowhere'), join(main, 'dangling.json'));
    await symlink(join(main, 'loop.json'), join(main, 'loop.json'));
    // Followed, these would list the whole file system, or every file again and again.
    await symlink('/', join(main, 'root'));
    await symlink('.', join(main, 'again'));
    const listed = await store.list('main');
    expect(listed.entries.map((e) => e.path)).toEqual([kept]);
    expect(listed.warnings).toEqual([
      expect.stringMatching(/dangling\.json.*\(skipped\)$/),
      expect.stringMatching(/fifo\.json.*not a regular file.*\(skipped\)$/),
      expect.stringMatching(/folder\.json.*folder.*\(skipped\)$/),
      expect.stringMatching(/loop\.json.*\(skipped\)$/),
    ]);
  });

  it('validates before writing: an invalid result is an InputError and leaves no file', async () => {
    const store = folderStore(dir);
    const invalid = { ...result('2026-11-27T09:00:00Z'), createdAt: 'yesterday' };
    await expect(store.append(invalid, { branch: 'main' })).rejects.toThrow(InputError);
    expect(await store.list('main')).toEqual({ entries: [], warnings: [] });
  });

  it('refuses a --store that is a regular file or lies below one, naming the option (exit 2)', async () => {
    const file = join(dir, 'history.json');
    await writeFile(file, '{}');
    const isFile = folderStore(file);
    await expect(isFile.assertUsable()).rejects.toThrow(InputError);
    await expect(isFile.assertUsable()).rejects.toThrow(
      `${file}: --store: is a regular file, not a folder`,
    );
    const below = folderStore(join(file, 'store'));
    await expect(below.assertUsable()).rejects.toThrow(/--store: lies below a regular file/);
    // Every use of such a store says the same, never a raw ENOTDIR.
    await expect(isFile.append(result('2026-11-27T09:00:00Z'), { branch: 'main' })).rejects.toThrow(
      /--store: is a regular file/,
    );
    await expect(below.list('main')).rejects.toThrow(InputError);
    // A folder that does not exist yet is fine: the first append creates it.
    await expect(folderStore(join(dir, 'new', 'store')).assertUsable()).resolves.toBeUndefined();
    await expect(folderStore(dir).assertUsable()).resolves.toBeUndefined();
  });
});
