/**
 * `perfgate history compact` on the data branch: one new commit in which every result recorded
 * before the cut-off keeps its run-level summary (compact.ts) instead of its trials. The raw files
 * stay in the branch's history (the parent commit), nothing recorded at or after the cut-off is
 * read or changed, and the commit is built on the tip like an append: a push that loses a race
 * with a recorder is rebuilt on the new tip, so a result appended meanwhile is never lost.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, RunError } from '../errors.js';
import { parseJson } from '../json.js';
import { parseResults } from '../results/read.js';
import { compactResults } from './compact.js';
import { explainFailure, git, GitError, lostRace, retry, type RetryPolicy } from './git.js';
import { recordedAt } from './newest.js';
import { blobsUnder, fetchBlobs, fetchTip, readBlobs, TIP, type Scratch } from './scratch.js';

export interface CompactOutcome {
  /** Files rewritten; 0 when nothing before the cut-off had trials to drop (no commit then). */
  compacted: number;
  /** The new commit, when there is one. */
  commit?: string;
}

export async function compactBranch(
  scratch: Scratch,
  dataBranch: string,
  before: Date,
  policy: RetryPolicy,
): Promise<CompactOutcome> {
  // Original blob → its compacted blob (itself when it stays): a retry on a newer tip reuses
  // the work, and reads only files that were not on the tip it tried before.
  const done = new Map<string, string>();
  try {
    return await retry(
      async () => {
        if (!(await fetchTip(scratch, dataBranch))) {
          throw new InputError(
            `the data branch "${dataBranch}" does not exist on the remote: nothing was ever recorded there`,
            { field: 'data-branch' },
          );
        }
        const old = [...(await blobsUnder(scratch))].filter(([path]) => {
          const at = recordedAt(path);
          return at !== undefined && at < before;
        });
        await compactBlobs(scratch, old, before, done);
        const changes = old.filter(([, blob]) => done.get(blob) !== blob);
        if (changes.length === 0) return { compacted: 0 };
        const commit = await commitChanges(scratch, dataBranch, changes, done, before);
        return { compacted: changes.length, commit };
      },
      lostRace,
      policy,
    );
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new RunError(`could not compact the "${dataBranch}" branch: ${explainFailure(error)}`);
  }
}

/**
 * Fetch (one batch) and compact the blobs of `files` not yet in `done`, storing each compacted
 * file as a blob. A file that is not a valid result, or whose contents say it was recorded at or
 * after the cut-off, stays as it is: compaction only ever drops trials of old runs.
 */
async function compactBlobs(
  scratch: Scratch,
  files: readonly (readonly [path: string, blob: string])[],
  before: Date,
  done: Map<string, string>,
): Promise<void> {
  const todo = [...new Map(files.filter(([, blob]) => !done.has(blob))).entries()];
  if (todo.length === 0) return;
  const ids = [...new Set(todo.map(([, blob]) => blob))];
  await fetchBlobs(scratch, ids);
  const texts = await readBlobs(scratch, ids);
  const written: { blob: string; file: string }[] = [];
  for (const [i, blob] of ids.entries()) {
    const compacted = compacts(texts[i]!, before);
    if (!compacted) {
      done.set(blob, blob);
      continue;
    }
    const file = join(scratch.files, `compacted-${i}.json`);
    // On one line: indentation is half the bytes of a summary, and perfgate, not a person,
    // reads old results (`git show … | jq` still does).
    await writeFile(file, `${JSON.stringify(compacted)}\n`);
    written.push({ blob, file });
  }
  if (written.length === 0) return;
  const input = written.map(({ file }) => `${file}\n`).join('');
  const stored = (await git(['hash-object', '-w', '--stdin-paths'], { ...scratch, input }))
    .trim()
    .split('\n');
  written.forEach(({ blob }, i) => done.set(blob, stored[i]!));
}

/** The compacted result of a stored file's text, or undefined when it stays. */
function compacts(text: string, before: Date) {
  let results;
  try {
    results = parseResults(parseJson(text, 'stored result'), 'stored result');
  } catch {
    return undefined; // not ours to change: listing reports it
  }
  if (!(Date.parse(results.createdAt) < before.getTime())) return undefined;
  const compacted = compactResults(results);
  return compacted === results ? undefined : compacted;
}

/** The tip's tree with `changes` replaced, committed on the tip and pushed. */
async function commitChanges(
  scratch: Scratch,
  dataBranch: string,
  changes: readonly (readonly [path: string, blob: string])[],
  done: ReadonlyMap<string, string>,
  before: Date,
): Promise<string> {
  await git(['read-tree', TIP], scratch);
  const input = changes.map(([path, blob]) => `100644 ${done.get(blob)}\t${path}\0`).join('');
  await git(['update-index', '-z', '--index-info'], { ...scratch, input });
  // As for an append: the unchanged files' contents are on the remote and need not be here.
  const tree = (await git(['write-tree', '--missing-ok'], scratch)).trim();
  const cutoff = before.toISOString();
  const message =
    `Compact ${changes.length} result(s) recorded before ${cutoff}\n\n` +
    'Each metric keeps its median and spread; the trials are in the parent commit.';
  const commit = (await git(['commit-tree', tree, '-p', TIP, '-m', message], scratch)).trim();
  await git(['push', '--quiet', 'origin', `${commit}:refs/heads/${dataBranch}`], scratch);
  return commit;
}
