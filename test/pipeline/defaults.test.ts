// Which branch a history reader reads and a record run writes (pipeline/defaults.ts), in real git
// repositories: a local main, a clone whose origin's HEAD names another default branch, a
// repository without main or master, and a folder that is no checkout at all.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutBranch, historyBranch } from '../../src/pipeline/defaults.js';
import { git, newRepo } from '../helpers/gitRepo.js';

describe('historyBranch and checkoutBranch', () => {
  it('on a feature branch: reads main, records for the feature branch', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    git(repo, 'checkout', '--quiet', '-b', 'feature/x');
    expect(await historyBranch(undefined, repo, {})).toBe('main');
    expect(await checkoutBranch(undefined, repo, {})).toBe('feature/x');
    // Named, or in a pull request's CI, the branch it merges into wins.
    expect(await historyBranch('release', repo, {})).toBe('release');
    expect(await historyBranch(undefined, repo, { GITHUB_BASE_REF: 'v2' })).toBe('v2');
  });

  it("reads origin's default branch in a clone, whatever it is called", async () => {
    const upstream = await newRepo({ 'a.txt': 'a\n' });
    git(upstream, 'branch', '--quiet', '-m', 'main', 'trunk');
    const clone = join(await mkdtemp(join(tmpdir(), 'perfgate-clone-')), 'clone');
    execFileSync('git', ['clone', '--quiet', upstream, clone]);
    git(clone, 'checkout', '--quiet', '-b', 'feature');
    expect(await historyBranch(undefined, clone, {})).toBe('trunk');
  });

  it('falls back to the checkout branch without main, master or origin, and to main outside git', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    git(repo, 'branch', '--quiet', '-m', 'main', 'develop');
    expect(await historyBranch(undefined, repo, {})).toBe('develop');
    const plain = await mkdtemp(join(tmpdir(), 'perfgate-plain-'));
    expect(await historyBranch(undefined, plain, {})).toBe('main');
    expect(await checkoutBranch(undefined, plain, {})).toBe('main');
  });
});
