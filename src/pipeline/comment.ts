/**
 * The sticky report comment, one per pull request and report name, for every face that posts it:
 * the action after a check, and `perfgate comment` / `check --comment` from any other CI. Same
 * marker, same body, same size cap, so that each finds and updates the comment the other wrote.
 */
import { upsertComment, type UpsertCommentResult } from '../github/comment.js';
import { markerFor } from '../github/marker.js';
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
