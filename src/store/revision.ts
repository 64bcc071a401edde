/**
 * Which commit a result describes: the CI's own variables when present (GitHub checks out a
 * merge commit for pull requests, and GITHUB_SHA names it), else the local checkout's HEAD.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Revision {
  commit?: string;
  ref?: string;
}

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await exec('git', args, { cwd, timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    // Not a git checkout, or no git: results simply carry no commit.
    return undefined;
  }
}

/** `refs/heads/feature/x` → `feature/x`; any other ref or name is returned as it is. */
export function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/**
 * The branch pull requests merge into, as the checkout knows it: GITHUB_BASE_REF in a pull
 * request's CI, else origin's HEAD, else a main or master branch (local or origin's); undefined
 * when none of these exists.
 */
export async function defaultBranchOf(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (env.GITHUB_BASE_REF) return env.GITHUB_BASE_REF;
  const originHead = await git(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], cwd);
  if (originHead) return originHead.replace(/^refs\/remotes\/origin\//, '');
  for (const name of ['main', 'master']) {
    for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
      if (await git(['rev-parse', '--verify', '--quiet', ref], cwd)) return name;
    }
  }
  return undefined;
}

export async function currentRevision(cwd: string, env: NodeJS.ProcessEnv): Promise<Revision> {
  const commit = env.GITHUB_SHA ?? (await git(['rev-parse', 'HEAD'], cwd));
  const ref = env.GITHUB_REF ?? (await git(['symbolic-ref', '--quiet', 'HEAD'], cwd));
  return { ...(commit ? { commit } : {}), ...(ref ? { ref } : {}) };
}
