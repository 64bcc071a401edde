/**
 * Choosing the baseline a run is compared with, from the stored history of its base branch.
 * Pure: the store lists, this decides, compare judges.
 *
 * Only like is compared with like (DESIGN.md, "Compare like with like"): a stored result is a
 * candidate only if it measured the same setup (config hash) on the same kind of machine (the
 * environment fingerprint below). Among candidates, those of the merge base come first (they
 * lack exactly the pull request's changes), then the newest; up to `window` runs are kept. They
 * stay separate runs: trials of different runs are not exchangeable, so the gate compares run
 * medians (compare/runLevel.ts), never pooled trials.
 */
import { InputError } from '../errors.js';
import type { Environment, Results } from '../results/schema.js';
import { environmentDifference } from '../compare/environment.js';
import { plural, shortRevision } from '../text.js';
import { newestFirst, type ListQuery, type StoredResult } from './history.js';

export interface BaselineHead {
  configHash?: string;
  environment?: Environment;
  /** The commit the pull request branched from. */
  mergeBase?: string;
}

export interface BaselineSelection {
  /** The stored runs that match, merge base first, then newest first; empty when none does. */
  used: StoredResult[];
  /** The pull request's merge base has a stored run, and it comes first in `used`. */
  mergeBaseStored: boolean;
  notes: string[];
}

export function selectBaseline(
  entries: readonly StoredResult[],
  head: BaselineHead,
  window: number,
): BaselineSelection {
  if (!Number.isInteger(window) || window < 1) {
    throw new InputError(`must be a whole number of at least 1, got ${window}`, {
      field: 'baseline window',
    });
  }
  const newest = [...entries].sort(newestFirst);
  if (!newest[0]) return { used: [], mergeBaseStored: false, notes: ['nothing is stored yet'] };

  const matching = newest.filter((entry) => !difference(entry.results, head));
  if (!matching.length) {
    const why = difference(newest[0].results, head);
    const count = plural(newest.length, 'stored result');
    return {
      used: [],
      mergeBaseStored: false,
      notes: [`none of the ${count} matches this run (newest: ${why})`],
    };
  }

  const atMergeBase = matching.filter((entry) => isMergeBase(entry, head));
  const used = [...atMergeBase, ...matching.filter((e) => !atMergeBase.includes(e))].slice(
    0,
    window,
  );
  return {
    used,
    mergeBaseStored: atMergeBase.length > 0,
    notes: selectionNotes(newest.length, matching.length, used, head),
  };
}

/**
 * What `selectBaseline` needs of the store: the newest `window` matching runs and the merge
 * base's. Given to `HistoryStore.list`, it spares reading a long history to pick a few runs, and
 * the selection over what is read is the selection over everything.
 */
export function baselineQuery(head: BaselineHead, window: number): ListQuery {
  return {
    newest: window,
    accept: (stored) => !difference(stored, head),
    ...(head.mergeBase ? { commits: [head.mergeBase] } : {}),
  };
}

function isMergeBase(entry: StoredResult, head: BaselineHead): boolean {
  return head.mergeBase !== undefined && entry.results.commit === head.mergeBase;
}

function selectionNotes(
  stored: number,
  matching: number,
  used: readonly StoredResult[],
  head: BaselineHead,
): string[] {
  // How many runs were used is the report's baseline label (pipeline/gate.ts historyLabel), not a note: said once.
  const notes: string[] = [];
  if (head.mergeBase) {
    const short = shortRevision(head.mergeBase);
    notes.push(
      used.some((entry) => isMergeBase(entry, head))
        ? `the merge base ${short} has a stored result and comes first`
        : `no stored result for the merge base ${short}: using the newest`,
    );
  }
  if (matching < stored) {
    const skipped = plural(stored - matching, 'stored result');
    notes.push(`${skipped} skipped: another config or environment`);
  }
  return notes;
}

/** What, of the things that must agree, a stored result and this run differ in. */
function difference(stored: Results, head: BaselineHead): string | undefined {
  if (stored.configHash !== head.configHash) {
    const hash = (value?: string) => (value ? `config ${value.slice(0, 12)}` : 'no config hash');
    return `stored results used ${hash(stored.configHash)} but this run uses ${hash(head.configHash)}`;
  }
  const differs = environmentDifference(stored.environment, head.environment);
  return differs && `stored results ran on ${differs.was} but this run is on ${differs.is}`;
}
