/**
 * The `workflow_run` commenter knows only the head SHA of the run it follows: the run's own
 * `pull_requests` list is empty for forks. This finds the open pull request(s) with that head.
 */
import type { GitHubClient, RepoRef } from './types.js';

export interface PullRequestRef {
  number: number;
  url: string;
  headSha: string;
  baseRef: string;
}

interface PullLike {
  number: number;
  html_url: string;
  state: string;
  head: { sha: string };
  base: { ref: string };
}

export async function findPullRequestsBySha(
  client: GitHubClient,
  { owner, repo, sha }: RepoRef & { sha: string },
): Promise<PullRequestRef[]> {
  const associated = await client.rest.repos
    .listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 })
    .catch((error: unknown) => {
      // GitHub answers 422 "No commit found for SHA: …" for a commit it does not know (a run of a
      // deleted or force-pushed branch, a test SHA): no pull request has it, which is a note for
      // the caller, not a failure. The open pull requests below are still looked through.
      if ((error as { status?: number }).status === 422) return { data: [] };
      throw error;
    });
  const direct = openWithHead(associated.data, sha);
  if (direct.length > 0) return direct;
  // GitHub does not associate a fork's commit with the base repository's pull request (the
  // commit lives in the fork), so fall back to the open pull requests' heads.
  const open = await client.paginate(client.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    per_page: 100,
  });
  return openWithHead(open, sha);
}

function openWithHead(pulls: PullLike[], sha: string): PullRequestRef[] {
  return pulls
    .filter((p) => p.state === 'open' && p.head.sha === sha)
    .map((p) => ({ number: p.number, url: p.html_url, headSha: p.head.sha, baseRef: p.base.ref }));
}
