/** The history store in a local folder: the CLI's `--store DIR`. */
import { constants, type Stats } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { jsonFilesIn, readRegularFile } from '../files.js';
import { parseResults, writeResultsFile } from '../results/read.js';
import type { Results } from '../results/schema.js';
import { branchSlug, freePath, type HistoryStore } from './history.js';
import { readNewest, type StoredFile } from './newest.js';

export interface FolderStore extends HistoryStore {
  /**
   * Rejects (InputError naming --store) when the folder cannot hold the history: call it before
   * measuring, so a bad --store is reported at once rather than after every trial has run.
   */
  assertUsable(): Promise<void>;
}

export function folderStore(dir: string): FolderStore {
  const appendAll = async (all: readonly Results[], branch: string): Promise<string[]> => {
    // Checked again here: a store that is not a folder would otherwise fail with a raw ENOTDIR.
    await assertUsableStore(dir);
    // Validated first, all of them: a createdAt names each file, and none is written if one is bad.
    const valid = all.map((results) => parseResults(results, 'the results to store'));
    const written: string[] = [];
    try {
      for (const results of valid) {
        const path = await freePath(results, branch, (relative) => exists(join(dir, relative)));
        await writeResultsFile(join(dir, path), results);
        written.push(join(dir, path));
      }
    } catch (error) {
      // All or none: a folder has no commit to make them appear together, so undo the first ones.
      await Promise.all(written.map((file) => rm(file, { force: true })));
      throw error;
    }
    return written;
  };
  return {
    assertUsable: () => assertUsableStore(dir),
    append: async (results, { branch }) => (await appendAll([results], branch))[0] as string,
    appendAll: (results, { branch }) => appendAll(results, branch),
    async list(branch, query) {
      await assertUsableStore(dir, { write: false });
      const paths = await jsonFilesUnder(dir, branchSlug(branch));
      const read = async (batch: readonly string[]) => {
        const files: StoredFile[] = [];
        // One file at a time: a long history must not exhaust file descriptors.
        for (const path of batch) {
          // A folder, a FIFO or a dangling link named *.json is skipped with a note, never a hang
          // or a crash.
          const read = await readRegularFile(join(dir, path)).then(
            (text) => ({ text }),
            (error: unknown) => {
              if (error instanceof InputError) return { problem: error.message };
              throw error;
            },
          );
          files.push({ path, ...read });
        }
        return files;
      };
      return readNewest(paths, read, (relative) => join(dir, relative), query);
    },
  };
}

/**
 * A store folder that is missing is fine (the first append creates it); one that is a regular
 * file, lies below one, or cannot be written to is bad input: exit 2 naming --store, not a
 * filesystem stack trace (exit 3).
 */
export async function assertUsableStore(
  dir: string,
  { write = true }: { write?: boolean } = {},
): Promise<void> {
  const refuse = (why: string) => new InputError(why, { file: dir, field: '--store' });
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw refuse('lies below a regular file, so it cannot be a folder');
    throw refuse(`cannot be used: ${code ?? String(error)}`);
  }
  if (!info.isDirectory()) throw refuse(`is ${kindOf(info)}, not a folder`);
  if (!write) return;
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw refuse('is not writable');
  }
}

function kindOf(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** `.json` files under `root/folder`, relative to `root` with `/`, sorted so warnings come in a stable order; none when the folder is absent. */
async function jsonFilesUnder(root: string, folder: string): Promise<string[]> {
  // The atomic writer's temporary files end in `.tmp`, so they are never read half-written.
  return (await jsonFilesIn(join(root, folder))).map((file) => `${folder}/${file}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
