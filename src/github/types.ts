import type { getOctokit } from '@actions/github';

/** The octokit every function in github/ takes first, so tests hand in one aimed at a fake. */
export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}
