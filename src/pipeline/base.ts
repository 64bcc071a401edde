/**
 * Where the PR gate finds the base revision it measures beside the head, in one place: the
 * repository, the commit, and how the head tree differs from its commit; or, when the base
 * cannot be measured here, why (the gate then reads the stored history, or refuses when the user
 * asked for this revision or for an interleaved run).
 */
import path from 'node:path';
import type { BaselineMode, Config } from '../config/index.js';
import { InputError } from '../errors.js';
import {
  checkRevisionName,
  defaultBaseRevision,
  repositoryRoot,
  resolveRevision,
  uncommittedChanges,
} from '../store/worktree.js';
import { shortRevision } from '../text.js';

export interface BaseRequest {
  config: Config;
  env: NodeJS.ProcessEnv;
  baseline: BaselineMode;
  /** The base revision the user named; default: the pull request's merge base. */
  against?: string;
  /** The pull request's base SHA from its event, for a shallow checkout (worktree.ts). */
  knownBase?: string;
  /** How the user names the options, for errors: `--against`, `input baseline-revision`. */
  fields: { against: string; baseline: string };
}

export interface LocatedBase {
  repo: string;
  commit: string;
  /** Files of the head tree that differ from its commit: the head side is the tree as it is. */
  uncommitted: number;
}

/** The base to measure beside the head, or why there is none (`''`: history was asked for). */
export async function locateBase(
  request: BaseRequest,
): Promise<LocatedBase | { fallback: string }> {
  const { against, baseline, fields } = request;
  if (baseline === 'history') return { fallback: '' };
  if (against !== undefined) checkRevisionName(against, fields.against);
  // A revision the user named, or a mode that needs one, cannot quietly become a history check.
  const unavailable = (why: string) => {
    if (against !== undefined) {
      throw new InputError(`${why}, so revision '${against}' cannot be measured`, {
        field: fields.against,
      });
    }
    if (baseline === 'interleaved')
      throw new InputError(why, { field: `${fields.baseline} interleaved` });
    return { fallback: why };
  };
  const repo = await repositoryRoot(path.dirname(request.config.file));
  if (!repo) return unavailable(`${request.config.file} is not inside a git checkout`);
  const revision = against ?? (await defaultBaseRevision(repo, request.env, request.knownBase));
  if (!revision) {
    return unavailable(
      'no base revision was given and none was found (no merge base with origin/HEAD, main or master)',
    );
  }
  // A revision the user named must exist (exit 2); a default one that cannot be found falls back.
  const field = against === undefined ? fields.baseline : fields.against;
  let commit: string;
  try {
    commit = await resolveRevision(repo, revision, field);
  } catch (error) {
    if (against !== undefined || baseline === 'interleaved') throw error;
    return { fallback: (error as Error).message };
  }
  const uncommitted = await uncommittedChanges(repo);
  if (baseline === 'auto' && against === undefined && uncommitted === 0) {
    const head = await resolveRevision(repo, 'HEAD', field).catch(() => undefined);
    if (head === commit) {
      return {
        fallback: `the head is the base revision ${shortRevision(commit)}: nothing to measure beside it`,
      };
    }
  }
  return { repo, commit, uncommitted };
}
