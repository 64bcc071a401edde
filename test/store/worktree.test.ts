// resolveRevision against real git repositories: a bare repository stands in for GitHub (origin),
// with full and shallow (`--depth=1`, as actions/checkout makes) clones of it as users' checkouts.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRevision } from '../../src/store/worktree.js';
import { commit, git, newRepo } from '../helpers/gitRepo.js';

let root: string;
let bare: string;
let deepTip: string;

const refs = (repo: string) => git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');

function clone(name: string, ...options: string[]): string {
  const dir = join(root, name);
  execFileSync('git', ['clone', '--quiet', ...options, `file://${bare}`, dir]);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'perfgate-revision-'));
  const seed = await newRepo({ 'a.txt': 'a\n' });
  git(seed, 'tag', 'v1');
  git(seed, 'checkout', '--quiet', '-b', 'deep');
  for (let i = 0; i < 4; i++) await commit(seed, `deep ${i}`, { 'a.txt': `deep ${i}\n` });
  deepTip = git(seed, 'rev-parse', 'HEAD');
  bare = join(root, 'origin.git');
  execFileSync('git', ['clone', '--quiet', '--bare', seed, bare]);
});

describe('resolveRevision', () => {
  it.each([
    ['main:refs/heads/pwned', /":"/],
    ['+main:refs/tags/v1', /":"/],
    ['+main', /"\+"/],
    ['--upload-pack=touch /tmp/x', /"-"/],
    ['', /empty revision/],
    ['main refs/heads/x', /spaces or control/],
  ])('refuses %j, which is not a revision, and writes no ref', async (revision, why) => {
    const repo = clone(`refspec-${Math.random().toString(36).slice(2)}`);
    const before = refs(repo);
    await expect(resolveRevision(repo, revision, '--against')).rejects.toThrow(why);
    await expect(resolveRevision(repo, revision, '--against')).rejects.toMatchObject({
      field: '--against',
    });
    expect(refs(repo)).toBe(before);
  });

  it('fetches a branch only origin has into FETCH_HEAD, creating no local ref', async () => {
    const repo = clone('fetch-branch', '--depth=1', '--single-branch', '--branch', 'main');
    const before = refs(repo);
    expect(await resolveRevision(repo, 'deep', '--against')).toBe(deepTip);
    expect(refs(repo)).toBe(before);
  });

  it('keeps a full clone full: a revision fetched by name does not make it shallow', async () => {
    const repo = clone('full');
    // `deep` exists here only as origin/deep, so it is fetched by name.
    expect(await resolveRevision(repo, 'deep', '--against')).toBe(deepTip);
    expect(git(repo, 'rev-parse', '--is-shallow-repository')).toBe('false');
    expect(git(repo, 'rev-list', '--count', 'origin/deep')).toBe('5');
  });

  it('fetches a SHA a shallow clone lacks, at depth 1', async () => {
    const repo = clone('shallow', '--depth=1', '--single-branch', '--branch', 'main');
    expect(await resolveRevision(repo, deepTip, '--against')).toBe(deepTip);
    expect(git(repo, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('says a tree or blob is not a commit', async () => {
    const repo = clone('objects');
    const tree = git(repo, 'rev-parse', 'HEAD^{tree}');
    const blob = git(repo, 'rev-parse', 'HEAD:a.txt');
    await expect(resolveRevision(repo, tree, '--against')).rejects.toThrow(
      /is a tree, not a commit/,
    );
    await expect(resolveRevision(repo, blob, '--against')).rejects.toThrow(
      /is a blob, not a commit/,
    );
  });

  it('resolves revision expressions git knows locally', async () => {
    const repo = clone('local');
    expect(await resolveRevision(repo, 'origin/deep~1', '--against')).toBe(
      git(repo, 'rev-parse', 'origin/deep^'),
    );
  });
});
