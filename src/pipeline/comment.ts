/**
 * The sticky report comment, one per pull request and report name, for every face that posts it:
 * the action after a check, and `perfgate comment` / `check --comment` from any other CI. Same
 * marker, same body, same size cap, so that each finds and updates the comment the other wrote.
 */
import { RunError } from '../errors.js';
import { createRestClient } from '../github/client.js';
import { upsertComment, type UpsertCommentResult } from '../github/comment.js';
import { authenticatedLogin, explainGitHubError } from '../github/errors.js';
import { markerFor } from '../github/marker.js';
import { findPullRequestsBySha } from '../github/pulls.js';
import type { GitHubClient, RepoRef } from '../github/types.js';
import { COMMENT_LIMIT, truncateMarkdown } from '../report/truncate.js';

export interface ReportComment extends RepoRef {
  /** The report's name (input name, `--name`): its marker tells its comment from others. */
  name: string;
  markdown: string;
  /** The login that posts: an earlier comment of that author with the marker is updated. */
  botLogin?: string;
  /** false: update an existing comment only (comment: on-change with nothing to say). */
  create?: boolean;
}

export function postReport(
  client: GitHubClient,
  issueNumber: number,
  comment: ReportComment,
): Promise<UpsertCommentResult> {
  return upsertComment(client, {
    owner: comment.owner,
    repo: comment.repo,
    issueNumber,
    marker: markerFor(comment.name),
    body: truncateMarkdown(comment.markdown, COMMENT_LIMIT),
    ...(comment.botLogin ? { botLogin: comment.botLogin } : {}),
    ...(comment.create === undefined ? {} : { create: comment.create }),
  });
}

export interface CommentTarget extends RepoRef {
  /** The pull request, or the head SHA of the open one(s) to find. */
  pr?: number;
  sha?: string;
  /** The report's name: its comment's marker. */
  name: string;
  token: string;
  /** Whose earlier comment is ours; default: the token's user. */
  author?: string;
  apiUrl?: string;
}

/**
 * The report as the sticky comment from a CI that is not GitHub Actions (`perfgate comment`,
 * `check --comment`): the pull request named, or the open ones whose head is the SHA; what was
 * done, one line per pull request; GitHub's refusals explained (github/errors.ts).
 */
export async function postReportFromAnywhere(
  target: CommentTarget,
  markdown: string,
  warn: (message: string) => void,
): Promise<string[]> {
  const client = createRestClient(target.token, {
    ...(target.apiUrl ? { baseUrl: target.apiUrl } : {}),
    warn,
  });
  const repo = { owner: target.owner, repo: target.repo };
  const where = `${target.owner}/${target.repo}`;
  try {
    const numbers =
      target.pr !== undefined
        ? [target.pr]
        : (await findPullRequestsBySha(client, { ...repo, sha: target.sha as string })).map(
            (p) => p.number,
          );
    if (numbers.length === 0) {
      throw new RunError(
        `no open pull request in ${where} has head ${target.sha}: push the branch and open it, or name it with --pr`,
      );
    }
    const author = target.author ?? (await authenticatedLogin(client));
    const done: string[] = [];
    for (const number of numbers) {
      const posted = await postReport(client, number, {
        ...repo,
        name: target.name,
        markdown,
        ...(author ? { botLogin: author } : {}),
      });
      if ('skipped' in posted) {
        throw new RunError(
          `the token may not comment on ${where}#${number} (read-only); it needs pull-requests: write`,
        );
      }
      done.push('url' in posted ? `comment ${posted.action}: ${posted.url}` : 'comment unchanged');
    }
    return done;
  } catch (error) {
    throw explainGitHubError(error, where, target.pr);
  }
}
