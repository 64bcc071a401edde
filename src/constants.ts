/** Names and sizes that several layers must agree on, each written once. */

/** The branch the action and `perfgate record` keep the history in (action input data-branch). */
export const DATA_BRANCH = 'perfgate-data';

/**
 * The login behind the workflow's GITHUB_TOKEN: the author of perfgate's comments (an app or a
 * personal token needs its own, input comment-author) and of the data branch's commits.
 */
export const BOT_LOGIN = 'github-actions[bot]';

/** A commit as people write it: git's default abbreviation. */
export const SHORT_SHA_LENGTH = 7;
