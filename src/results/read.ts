/**
 * Reading and writing perfgate results files (format v1, see schema.ts and
 * docs/results-format.md), plus the JSON-reading helpers the importers in src/formats share.
 *
 * Every failure is an InputError naming the file, the JSON path and what was expected, because
 * the person who has to fix the file should not need to read our code to do it.
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
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { describeIssue } from '../schemaIssue.js';
import { ResultsSchema, type Results } from './schema.js';

/** More issues than this drown the first one, which is usually the cause of the rest. */
const MAX_ISSUES = 5;

/** Validate a parsed perfgate results file. */
export function parseResults(json: unknown, file: string): Results {
  return validate(ResultsSchema, json, file);
}

export async function readResultsFile(path: string): Promise<Results> {
  return parseResults(await readJsonFile(path), path);
}

/**
 * Validate, then write atomically (see writeJsonAtomic). `option` is the command-line option
 * that named `path` (`--out`), for the message when the path cannot be written.
 */
export async function writeResultsFile(
  path: string,
  results: Results,
  option?: string,
): Promise<void> {
  await writeJsonAtomic(path, validate(ResultsSchema, results, path), option);
}

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

/** Read and parse a JSON file; unreadable files and bad JSON become InputErrors naming it. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJson(await readRegularFile(path), path);
}

export function parseJson(text: string, file: string): unknown {
  // Editors on Windows may prepend a byte-order mark, which JSON.parse rejects.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch (error) {
    // V8 quotes the first bytes of the text ("root:x:0:0"...): a line and column say where, and
    // an error message never repeats what a file it should not have been given holds.
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /, ".*" is not valid JSON$|, ".*"\.\.\. is not valid JSON$/s,
      '',
    );
    throw new InputError(`invalid JSON${jsonErrorLocation(reason, json)}: ${reason}`, { file });
  }
}

/**
 * Validate `json` with `schema`, or throw an InputError whose `field` is the path of the first
 * issue and whose message lists up to MAX_ISSUES issues, each with what was expected and found.
 */
export function validate<T>(schema: z.ZodType<T>, json: unknown, file: string): T {
  const parsed = schema.safeParse(json, { error: describeIssue });
  if (parsed.success) return parsed.data;
  const [first, ...others] = parsed.error.issues.map((issue) => ({
    path: formatJsonPath(issue.path),
    problem: issue.message,
  }));
  // zod reports at least one issue on failure.
  if (!first) throw new InputError('invalid', { file });
  const shown = others.slice(0, MAX_ISSUES - 1).map((i) => `${i.path}: ${i.problem}`);
  const hidden = others.length - shown.length;
  const more = shown.length
    ? ` (also ${shown.join('; ')}${hidden ? `; and ${hidden} more` : ''})`
    : '';
  throw new InputError(`${first.problem}${more}`, { file, field: first.path });
}

/** `["suites", 2, "metrics"]` → `suites[2].metrics`; keys that are not identifiers are quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `${out}[${JSON.stringify(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
  return text || '(top level)';
}

/** Node 20 reports a character offset for some JSON errors; people need a line and column. */
function jsonErrorLocation(reason: string, text: string): string {
  const match = /at position (\d+)/.exec(reason);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const lines = before.split('\n');
  const column = (lines.at(-1) ?? '').length + 1;
  return ` at line ${lines.length}, column ${column}`;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
}
