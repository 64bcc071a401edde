// Real git repositories in temporary folders, for the same-runner A/B tests: a base commit, head
// commits on top, and `git worktree list` to check that nothing is left behind.
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-C', cwd, '-c', 'user.name=perfgate test', '-c', 'user.email=test@example.com', ...args],
    { encoding: 'utf8' },
  ).trim();
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), text);
  }
}

/** A new repository on branch main with `files` committed; returns its folder. */
export async function newRepo(files: Record<string, string>): Promise<string> {
  const repo = join(await mkdtemp(join(tmpdir(), 'perfgate-repo-')), 'repo');
  execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
  await writeFiles(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'base');
  return repo;
}

/** Write `files` and commit them; returns the new commit. */
export async function commit(
  repo: string,
  message: string,
  files: Record<string, string>,
): Promise<string> {
  await writeFiles(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

/** The worktrees git knows of: only the repository itself once perfgate is done. */
export function worktrees(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '));
}

/**
 * An action's workspace: a repository on main with one commit, whose `origin` is a local bare
 * repository (where the data branch of the history store lives).
 */
export async function workspaceWithOrigin(
  prefix: string,
): Promise<{ workspace: string; origin: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const origin = join(dir, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', origin]);
  const workspace = join(dir, 'workspace');
  execFileSync('git', ['init', '--quiet', '-b', 'main', workspace]);
  await commit(workspace, 'init', { 'README.md': 'workspace\n' });
  git(workspace, 'remote', 'add', 'origin', origin);
  git(workspace, 'push', '--quiet', 'origin', 'main');
  return { workspace, origin };
}
