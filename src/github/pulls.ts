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
  const direct = openWithHead(await associatedPulls(client, { owner, repo, sha }), sha);
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

/** A merged pull request, as a report names it. */
export interface MergedPullRequest {
  number: number;
  url: string;
  title: string;
}

/**
 * The merged pull request that brought `sha` into the repository: GitHub associates a commit of
 * the default branch with it (a merge, squash or rebase commit, or one of the PR's own); none for
 * a commit pushed directly, or one GitHub does not know (422).
 */
export async function mergedPullRequestOf(
  client: GitHubClient,
  { owner, repo, sha }: RepoRef & { sha: string },
): Promise<MergedPullRequest | undefined> {
  const merged = (await associatedPulls(client, { owner, repo, sha })).find((p) => p.merged_at);
  return merged && { number: merged.number, url: merged.html_url, title: merged.title };
}

/**
 * GitHub's "pull requests associated with a commit". It answers 422 "No commit found for SHA: …"
 * for a commit it does not know (a run of a deleted or force-pushed branch, a test SHA): no pull
 * request has it, which is a note for the caller, not a failure.
 */
async function associatedPulls(
  client: GitHubClient,
  { owner, repo, sha }: RepoRef & { sha: string },
) {
  const associated = await client.rest.repos
    .listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 })
    .catch((error: unknown) => {
      if ((error as { status?: number }).status === 422) return { data: [] };
      throw error;
    });
  return associated.data;
}
