/**
 * The base revision as a second tree beside the head's checkout, for a same-runner A/B run:
 * `git worktree add` into a temporary folder, removed in every case (success, failure, an error
 * in the middle, SIGINT or SIGTERM), so `git worktree list` never keeps an entry of ours.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { git } from './git.js';

/** The repository's top folder, or undefined when `dir` is not inside a git work tree. */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    return (await git(['rev-parse', '--show-toplevel'], { cwd: dir })).trim();
  } catch {
    return undefined;
  }
}

async function commitOf(repo: string, revision: string): Promise<string | undefined> {
  try {
    return (
      await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { cwd: repo })
    ).trim();
  } catch {
    return undefined;
  }
}

/**
 * The full commit a revision names. A CI checkout is shallow (actions/checkout fetches depth 1),
 * so a commit it lacks is fetched from origin by name once; GitHub serves reachable SHAs.
 */
export async function resolveRevision(
  repo: string,
  revision: string,
  field: string,
): Promise<string> {
  if (revision.startsWith('-')) throw new InputError(`not a revision: ${revision}`, { field });
  const local = await commitOf(repo, revision);
  if (local) return local;
  try {
    await git(['fetch', '--no-tags', '--depth=1', 'origin', revision], { cwd: repo });
    // A SHA is now an object of its own; a branch or tag name of origin's is in FETCH_HEAD.
    const fetched = (await commitOf(repo, revision)) ?? (await commitOf(repo, 'FETCH_HEAD'));
    if (fetched) return fetched;
  } catch {
    // Not on origin either (or no origin): the message below names the revision.
  }
  throw new InputError(`revision '${revision}' does not exist in ${repo} (nor on its origin)`, {
    field,
  });
}

/** Files that differ from HEAD (staged, unstaged or untracked): the head side is the tree as it is. */
export async function uncommittedChanges(repo: string): Promise<number> {
  const status = await git(['status', '--porcelain', '--untracked-files=normal'], { cwd: repo });
  return status.split('\n').filter(Boolean).length;
}

/**
 * The commit that a pull request changes relative to. In a pull request's CI (GITHUB_BASE_REF set)
 * the checkout is `refs/pull/N/merge`, whose first parent is the base branch's tip; a shallow
 * checkout lacks that parent, and then `known` (the event's base SHA) names it. Elsewhere: the
 * merge base of HEAD with the default branch of origin (or a local main/master).
 */
export async function defaultBaseRevision(
  repo: string,
  env: NodeJS.ProcessEnv,
  known?: string,
): Promise<string | undefined> {
  const head = await commitOf(repo, 'HEAD');
  if (!head) return known;
  if (env.GITHUB_BASE_REF) {
    const firstParent = await commitOf(repo, 'HEAD^1');
    const secondParent = await commitOf(repo, 'HEAD^2');
    if (firstParent && secondParent) return firstParent;
  }
  if (known) return known;
  const candidates = [
    ...(env.GITHUB_BASE_REF ? [`origin/${env.GITHUB_BASE_REF}`] : []),
    'origin/HEAD',
    'origin/main',
    'origin/master',
    'main',
    'master',
  ];
  for (const candidate of candidates) {
    if (!(await commitOf(repo, candidate))) continue;
    try {
      return (await git(['merge-base', 'HEAD', candidate], { cwd: repo })).trim();
    } catch {
      // Unrelated histories: try the next candidate.
    }
  }
  return undefined;
}

/** Worktrees of this process still on disk, removed synchronously if it is killed by a signal. */
const live = new Map<string, { repo: string; folder: string }>();

function removeSync(tree: string): void {
  const entry = live.get(tree);
  if (!entry) return;
  live.delete(tree);
  try {
    execFileSync('git', ['-C', entry.repo, 'worktree', 'remove', '--force', tree], {
      stdio: 'ignore',
    });
  } catch {
    // Already gone, or locked: the folder is removed below and prune forgets the entry.
  }
  rmSync(entry.folder, { recursive: true, force: true });
  try {
    execFileSync('git', ['-C', entry.repo, 'worktree', 'prune'], { stdio: 'ignore' });
  } catch {
    // Nothing left to prune.
  }
}

function onSignal(signal: NodeJS.Signals): void {
  for (const tree of [...live.keys()]) removeSync(tree);
  uninstall();
  // Re-raise only when no other handler (the service registry) will do it after its own cleanup.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/**
 * Run `use` with `commit` checked out (detached) in a temporary worktree of `repo`; the worktree
 * is removed afterwards whatever happens.
 */
export async function withWorktree<T>(
  repo: string,
  commit: string,
  use: (tree: string) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-'));
  const tree = path.join(folder, 'tree');
  if (live.size === 0) install();
  live.set(tree, { repo, folder });
  try {
    await git(['worktree', 'add', '--detach', '--quiet', tree, commit], { cwd: repo });
    return await use(tree);
  } finally {
    removeSync(tree);
    if (live.size === 0) uninstall();
  }
}
