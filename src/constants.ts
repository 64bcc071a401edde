/** Names and sizes that several layers must agree on, each written once. */

/** The branch the action and `perfgate record` keep the history in (action input data-branch). */
export const DATA_BRANCH = 'perfgate-data';

/**
 * The login behind the workflow's GITHUB_TOKEN: the author of perfgate's comments (an app or a
 * personal token needs its own, input comment-author) and of the data branch's commits.
 */
export const BOT_LOGIN = 'github-actions[bot]';

/** The report's name (action input `name`): its heading and the sticky comment's marker. */
export const REPORT_NAME = 'perfgate';

/** A commit as people write it: git's default abbreviation. */
export const SHORT_SHA_LENGTH = 7;

/**
 * % of one core the load generator may use before a trial is marked generator-bound: past it the
 * throughput may be perfgate's limit, not the service's (DESIGN.md, "Measuring").
 */
export const GENERATOR_BOUND_CPU = 90;
