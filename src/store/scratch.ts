/**
 * The git store's scratch repository: a bare, partial (`blob:none`), shallow clone of the data
 * branch in a temporary folder, made for one operation and removed after it, and the few
 * plumbing steps the store's operations share (fetch the tip, fetch and read blobs in batches,
 * store a file).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitBytes, GitError, type ConfigEntry } from './git.js';

/** The scratch repository's only ref: the data branch's tip as last fetched. */
export const TIP = 'refs/perfgate/tip';

/** A bare repository in a temporary folder, with a folder for the files it stores. */
export interface Scratch {
  cwd: string;
  files: string;
  env: Record<string, string>;
  config: readonly ConfigEntry[];
}

/**
 * Run `work` in a new scratch repository, removed afterwards. Its config is given to each
 * command rather than written, which saves a process per setting on every operation.
 */
export async function withScratch<T>(
  url: string,
  /** Identity and credentials, applied to every command. */
  settings: readonly ConfigEntry[],
  work: (scratch: Scratch) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-store-'));
  try {
    const scratch: Scratch = {
      cwd: join(dir, 'repo.git'),
      files: join(dir, 'files'),
      // Its own index, so that nothing of git's default state leaks between steps.
      env: { GIT_INDEX_FILE: join(dir, 'index') },
      config: [
        ['remote.origin.url', url],
        // A partial clone: trees now, file contents only when asked for (fetchBlobs).
        ['remote.origin.promisor', 'true'],
        ['remote.origin.partialclonefilter', 'blob:none'],
        // The repository lives for one operation: housekeeping would only cost time.
        ['maintenance.auto', 'false'],
        ['gc.auto', '0'],
        // The data branch's commits are the bot's; the user's and the machine's config stay as they are.
        ...settings,
      ],
    };
    await mkdir(scratch.files);
    await git(['init', '--quiet', '--bare', '--template=', scratch.cwd], { cwd: dir });
    return await work(scratch);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fetch the data branch's tip into TIP; false if the branch does not exist yet. */
export async function fetchTip(scratch: Scratch, dataBranch: string): Promise<boolean> {
  const refspec = `+refs/heads/${dataBranch}:${TIP}`;
  try {
    await git(['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', refspec], scratch);
    return true;
  } catch (error) {
    if (error instanceof GitError && /couldn't find remote ref/.test(error.stderr)) return false;
    throw error;
  }
}

/** Store a file that `write` writes as a git blob; returns its id. */
export async function storeBlob(
  scratch: Scratch,
  name: string,
  write: (file: string) => Promise<void>,
): Promise<string> {
  const file = join(scratch.files, name);
  await write(file);
  return (await git(['hash-object', '-w', file], scratch)).trim();
}

/**
 * The `.json` files under `folder` of the tip (the whole tree without one), by path, with their
 * blob ids: from the trees, so no file is fetched.
 */
export async function blobsUnder(scratch: Scratch, folder?: string): Promise<Map<string, string>> {
  const under = folder === undefined ? [] : ['--', `${folder}/`];
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', TIP, ...under], scratch);
  const blobs = new Map<string, string>();
  for (const line of listing.split('\0')) {
    // `<mode> SP <type> SP <id> TAB <path>`
    const match = /^\d+ blob ([0-9a-f]+)\t(.*\.json)$/s.exec(line);
    if (match) blobs.set(match[2]!, match[1]!);
  }
  return blobs;
}

/**
 * Fetch the blobs `ids` in one upload-pack session, as git's own lazy fetch does for one blob:
 * by id (protocol v2 serves any object id), with no negotiation (the scratch repository has
 * nothing the remote lacks) and the clone's filter, so nothing but the blobs asked for comes.
 */
export async function fetchBlobs(scratch: Scratch, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const args = [
    'fetch',
    '--quiet',
    '--no-tags',
    '--no-write-fetch-head',
    '--recurse-submodules=no',
  ];
  await git([...args, '--filter=blob:none', '--stdin', 'origin'], {
    ...scratch,
    config: [...scratch.config, ['fetch.negotiationAlgorithm', 'noop']],
    input: ids.map((id) => `${id}\n`).join(''),
  });
}

/** The contents of the blobs `ids`, in order, from one `cat-file --batch`. */
export async function readBlobs(scratch: Scratch, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const output = await gitBytes(['cat-file', '--batch'], {
    ...scratch,
    input: ids.map((id) => `${id}\n`).join(''),
  });
  // Each object: `<id> <type> <size> LF <size bytes> LF`; sizes are bytes, so parse bytes.
  const texts: string[] = [];
  let at = 0;
  for (const id of ids) {
    const newline = output.indexOf(10, at);
    const header = output.subarray(at, newline).toString('latin1');
    const size = Number(/^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1]);
    if (newline < 0 || !Number.isSafeInteger(size)) {
      throw new GitError('cat-file', `cannot read blob ${id}: ${header || 'no output'}`);
    }
    texts.push(output.subarray(newline + 1, newline + 1 + size).toString('utf8'));
    at = newline + 1 + size + 1;
  }
  return texts;
}
