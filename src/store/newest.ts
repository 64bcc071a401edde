/**
 * Reading a branch's stored results newest first and stopping once a query is answered, for both
 * stores. The file names make this possible without opening a file: the layout (history.ts)
 * names each file by its UTC time, so the newest files sort last by path, and by its short
 * commit, so a merge base's results can be found by name. A store lists its paths and reads
 * batches of them; a git store fetches each batch in one request.
 */
import { InputError } from '../errors.js';
import { parseJson } from '../json.js';
import { parseResults } from '../results/read.js';
import { shortRevision } from '../text.js';
import { newestFirst, type ListQuery, type StoredResult } from './history.js';

/** `<branch>/<YYYY>/<MM>/<DD>/<YYYYMMDD>T<HHMMSS>Z-<commit>-<random>.json`: what a store writes. */
const LAID_OUT = /^[^/]+\/\d{4}\/\d{2}\/\d{2}\/(\d{8}T\d{6}Z)-([0-9A-Za-z]+)-[^/]*\.json$/;

/** A stored file, by its path relative to the store (with `/`). */
/** A stored file's text, or why it could not be read (it is then skipped with a warning). */
export type StoredFile = { path: string } & ({ text: string } | { problem: string });

/**
 * The results among `paths` (relative, `.json`) that `query` needs, read with `read` in as few
 * batches as the query allows: every file without `newest`; otherwise the newest files first,
 * then larger and larger batches of older ones until enough accepted results are read. Files
 * outside the layout (a person's, a foreign tool's) cannot be dated by name and are read in the
 * first batch. `name` turns a relative path into the path shown in entries and warnings.
 */
export async function readNewest(
  paths: readonly string[],
  read: (batch: readonly string[]) => Promise<StoredFile[]>,
  name: (relative: string) => string,
  query: ListQuery = {},
): Promise<{ entries: StoredResult[]; warnings: string[] }> {
  const entries: StoredResult[] = [];
  const problems: { path: string; warning: string }[] = [];
  const readBatch = async (batch: readonly string[]) => {
    if (batch.length === 0) return;
    for (const file of await read(batch)) {
      const parsed =
        'problem' in file
          ? { warning: `${file.problem} (skipped)` }
          : parseStored(name(file.path), file.text);
      if ('warning' in parsed) problems.push({ path: file.path, warning: parsed.warning });
      else entries.push(parsed);
    }
  };

  const { newest, accept = () => true, commits = [] } = query;
  if (newest === undefined || !(newest >= 1)) {
    await readBatch(paths);
  } else {
    const dated = paths.filter((path) => LAID_OUT.test(path)).sort(descending);
    const wanted = new Set(commits.map((commit) => shortName(commit)));
    const first = new Set([
      ...paths.filter((path) => !LAID_OUT.test(path)),
      ...dated.filter((path) => wanted.has(LAID_OUT.exec(path)?.[2] ?? '')),
    ]);
    const done = new Set<string>();
    let next = 0;
    // Half as many again as asked for: when a few of the newest runs are of another setup
    // (another runner, a changed config), one batch still answers, which costs a few files.
    let size = Math.ceil(newest * 1.5);
    for (;;) {
      const end = sameSecondEnd(dated, Math.min(next + size, dated.length));
      const batch = [...first, ...dated.slice(next, end)].filter((path) => !done.has(path));
      first.clear();
      for (const path of batch) done.add(path);
      await readBatch(batch);
      next = end;
      const accepted = entries.filter((entry) => accept(entry.results)).length;
      if (accepted >= newest || next >= dated.length) break;
      // Sized by the share accepted so far, so that a history where few runs match (another
      // runner recorded most) still takes a few batches, not one per `newest` files.
      const share = Math.max(accepted, 1) / next;
      size = Math.max(next, Math.ceil(((newest - accepted) / share) * 2));
    }
  }
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries: entries.sort(newestFirst), warnings: problems.map((p) => p.warning) };
}

/** A result, or why the file is not one (left on the branch: it may be newer or a person's). */
function parseStored(path: string, text: string): StoredResult | { warning: string } {
  try {
    return { path, results: parseResults(parseJson(text, path), path) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { warning: `${error.message} (skipped)` };
  }
}

/** Newest first: the file names start with the time. */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Move a batch's end past files of the same second as its last: names order them by commit and
 * random part, but their order by time (milliseconds) is known only once they are read.
 */
function sameSecondEnd(dated: readonly string[], end: number): number {
  const second = (path: string | undefined) => (path ? LAID_OUT.exec(path)?.[1] : undefined);
  const last = second(dated[end - 1]);
  while (end < dated.length && last !== undefined && second(dated[end]) === last) end++;
  return end;
}

/** A commit as the layout writes it in a file name (history.ts resultPath). */
function shortName(commit: string): string {
  return shortRevision(commit.replace(/[^0-9A-Za-z]/g, ''));
}

/** When a stored file's name says it was recorded (to the second), or undefined outside the layout. */
export function recordedAt(path: string): Date | undefined {
  const stamp = LAID_OUT.exec(path)?.[1];
  if (!stamp) return undefined;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13)}`;
  return new Date(iso);
}
