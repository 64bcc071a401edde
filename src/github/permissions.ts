/**
 * A `pull_request` run from a fork gets a read-only GITHUB_TOKEN, and GitHub answers its writes
 * with 403 "Resource not accessible by integration". That is the expected state of a fork PR, not
 * a failure: the write is skipped and reported as data, so the run comments nothing and fails
 * nothing (the `workflow_run` commenter posts the results instead).
 */
export interface Skipped {
  skipped: 'read-only token';
}

const READ_ONLY_MESSAGE = 'Resource not accessible by integration';

function isReadOnlyTokenError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, message } = error as { status?: unknown; message?: unknown };
  return status === 403 && typeof message === 'string' && message.includes(READ_ONLY_MESSAGE);
}

export async function unlessReadOnly<T>(write: () => Promise<T>): Promise<T | Skipped> {
  try {
    return await write();
  } catch (error) {
    if (isReadOnlyTokenError(error)) return { skipped: 'read-only token' };
    throw error;
  }
}
