/** Wording shared by every layer; a leaf, so that stores, the core and reports can all use it. */

/** `1 run`, `2 runs`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
