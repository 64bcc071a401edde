/**
 * The history store on a data branch of the repository (the action's store). Every operation
 * works in its own scratch repository in a temporary folder, so the user's checkout (its files,
 * index, HEAD, refs and config) is never touched, and concurrent jobs never share state.
 *
 * The scratch repository fetches only the data branch's newest commit (`--depth=1`) and, where
 * the server allows it, without file contents (`blob:none`): appending needs only the trees and
 * sends only the new file, so no stored file is ever downloaded for it. Listing reads the
 * branch's files newest first, fetching the blobs each batch needs in one request, and stops
 * when the caller's query is answered (newest.ts): a baseline costs a few files, not the history.
 *
 * Appending never merges: results are append-only and uniquely named, so a push that lost a
 * race is rebuilt on the new tip (same file, fresh tree and commit) and pushed again.
 */
import { writeFile } from 'node:fs/promises';
import { BOT_LOGIN, DATA_BRANCH } from '../constants.js';
import { InputError, RunError } from '../errors.js';
import { writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { shortRevision } from '../text.js';
import {
  explainFailure,
  git,
  GitError,
  lostRace,
  retry,
  type ConfigEntry,
  type RetryPolicy,
} from './git.js';
import {
  branchSlug,
  freePath,
  type HistoryStore,
  type ListQuery,
  type StoredResult,
} from './history.js';
import { compactBranch, type CompactOutcome } from './gitCompact.js';
import { readNewest } from './newest.js';
import {
  blobsUnder,
  fetchBlobs,
  fetchTip,
  readBlobs,
  storeBlob,
  TIP,
  withScratch,
  type Scratch,
} from './scratch.js';

export interface GitStoreOptions {
  /** The user's checkout; only read, for the remote's URL. */
  repoDir: string;
  remote?: string;
  dataBranch?: string;
  /** Author and committer of the data branch's commits. */
  author?: { name: string; email: string };
  /** When a push loses a race with another recorder. */
  retry?: Partial<RetryPolicy>;
}

const DEFAULTS = {
  remote: 'origin',
  dataBranch: DATA_BRANCH,
  author: {
    name: BOT_LOGIN,
    // GitHub's noreply address for the bot: <its user id>+<login>.
    email: `41898282+${BOT_LOGIN}@users.noreply.github.com`,
  },
  retry: { budgetMs: 120_000, baseDelayMs: 100, maxDelayMs: 3_000 },
} satisfies Required<Omit<GitStoreOptions, 'repoDir'>>;

const README = `# perfgate history

This branch holds benchmark results recorded by perfgate, one file per run:
\`<branch>/<YYYY>/<MM>/<DD>/<time>-<commit>-<random>.json\` (perfgate results format v1).
perfgate only adds files here, except when someone runs \`perfgate history compact\`: that
replaces the trials of results older than a cut-off by their median and spread, in one new
commit, so the raw files stay in this branch's history.
`;

export interface GitStore extends HistoryStore {
  /** Compact the results recorded before `before` (gitCompact.ts): one commit, or none. */
  compact(before: Date): Promise<CompactOutcome>;
}

export function gitStore(options: GitStoreOptions): GitStore {
  const remote = options.remote ?? DEFAULTS.remote;
  const dataBranch = options.dataBranch ?? DEFAULTS.dataBranch;
  const author = options.author ?? DEFAULTS.author;
  const policy = { ...DEFAULTS.retry, ...options.retry };

  const inScratch = async <T>(work: (scratch: Scratch) => Promise<T>): Promise<T> => {
    await assertBranchName(options.repoDir, dataBranch);
    const [url, auth] = await Promise.all([
      remoteUrl(options.repoDir, remote),
      checkoutCredentials(options.repoDir),
    ]);
    const identity: ConfigEntry[] = [
      ['user.name', author.name],
      ['user.email', author.email],
    ];
    return withScratch(url, [...auth, ...identity], work);
  };

  return {
    append: async (results, { branch }) =>
      (
        await inScratch((scratch) =>
          record(scratch, { dataBranch, results: [results], branch }, policy),
        )
      )[0] as string,
    appendAll: (results, { branch }) =>
      inScratch((scratch) => record(scratch, { dataBranch, results, branch }, policy)),
    list: (branch, query) => inScratch((scratch) => listBranch(scratch, dataBranch, branch, query)),
    compact: (before) => inScratch((scratch) => compactBranch(scratch, dataBranch, before, policy)),
  };
}

/**
 * Append `results` to the data branch in one commit, retrying pushes that lose a race; returns
 * `branch:path` of each.
 */
async function record(
  scratch: Scratch,
  change: Omit<Change, 'blobs'>,
  policy: RetryPolicy,
): Promise<string[]> {
  const blobs: string[] = [];
  for (const results of change.results)
    blobs.push(await storeBlob(scratch, 'results.json', (file) => writeResultsFile(file, results)));
  let tries = 0;
  try {
    const paths = await retry(
      (index) => {
        tries = index + 1;
        return commitAndPush(scratch, { ...change, blobs });
      },
      lostRace,
      policy,
    );
    return paths.map((path) => `${change.dataBranch}:${path}`);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const after = tries > 1 ? ` after ${tries} tries` : '';
    throw new RunError(
      `could not record results on the "${change.dataBranch}" branch${after}: ${explainFailure(error)}`,
    );
  }
}

/**
 * The stored results of `branch` that `query` needs. The tip's trees name every file and its
 * blob; the blobs a batch needs are fetched in one request and read from the object store. A
 * checkout of the folder would instead fetch each missing blob in its own upload-pack session:
 * one per stored file.
 */
async function listBranch(
  scratch: Scratch,
  dataBranch: string,
  branch: string,
  query: ListQuery | undefined,
): Promise<{ entries: StoredResult[]; warnings: string[] }> {
  const slug = branchSlug(branch);
  try {
    if (!(await fetchTip(scratch, dataBranch))) return { entries: [], warnings: [] };
    const blobs = await blobsUnder(scratch, slug);
    const read = async (batch: readonly string[]) => {
      const ids = batch.map((path) => blobs.get(path)!);
      await fetchBlobs(scratch, ids);
      const texts = await readBlobs(scratch, ids);
      return batch.map((path, i) => ({ path, text: texts[i]! }));
    };
    return await readNewest([...blobs.keys()], read, (path) => `${dataBranch}:${path}`, query);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new RunError(`could not read the "${dataBranch}" branch: ${explainFailure(error)}`);
  }
}

/**
 * actions/checkout keeps the job's token as an `http.<url>.extraheader` in the checkout's config
 * (directly or through an include); the scratch repository pushes with the same header. Every
 * value is kept, for a key may hold several headers, and the URL-less `http.extraheader` counts
 * too. Only the checkout's own config is carried: the global, system and job-level (GIT_CONFIG_*)
 * config reach the scratch repository anyway, and a header given twice is refused by GitHub.
 */
export async function checkoutCredentials(repoDir: string): Promise<ConfigEntry[]> {
  const args = ['config', '--show-scope', '--null', '--includes', '--get-regexp'];
  const listed = await git([...args, '^http\\.(.+\\.)?extraheader$'], { cwd: repoDir }).catch(
    () => '', // exit 1: none set (a local clone, or a token-free public read)
  );
  return parseScopedConfig(listed)
    .filter(({ scope }) => scope === 'local' || scope === 'worktree')
    .map(({ entry }) => entry);
}

/** `git config --show-scope --null` output: `scope NUL key LF value NUL`, repeated. */
function parseScopedConfig(listed: string): { scope: string; entry: ConfigEntry }[] {
  const fields = listed.split('\0');
  const parsed: { scope: string; entry: ConfigEntry }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [key = '', ...value] = fields[i + 1]!.split('\n');
    parsed.push({ scope: fields[i]!, entry: [key, value.join('\n')] });
  }
  return parsed;
}

/** A data branch git cannot name is bad input (exit 2), not a failed run. */
async function assertBranchName(repoDir: string, name: string): Promise<void> {
  try {
    await git(['check-ref-format', '--branch', name], { cwd: repoDir });
  } catch {
    throw new InputError(`${JSON.stringify(name)} is not a valid git branch name`, {
      field: 'data-branch',
    });
  }
}

async function remoteUrl(repoDir: string, remote: string): Promise<string> {
  try {
    // After --end-of-options, a name such as `--upload-pack=…` is a name that does not exist.
    return (await git(['remote', 'get-url', '--end-of-options', remote], { cwd: repoDir })).trim();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunError(`cannot find the git remote "${remote}" of ${repoDir}: ${reason}`);
  }
}

/** Results to add to the data branch in one commit, their files already stored as `blobs`. */
interface Change {
  dataBranch: string;
  blobs: readonly string[];
  results: readonly Results[];
  branch: string;
}

/**
 * One attempt: fetch the tip, add the files to its tree (or start the branch, with a README),
 * commit and push. Returns the files' paths in the branch.
 */
async function commitAndPush(scratch: Scratch, change: Change): Promise<string[]> {
  const found = await fetchTip(scratch, change.dataBranch);
  if (found) {
    await git(['read-tree', TIP], scratch);
  } else {
    await git(['read-tree', '--empty'], scratch);
    const readme = await storeBlob(scratch, 'README.md', (file) => writeFile(file, README));
    await addBlob(scratch, readme, 'README.md');
  }
  const paths: string[] = [];
  for (const [i, results] of change.results.entries()) {
    // Each file is in the index once added, so the next cannot take its path.
    const path = await freePath(results, change.branch, async (candidate) =>
      Boolean(await git(['ls-files', '--', candidate], scratch)),
    );
    await addBlob(scratch, change.blobs[i] as string, path);
    paths.push(path);
  }
  // The other files' contents were never fetched (blob:none), and need not be: the remote has
  // them. A plain write-tree would check that each exists and so download the whole history in
  // the partial clone; --missing-ok writes the trees from the ids the index already holds.
  const tree = (await git(['write-tree', '--missing-ok'], scratch)).trim();
  const commits = [...new Set(change.results.map((r) => shortRevision(r.commit)))].join(' ');
  const shards = change.results.length > 1 ? ` (${change.results.length} results)` : '';
  const message = `Record ${change.branch} ${commits}${shards}`.trim();
  const parent = found ? ['-p', TIP] : [];
  const sha = (await git(['commit-tree', tree, ...parent, '-m', message], scratch)).trim();
  await git(['push', '--quiet', 'origin', `${sha}:refs/heads/${change.dataBranch}`], scratch);
  return paths;
}

async function addBlob(scratch: Scratch, blob: string, path: string): Promise<void> {
  const entry = `100644,${blob},${path}`;
  await git(['update-index', '--add', '--cacheinfo', entry], scratch);
}
