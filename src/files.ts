/**
 * Files as perfgate writes and reads them, for every layer: writes are atomic (a reader never
 * sees half a file) and only ever replace a regular file; reads take regular files only, never
 * through a link, a FIFO or a device. Every failure is an InputError that names the path, or the
 * option that named it.
 */
import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

/**
 * Write JSON atomically: to a temporary file in the same folder (same file system, so `rename`
 * is atomic) that replaces `path` only once complete, so a reader never sees a half-written
 * file, even if we are killed mid-write. Only a regular file is ever replaced (assertWritable).
 */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  option?: string,
): Promise<void> {
  await writeTextAtomic(path, JSON.stringify(value, null, 2) + '\n', option);
}

/**
 * writeJsonAtomic for text: a config rewritten by `perfgate calibrate --write`. The file that
 * replaces an existing one keeps its mode and, where we may, its owner: a 0600 config that holds
 * an Authorization header must not come back world-readable.
 */
export async function writeTextAtomic(path: string, text: string, option?: string): Promise<void> {
  await assertWritable(path, option);
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const existing = await stat(path).catch(() => undefined);
  // Ends in .tmp, not .json, so a folder being written to never offers it as an input.
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    // A replacement is created private, then given the old file's mode (the umask would
    // otherwise narrow or widen it); a new file gets the usual mode the umask leaves.
    await writeFile(temp, text, existing ? { mode: 0o600 } : {});
    if (existing) {
      await chown(temp, existing.uid, existing.gid).catch(() => undefined);
      await chmod(temp, existing.mode & 0o7777);
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * assertWritable for a file perfgate edits in place (`calibrate --write` on the config): it must
 * exist and its owner must be allowed to write it. A read-only mode is a decision someone made,
 * and a root runner could replace the file anyway, so it is refused rather than overridden.
 */
export async function assertEditable(path: string, option?: string): Promise<void> {
  await assertWritable(path, option);
  const { mode, nlink } = await stat(path);
  if ((mode & 0o200) === 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw writeError(
      path,
      `is read-only (mode ${octal}): make it writable to let perfgate edit it`,
      option,
    );
  }
  if (nlink > 1) {
    // The atomic replace gives the path a new file: its other names would keep the old one.
    throw writeError(
      path,
      `has ${nlink} hard links, which an edit would split: edit it yourself`,
      option,
    );
  }
}

/**
 * Refuse, as bad input, a path that writeJsonAtomic must not or cannot write: `rename` would
 * replace a symbolic link, a device (`/dev/full` when run as root) or a FIFO with a regular
 * file, and fails on a folder or below a regular file. Commands call it before measuring too,
 * so a bad `--out` is found before the run, not after it.
 */
export async function assertWritable(path: string, option?: string): Promise<void> {
  const kind = await fileKind(path);
  if (kind === 'file' || kind === 'missing') return;
  if (kind === 'below a file') {
    const file = await fileAbove(path);
    throw writeError(path, `lies below ${file}, which is a file, not a folder`, option);
  }
  const what = kind === 'folder' ? 'a folder, expected a file' : `${kind}, not a regular file`;
  throw writeError(
    path,
    `is ${what}; perfgate writes only regular files and never replaces anything else`,
    option,
  );
}

type FileKind =
  | 'file'
  | 'missing'
  | 'below a file'
  | 'folder'
  | 'a symbolic link'
  | 'a device'
  | 'a FIFO'
  | 'a socket';

/** What is at `path`, without following a symbolic link (which `rename` would replace). */
async function fileKind(path: string): Promise<FileKind> {
  try {
    return kindOf(await lstat(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'below a file';
    throw error;
  }
}

/** The one classification of what a path holds, for writing (assertWritable) and reading. */
function kindOf(stats: Stats): Exclude<FileKind, 'missing' | 'below a file'> {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * The text of a regular file (a symbolic link to one is followed); anything else is refused as
 * bad input naming the file. Reading a FIFO would wait forever for a writer, and a device such as
 * /dev/zero or /dev/stdin would never end or would read the terminal. The file is opened
 * non-blocking (which does not wait for a FIFO's writer) and checked through the open handle,
 * so nothing can be swapped in between the check and the read.
 */
export async function readRegularFile(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new InputError(describeReadError(error), { file: path });
  }
  try {
    const kind = kindOf(await handle.stat());
    if (kind === 'folder') throw new InputError('is a folder, expected a file', { file: path });
    if (kind !== 'file') {
      throw new InputError(`is ${kind}, not a regular file; perfgate reads only regular files`, {
        file: path,
      });
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(describeReadError(error), { file: path });
  } finally {
    await handle.close();
  }
}

/**
 * The `*.json` entries below `root`, as paths relative to it with `/` separators, sorted; an
 * empty list when `root` does not exist. Symbolic links are never followed into folders (a link
 * to `/` would walk the whole file system, `loop -> .` would list every file twice); an entry
 * named `*.json` that is not a regular file (a folder, a link, a FIFO) is listed all the same, so
 * that its reader (readRegularFile) refuses it by name rather than it vanishing unnoticed.
 */
export async function jsonFilesIn(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, relative), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && relative === '') return;
      throw error;
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.name.endsWith('.json')) found.push(path);
      else if (entry.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return found.sort();
}

/** The ancestor of `path` that is a file, not a folder (ENOTDIR does not say which one). */
async function fileAbove(path: string): Promise<string> {
  const parent = dirname(path);
  if (parent === path || (await fileKind(parent)) !== 'below a file') return parent;
  return fileAbove(parent);
}

/** Named by the option when a command-line option gave the path, else by the file. */
function writeError(path: string, problem: string, option: string | undefined): InputError {
  return option
    ? new InputError(`${path} ${problem}`, { field: option })
    : new InputError(problem, { file: path });
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
}
