/**
 * The history store in a local folder: the CLI's `--store DIR`. The git store reads its
 * checkout of the data branch with `readBranchFolder` too.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { InputError } from '../errors.js';
import { parseJson, parseResults, writeResultsFile } from '../results/read.js';
import {
  branchSlug,
  freePath,
  newestFirst,
  type HistoryStore,
  type StoredResult,
} from './history.js';

export function folderStore(dir: string): HistoryStore {
  return {
    async append(results, { branch }) {
      // Validated first: its createdAt names the file.
      const valid = parseResults(results, 'the results to store');
      const path = await freePath(valid, branch, (relative) => exists(join(dir, relative)));
      await writeResultsFile(join(dir, path), valid);
      return join(dir, path);
    },
    list: (branch) => readBranchFolder(dir, branch, (relative) => join(dir, relative)),
  };
}

/**
 * Every `.json` file under the branch's folder of `root`, validated, newest first. A file that
 * is not valid JSON or not a perfgate result is left as it is and reported in `warnings`: it may
 * be a newer format, or a person's file, and is not ours to repair or delete.
 * `name` turns a path relative to `root` (with `/`) into the name used in paths and warnings.
 */
export async function readBranchFolder(
  root: string,
  branch: string,
  name: (relative: string) => string,
): Promise<{ entries: StoredResult[]; warnings: string[] }> {
  const slug = branchSlug(branch);
  const entries: StoredResult[] = [];
  const warnings: string[] = [];
  // One file at a time: a long history must not exhaust file descriptors.
  for (const file of await jsonFilesUnder(root, slug)) {
    const path = name(file);
    const text = await readFile(join(root, file), 'utf8');
    try {
      entries.push({ path, results: parseResults(parseJson(text, path), path) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      warnings.push(`${error.message} (skipped)`);
    }
  }
  return { entries: entries.sort(newestFirst), warnings };
}

/** `.json` files under `root/folder`, relative to `root` with `/`, sorted so warnings come in a stable order; none when the folder is absent. */
async function jsonFilesUnder(root: string, folder: string): Promise<string[]> {
  let files: string[];
  try {
    files = await readdir(join(root, folder), { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // The atomic writer's temporary files end in `.tmp`, so they are never read half-written.
  return files
    .filter((file) => file.endsWith('.json'))
    .map((file) => `${folder}/${file.split(sep).join('/')}`)
    .sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
