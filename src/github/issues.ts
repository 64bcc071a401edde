/**
 * One open tracking issue per regression key (say, a nightly's metric), updated night after
 * night rather than opened anew: found by the `perfgate` label and the key's hidden marker.
 */
import { markerFor, withMarker } from './marker.js';
import type { GitHubClient, RepoRef } from './types.js';

const DEFAULTS = { label: 'perfgate', perPage: 100 } as const satisfies {
  label: string;
  perPage: number;
};

export interface TrackingIssueOptions extends RepoRef {
  key: string;
  title: string;
  body: string;
  labels?: string[];
}

export interface TrackingIssueResult {
  number: number;
  url: string;
  action: 'created' | 'updated';
}

export async function upsertTrackingIssue(
  client: GitHubClient,
  options: TrackingIssueOptions,
): Promise<TrackingIssueResult> {
  const { owner, repo, key, title } = options;
  const marker = markerFor(key);
  const body = withMarker(marker, options.body);
  const open = await client.paginate(client.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    labels: DEFAULTS.label,
    per_page: DEFAULTS.perPage,
  });
  // The issues list holds pull requests too; a PR that quotes the marker is not our issue.
  const existing = open.find((i) => !i.pull_request && i.body?.includes(marker));
  if (existing) {
    const { data } = await client.rest.issues.update({
      owner,
      repo,
      issue_number: existing.number,
      title,
      body,
    });
    return { number: data.number, url: data.html_url, action: 'updated' };
  }
  const labels = [...new Set([DEFAULTS.label, ...(options.labels ?? [])])];
  const { data } = await client.rest.issues.create({ owner, repo, title, body, labels });
  return { number: data.number, url: data.html_url, action: 'created' };
}
