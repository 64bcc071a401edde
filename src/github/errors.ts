/**
 * GitHub's refusals said as a person fixing them needs them said: which repository or pull
 * request, what the status means here, what to change. For the CLI's comment, where no workflow
 * grants permissions and the token is whatever the other CI holds.
 */
import { RunError } from '../errors.js';
import type { GitHubClient } from './types.js';

interface RequestFailure {
  status: number;
  message: string;
}

const isRequestFailure = (error: unknown): error is RequestFailure =>
  typeof (error as RequestFailure | undefined)?.status === 'number';

/** The error to show for a failed call on `where` (OWNER/NAME) and, when known, its pull request. */
export function explainGitHubError(error: unknown, where: string, pr?: number): Error {
  if (!isRequestFailure(error)) return error as Error;
  const target = pr === undefined ? where : `${where}#${pr}`;
  const said = error.message.split('\n')[0] ?? '';
  const why: Record<number, string> = {
    401: 'the token was refused: it is expired, revoked or not a GitHub token',
    403: `the token may not do this on ${where}: it needs pull-requests: write (a fine-grained token: "Pull requests" read and write)`,
    404: `GitHub knows no ${target}, or the token cannot see it (a private repository needs a token with access to it)`,
    422: `GitHub refused the request for ${target}`,
  };
  return new RunError(
    `${why[error.status] ?? `GitHub answered ${error.status}`} (${error.status}: ${said})`,
  );
}

/**
 * The login the token posts as: an earlier report comment is recognised by its author. Undefined
 * where the token has no user (an app installation's), and the comment code's default applies.
 */
export async function authenticatedLogin(client: GitHubClient): Promise<string | undefined> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}
