/**
 * The history dashboard: a branch's stored results → a static site (dashboard/) written to a
 * folder, ready for GitHub Pages or a file browser. Both faces call it: `perfgate dashboard` and
 * the action's mode `dashboard`. Unreadable stored files are skipped with notes (store/), which
 * the page shows and the caller logs: the build does not fail for them.
 */
import path from 'node:path';
import type { ComparePolicy } from '../compare/policy.js';
import type { Config } from '../config/index.js';
import { buildDashboardData, type DashboardData } from '../dashboard/data.js';
import { siteFiles } from '../dashboard/site.js';
import { InputError } from '../errors.js';
import { writeTextAtomic } from '../files.js';
import type { HistoryStore } from '../store/history.js';
import { policyIn } from './options.js';

export interface DashboardInput {
  store: HistoryStore;
  branch: string;
  /** The site's folder; created when missing, and only perfgate's files in it are replaced. */
  out: string;
  /** How the user named `out`, for errors: `--out`, `input site-path`. */
  outField: string;
  repoUrl?: string;
  /** Its compare section sets the thresholds the latest run is judged by, under `overrides`. */
  config?: Config | undefined;
  overrides: Partial<ComparePolicy>;
  /** When the site is built: shown on the page. */
  now: Date;
}

export interface DashboardOutcome {
  data: DashboardData;
  /** The files written, absolute. */
  files: string[];
}

export async function buildDashboard(input: DashboardInput): Promise<DashboardOutcome> {
  const { entries, warnings } = await input.store.list(input.branch);
  const data = buildDashboardData({
    entries,
    warnings,
    branch: input.branch,
    generatedAt: input.now.toISOString(),
    ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
    policy: policyIn(input.config, input.overrides),
  });
  const files: string[] = [];
  for (const [relative, text] of siteFiles(data)) {
    const file = path.join(input.out, relative);
    // As every --out: atomic, and never through a link (site/index.html -> ../victim.txt) or onto
    // what is not a regular file; a file where the folder should be is bad input, not EEXIST.
    await writeTextAtomic(file, text, input.outField);
    files.push(file);
  }
  return { data, files };
}

/**
 * Where commits and pull requests link to: the URL given (`field` names where it came from),
 * else the repository of the GitHub Actions job (GITHUB_SERVER_URL and GITHUB_REPOSITORY), else
 * none, and the page shows commits without links.
 */
export function repositoryUrl(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  field: string,
): string | undefined {
  if (given === undefined) {
    if (!env.GITHUB_REPOSITORY) return undefined;
    given = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`;
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new InputError(
      `expected a URL such as https://github.com/owner/repo, got ${JSON.stringify(given)}`,
      { field },
    );
  }
  // The page puts it into links: only a web address may go there, never javascript: or data:.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`expected an http(s) URL, got ${JSON.stringify(given)}`, { field });
  }
  return url.href.replace(/\/+$/, '');
}
