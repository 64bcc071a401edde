// Where `perfgate init` says the action comes from: a real temporary package.json and a real git
// clone with an origin (never contacted: `git remote get-url` only reads the config).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionlintText, actionSource, githubRepository } from '../../src/pipeline/init.js';
import { git } from '../helpers/gitRepo.js';

describe('githubRepository', () => {
  it.each([
    ['https://github.com/acme/perfgate.git', 'acme/perfgate'],
    ['git+https://github.com/acme/perf.gate', 'acme/perf.gate'],
    ['git@github.com:acme/perfgate.git', 'acme/perfgate'],
    ['ssh://git@github.com/acme/perfgate', 'acme/perfgate'],
    ['github:acme/perfgate', 'acme/perfgate'],
  ])('reads %s', (text, repository) => expect(githubRepository(text)).toBe(repository));

  it.each([
    '/work/perfgate',
    'acme/perfgate', // a relative path, as a git remote
    'https://gitlab.com/acme/perfgate.git',
    'https://github.com/acme/perfgate/tree/main',
    'https://github.com/acme/../x',
    'https://github.com/acme/..',
  ])('refuses %s', (text) => expect(githubRepository(text)).toBeUndefined());
});

describe('actionSource', () => {
  it("takes --action as given, and refuses what a workflow's uses: cannot take", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-'));
    await expect(actionSource('acme/perfgate@v1.2.3', dir)).resolves.toEqual({
      uses: 'acme/perfgate@v1.2.3',
      from: '--action',
    });
    await expect(actionSource('acme/perfgate', dir)).rejects.toThrow(
      '--action: expected OWNER/NAME@REF, got "acme/perfgate"',
    );
  });

  it("names the repository of perfgate's package.json above where it runs, shorthand included", async () => {
    const root = await mkdtemp(join(tmpdir(), 'perfgate-package-'));
    await mkdir(join(root, 'dist'));
    const manifest = (repository: unknown) =>
      writeFile(join(root, 'package.json'), JSON.stringify({ name: 'perfgate', repository }));
    await manifest({ type: 'git', url: 'git+https://github.com/acme/perfgate.git' });
    expect(await actionSource(undefined, join(root, 'dist'))).toEqual({
      uses: 'acme/perfgate@v0',
      from: "perfgate's package.json",
    });
    await manifest('acme/perf-fork');
    expect((await actionSource(undefined, join(root, 'dist'))).uses).toBe('acme/perf-fork@v0');
  });

  it('names the origin of the clone perfgate runs from, else writes a placeholder', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'perfgate-clone-'));
    git(clone, 'init', '--quiet');
    await mkdir(join(clone, 'dist'));
    // A placeholder while the origin is not on GitHub (a local path, as in a CI clone).
    git(clone, 'remote', 'add', 'origin', '/srv/git/perfgate');
    expect(await actionSource(undefined, join(clone, 'dist'))).toEqual({
      uses: 'OWNER/perfgate@v0',
    });
    git(clone, 'remote', 'set-url', 'origin', 'git@github.com:acme-ml/perfgate.git');
    expect(await actionSource(undefined, join(clone, 'dist'))).toEqual({
      uses: 'acme-ml/perfgate@v0',
      from: "the origin of perfgate's clone",
    });
  });
});

describe('actionlintText', () => {
  it("declares a self-hosted runner's own labels, and nothing when actionlint knows them all", () => {
    expect(actionlintText(['self-hosted', 'linux', 'x64'])).toBeUndefined();
    expect(actionlintText(['ubuntu-latest'])).toBeUndefined();
    expect(actionlintText(['self-hosted', 'Linux', 'gpu', 'h100'])).toBe(
      [
        "# actionlint checks runs-on against GitHub's runner labels: these are your runner's own.",
        'self-hosted-runner:',
        '  labels:',
        '    - "gpu"',
        '    - "h100"',
        '',
      ].join('\n'),
    );
  });
});
