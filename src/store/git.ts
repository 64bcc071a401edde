/**
 * A small runner for the git commands of the history store, and the retry that concurrent
 * writers to one data branch need. Git's messages are kept whole in errors: they are what a
 * user needs to fix a remote, a token or a branch protection rule.
 */
import { execFile } from 'node:child_process';
import { RunError } from '../errors.js';

export interface GitOptions {
  /** The repository: `git -C`. */
  cwd: string;
  /** Added to the environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Config for this command only, as `git -c` would give it, but without quoting concerns. */
  config?: readonly ConfigEntry[];
  /** Written to the command's stdin (object ids for `fetch --stdin`, `cat-file --batch`). */
  input?: string;
}

/**
 * One `key = value` of git config. A list of them rather than a record: a key may repeat, and
 * multi-valued keys (`http.extraheader`) need every value.
 */
export type ConfigEntry = readonly [key: string, value: string];

/** A git command that failed: `stderr` is git's own message. */
export class GitError extends RunError {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`git ${command} failed: ${stderr.trim() || '(no message)'}`);
  }
}

/** ls-tree of a long history and `cat-file` of large results exceed execFile's 1 MiB default. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/** Run `git -C cwd ...args`; resolves to stdout, rejects with a GitError. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  return (await gitBytes(args, options)).toString('utf8');
}

/** `git` for output that is measured in bytes, such as `cat-file --batch`'s. */
export function gitBytes(args: readonly string[], options: GitOptions): Promise<Buffer> {
  const inherited = { ...process.env, ...options.env };
  const env = {
    ...inherited,
    ...configEnv(options.config ?? [], inherited),
    // English messages, so that a rejected push can be recognised whatever the user's locale.
    LC_ALL: 'C',
    // A CI job must fail on missing credentials, not wait for a password until it times out.
    GIT_TERMINAL_PROMPT: '0',
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-C', options.cwd, ...args],
      { env, maxBuffer: MAX_OUTPUT, encoding: 'buffer' },
      (error, stdout, stderr) => {
        // Only the subcommand is named: other arguments may hold a URL with a token.
        if (error) reject(new GitError(args[0] ?? '', stderr.toString() || error.message));
        else resolve(stdout);
      },
    );
    // A git that exits before reading all of its input reports why itself; EPIPE adds nothing.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Git (2.31+) reads GIT_CONFIG_COUNT, GIT_CONFIG_KEY_<n> and GIT_CONFIG_VALUE_<n> as config. A job
 * may already pass config this way (its credentials, say): ours is numbered after it, so that both
 * apply, and ours wins where a key takes one value.
 */
function configEnv(
  config: readonly ConfigEntry[],
  inherited: NodeJS.ProcessEnv,
): Record<string, string> {
  if (config.length === 0) return {};
  const first = inheritedConfigCount(inherited);
  return Object.fromEntries([
    ['GIT_CONFIG_COUNT', String(first + config.length)],
    ...config.flatMap(([key, value], n) => [
      [`GIT_CONFIG_KEY_${first + n}`, key],
      [`GIT_CONFIG_VALUE_${first + n}`, value],
    ]),
  ]);
}

/** How many GIT_CONFIG_* entries the environment holds; git itself rejects a count it cannot read. */
function inheritedConfigCount(env: NodeJS.ProcessEnv): number {
  const count = Number(env.GIT_CONFIG_COUNT ?? 0);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

/**
 * A push that lost a race: the branch moved since we fetched it (`[rejected]`, "fetch first" or
 * "non-fast-forward"), or another push held the ref's lock at that moment. Fetching and trying
 * again can succeed; anything else (credentials, branch protection) cannot.
 */
export function lostRace(error: unknown): boolean {
  return (
    error instanceof GitError &&
    /\[rejected\]|cannot lock ref|failed to update ref|incorrect old value/.test(error.stderr)
  );
}

/**
 * The remote refused who we are rather than what we did: HTTP 401 or 403, a username git would
 * have to prompt for (no credentials at all), or a server's "Permission to … denied".
 */
const AUTHENTICATION_FAILURES = [
  /could not read (Username|Password)/,
  /Authentication failed/,
  /Permission to .* denied/,
  /Permission denied \(publickey/,
  /returned error: 40[13]\b/,
];

export function authenticationFailed(error: unknown): boolean {
  return (
    error instanceof GitError &&
    AUTHENTICATION_FAILURES.some((failure) => failure.test(error.stderr))
  );
}

/**
 * git's message, and for a refused credential what to check in the workflow. Only git's words
 * and fixed text: the token itself is never part of it (git strips it from URLs it prints).
 */
export function explainFailure(error: GitError): string {
  if (!authenticationFailed(error)) return error.message;
  return (
    `${error.message}\nThe remote refused the credentials. In a workflow, check that ` +
    'actions/checkout keeps them (`persist-credentials` left on, its default), that the job ' +
    'may push (`permissions: contents: write`), or use a token with write access to the repository.'
  );
}

export interface RetryPolicy {
  /**
   * How long to keep trying after the first attempt began. A time rather than a count: how many
   * races a push may lose depends on how many writers there are and how fast the remote is.
   */
  budgetMs: number;
  /** The first wait's upper bound; it doubles with each failure. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Call `attempt` until it succeeds, `retryable` says its error is final, or the time budget is
 * spent; rethrows the last error. Waits are "full jitter" (uniform up to an exponentially
 * growing bound), so writers that collided once do not collide again in lockstep.
 */
export async function retry<T>(
  attempt: (index: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  const deadline = Date.now() + policy.budgetMs;
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (error) {
      if (!retryable(error) || Date.now() >= deadline) throw error;
    }
    const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** index);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
  }
}
