/** Wording shared by every layer; a leaf, so that stores, the core and reports can all use it. */
import { SHORT_SHA_LENGTH } from './constants.js';

/** `1 run`, `2 runs`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A run's commit as people write it, else the date it was made, else nothing. */
export function shortRevision(commit: string | undefined, createdAt = ''): string {
  return commit?.slice(0, SHORT_SHA_LENGTH) ?? createdAt.slice(0, 10);
}
