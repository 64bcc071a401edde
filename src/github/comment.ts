/**
 * One perfgate comment per pull request, updated in place: found by its hidden marker and by its
 * author, paging through every comment (a busy PR has hundreds; the first page is not enough).
 */
import { BOT_LOGIN } from '../constants.js';
import { withMarker } from './marker.js';
import { unlessReadOnly, type Skipped } from './permissions.js';
import type { GitHubClient, RepoRef } from './types.js';

const DEFAULTS = {
  botLogin: BOT_LOGIN,
  perPage: 100,
} as const satisfies { botLogin: string; perPage: number };

export interface UpsertCommentOptions extends RepoRef {
  issueNumber: number;
  marker: string;
  body: string;
  botLogin?: string;
  /** false: only update an existing comment (comment: on-change with nothing to say). Default true. */
  create?: boolean;
}

export type UpsertCommentResult =
  { url: string; action: 'created' | 'updated' } | { action: 'none' } | Skipped;

export async function upsertComment(
  client: GitHubClient,
  options: UpsertCommentOptions,
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber } = options;
  const body = withMarker(options.marker, options.body);
  return unlessReadOnly(async () => {
    const existing = await findOwnComment(client, options);
    if (existing) {
      const { data } = await client.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body,
      });
      return { url: data.html_url, action: 'updated' as const };
    }
    if (options.create === false) return { action: 'none' as const };
    const { data } = await client.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body,
    });
    return { url: data.html_url, action: 'created' as const };
  });
}

/**
 * The author must be perfgate's own login, not merely any bot: another bot (or a person quoting
 * our comment) may carry the same marker, and editing their comment would be wrong.
 */
async function findOwnComment(client: GitHubClient, options: UpsertCommentOptions) {
  const { owner, repo, issueNumber, marker, botLogin = DEFAULTS.botLogin } = options;
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: DEFAULTS.perPage,
  });
  for await (const { data } of pages) {
    const own = data.find((c) => c.user?.login === botLogin && c.body?.includes(marker));
    if (own) return own;
  }
  return undefined;
}
