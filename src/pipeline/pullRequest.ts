/**
 * A pull request as both faces gate it: the action's pr mode, and `perfgate check` run in a pull
 * request's CI, measure the same head, against the same base and history, and name it alike, so
 * that `check --format markdown` prints the comment the action posts.
 */
import { readEventContext, type EventContext } from '../github/context.js';
import type { HistoryStore } from '../store/history.js';
import { shortRevision } from '../text.js';
import type { Revision } from '../store/revision.js';
import type { HistoryInput } from './gate.js';

export type PullRequest = NonNullable<EventContext['pullRequest']>;

/** The pull request this job runs for: GitHub Actions' pull_request event; none elsewhere. */
export function pullRequestOf(env: NodeJS.ProcessEnv): PullRequest | undefined {
  if (!env.GITHUB_EVENT_PATH || !env.GITHUB_EVENT_NAME?.startsWith('pull_request'))
    return undefined;
  return readEventContext(env).pullRequest;
}

/**
 * What the event says about the gate: the head commit (not the merge commit GITHUB_SHA names),
 * the base it merges into (which a shallow checkout may lack), and the base branch's history
 * with the merge base's run first.
 */
export function pullRequestSides(
  pull: PullRequest,
  ref: string | undefined,
  history: { store: HistoryStore; window: number },
): { revision: Revision; knownBase: string; history: HistoryInput } {
  return {
    revision: { commit: pull.headSha, ...(ref ? { ref } : {}) },
    knownBase: pull.baseSha,
    history: { ...history, branch: pull.baseRef, mergeBase: pull.baseSha },
  };
}

/** How a report names the pull request's head: `abc1234 (#12)`. */
export const pullRequestLabel = (pull: PullRequest): string =>
  `${shortRevision(pull.headSha)} (#${pull.number})`;
