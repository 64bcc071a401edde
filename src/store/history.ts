/**
 * The history store: where recorded results go and where baselines come from. Two stores
 * implement it, a folder (the CLI's `--store DIR`) and a data branch of the repository (the
 * action); both lay files out the same way:
 *
 *   <branch slug>/<YYYY>/<MM>/<DD>/<createdAt, compact>-<commit, short>-<6 random hex>.json
 *
 * Readable in a file browser, sorted by time within a day, and never colliding: two recorders
 * writing the same commit in the same second still differ in the random part.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import type { Results } from '../results/schema.js';
import { shortRevision } from '../text.js';
import { branchName } from './revision.js';

export interface StoredResult {
  /** Where the result is stored, as its store names it (a file, or `branch:path` in git). */
  path: string;
  results: Results;
}

export interface HistoryStore {
  /** Append one result; never overwrites; returns where it was stored. */
  append(results: Results, meta: { branch: string }): Promise<string>;
  /**
   * Append several results together (a sharded run's shards): all of them or, on failure, none;
   * returns where each was stored, in order.
   */
  appendAll(results: readonly Results[], meta: { branch: string }): Promise<string[]>;
  /**
   * The readable results of a branch, newest first; corrupt/foreign files are skipped with a
   * warning (returned, not printed). Every result without a query; with one, at least what it
   * asks for (see ListQuery).
   */
  list(branch: string, query?: ListQuery): Promise<{ entries: StoredResult[]; warnings: string[] }>;
}

/**
 * What a caller needs of a branch's history, so that a store reads that rather than every file:
 * a baseline needs the newest few runs of one setup, and a history of thousands of runs must not
 * be downloaded for it. The answer holds every result read, accepted or not (newest first), and
 * always includes the newest `newest` accepted results and every result of `commits`.
 */
export interface ListQuery {
  /** How many accepted results are enough; every result is read when absent. */
  newest?: number;
  /** Which results count toward `newest`; all of them when absent. */
  accept?: (results: Results) => boolean;
  /** Commits whose results are wanted whatever their age (a merge base), by full id. */
  commits?: readonly string[];
}

/** `refs/heads/feature/x` → `feature__x`: one folder per branch, not a tree of folders. */
export function branchSlug(branch: string, field = 'branch'): string {
  const slug = branchName(branch).replaceAll('/', '__');
  // Git refuses such branch names too; here they would escape the store or hide the folder.
  const unsafe = [...slug].some((char) => char === '\\' || char < ' ');
  if (!slug || slug.startsWith('.') || unsafe) {
    throw new InputError(
      `cannot store results for branch ${JSON.stringify(branch)}: expected a git branch name, not a path (no leading '.', '..', '\\' or control characters)`,
      { field },
    );
  }
  return slug;
}

/** The path (with `/`, relative to the store) of `results` under a given random suffix. */
export function resultPath(results: Results, branch: string, random: string): string {
  // UTC, so a result's folder does not depend on the recorder's time zone.
  const iso = new Date(results.createdAt).toISOString();
  const [year, month, day] = iso.slice(0, 10).split('-');
  const compact = iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
  const commit = shortRevision(results.commit?.replace(/[^0-9A-Za-z]/g, '')) || 'nocommit';
  return `${branchSlug(branch)}/${year}/${month}/${day}/${compact}-${commit}-${random}.json`;
}

/**
 * A path for `results` that `taken` reports free. The random part makes a clash improbable
 * (one in 16 million for the same commit and second); the check makes overwriting impossible.
 */
export async function freePath(
  results: Results,
  branch: string,
  taken: (path: string) => Promise<boolean>,
): Promise<string> {
  let path = resultPath(results, branch, randomBytes(3).toString('hex'));
  while (await taken(path)) path = resultPath(results, branch, randomBytes(3).toString('hex'));
  return path;
}

/** Newest first by createdAt; the path breaks ties so that the order never depends on reading order. */
export function newestFirst(a: StoredResult, b: StoredResult): number {
  const byTime = Date.parse(b.results.createdAt) - Date.parse(a.results.createdAt);
  return byTime || (a.path < b.path ? 1 : a.path > b.path ? -1 : 0);
}
