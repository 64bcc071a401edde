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
import { onShutdown } from '../shutdown.js';
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
      await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], {
        cwd: repo,
      })
    ).trim();
  } catch {
    return undefined;
  }
}

/**
 * Refuse what is not a revision name before git sees it. A name reaches `git fetch` as a refspec,
 * so `main:refs/heads/x` would create a branch and `+main:refs/tags/v1` force-move a tag; a
 * leading `-` would be an option. Revision expressions that git resolves locally (`HEAD~1`,
 * `main^`) are fine; only plain ref names and SHAs are ever fetched (see fetchable).
 */
export function checkRevisionName(revision: string, field: string): void {
  const why =
    revision.trim() === ''
      ? 'an empty revision names nothing (is the variable that should hold it unset?)'
      : revision.startsWith('-')
        ? 'a revision cannot start with "-"'
        : revision.startsWith('+') || revision.includes(':')
          ? 'a revision cannot hold ":" or start with "+" (that is a refspec, not a revision)'
          : // eslint-disable-next-line no-control-regex
            /[\u0000-\u0020\u007f]/.test(revision)
            ? 'a revision cannot hold spaces or control characters'
            : undefined;
  if (why) throw new InputError(`not a revision: ${JSON.stringify(revision)}: ${why}`, { field });
}

/** A full or abbreviated SHA, or a name `git check-ref-format --allow-onelevel` accepts. */
async function fetchable(repo: string, revision: string): Promise<boolean> {
  if (/^[0-9a-f]{7,64}$/i.test(revision)) return true;
  try {
    await git(['check-ref-format', '--allow-onelevel', revision], { cwd: repo });
    return true;
  } catch {
    return false;
  }
}

async function isShallow(repo: string): Promise<boolean> {
  return (await git(['rev-parse', '--is-shallow-repository'], { cwd: repo })).trim() === 'true';
}

/** "a tree", "a blob": what an object is when it is not a commit; undefined when it is none. */
async function objectType(repo: string, revision: string): Promise<string | undefined> {
  try {
    return (await git(['cat-file', '-t', '--end-of-options', revision], { cwd: repo })).trim();
  } catch {
    return undefined;
  }
}

/**
 * The full commit a revision names. A CI checkout is shallow (actions/checkout fetches depth 1),
 * so a commit it lacks is fetched from origin by name once; GitHub serves reachable SHAs. The
 * fetch writes no local ref (an empty `--refmap`, the name after `--end-of-options`: only
 * FETCH_HEAD), and deepens nothing: a full clone stays full (`--depth` only where it is shallow).
 */
export async function resolveRevision(
  repo: string,
  revision: string,
  field: string,
): Promise<string> {
  checkRevisionName(revision, field);
  const local = await commitOf(repo, revision);
  if (local) return local;
  const type = await objectType(repo, revision);
  if (type && type !== 'commit') {
    throw new InputError(`revision '${revision}' is a ${type}, not a commit`, { field });
  }
  if (await fetchable(repo, revision)) {
    try {
      const depth = (await isShallow(repo)) ? ['--depth=1'] : [];
      const options = ['--no-tags', '--refmap=', ...depth, '--end-of-options'];
      await git(['fetch', ...options, 'origin', revision], { cwd: repo });
      const fetched = await commitOf(repo, 'FETCH_HEAD');
      if (fetched) return fetched;
    } catch {
      // Not on origin either (or no origin): the message below names the revision.
    }
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
  live.set(tree, { repo, folder });
  // Removed if perfgate is interrupted or exits while it runs (shutdown.ts).
  const remove = () => removeSync(tree);
  const release = onShutdown({ what: 'worktree', interrupted: remove, exiting: remove });
  try {
    await git(['worktree', 'add', '--detach', '--quiet', tree, commit], { cwd: repo });
    return await use(tree);
  } finally {
    release();
    removeSync(tree);
  }
}
