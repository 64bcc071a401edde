/**
 * The one place an Octokit is made: @actions/github's client for the action, @octokit/rest's for
 * the CLI, both with the retry and throttling plugins (DESIGN.md, "GitHub facts"). Secondary rate limits and 5xx answers are retried a few
 * times with the server's retry-after; nothing global is configured.
 */
import { getOctokit } from '@actions/github';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GitHubClient } from './types.js';

export interface ClientOptions {
  /** The REST API root, e.g. process.env.GITHUB_API_URL; @actions/github reads its own only at import. */
  baseUrl?: string;
  warn?: (message: string) => void;
  /** Seconds a retry waits per attempt (retry-after when the server says). Tests shorten it. */
  retryAfterBaseValue?: number;
}

export const CLIENT_DEFAULTS = {
  retries: 3,
  rateLimitRetries: 3,
} as const satisfies Record<string, number>;

/** The retry and throttling options of every client: a few retries, each limit said out loud. */
function pluginOptions(options: ClientOptions) {
  const warn = options.warn ?? (() => undefined);
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const again = retryCount < CLIENT_DEFAULTS.rateLimitRetries;
      warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; ${again ? `retrying in ${retryAfter}s` : 'giving up'}`,
      );
      return again;
    };
  const retryTiming =
    options.retryAfterBaseValue === undefined
      ? {}
      : { retryAfterBaseValue: options.retryAfterBaseValue };
  return {
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    retry: { retries: CLIENT_DEFAULTS.retries, ...retryTiming },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...retryTiming,
    },
  };
}

/** The action's client: @actions/github's, which reads the runner's proxy settings. */
export function createClient(token: string, options: ClientOptions = {}): GitHubClient {
  return getOctokit(token, pluginOptions(options), retry, throttling) as unknown as GitHubClient;
}

const RestWithPlugins = Octokit.plugin(retry, throttling);

/**
 * The CLI's client, for `perfgate comment` from any CI: @octokit/rest (no Actions runtime), with
 * the same plugins and options. The same REST methods, so github/ takes either.
 */
export function createRestClient(token: string, options: ClientOptions = {}): GitHubClient {
  return new RestWithPlugins({
    auth: token,
    userAgent: 'perfgate',
    ...pluginOptions(options),
  }) as unknown as GitHubClient;
}
