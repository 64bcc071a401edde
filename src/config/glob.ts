/**
 * Metric globs (threshold rules, targets, sweep objectives and constraints): picomatch patterns
 * on the `<suite>/<metric>` key. Checked once, where the config is read (config/fields.ts
 * metricGlob), so a glob that cannot work as written is refused naming its field, rather than
 * silently matching nothing (picomatch reads `[unclosed` as a literal) or throwing in the middle
 * of a comparison (picomatch refuses patterns over 64 KiB).
 */
import picomatch from 'picomatch';

/** picomatch throws on longer patterns. */
export const MAX_GLOB_LENGTH = 65_536;

/** Dot files are not special in metric names. */
const OPTIONS = { dot: true } as const;

/** The other half of each bracket. */
const PAIRS: Record<string, string> = {
  ']': '[',
  '}': '{',
  ')': '(',
  '[': ']',
  '{': '}',
  '(': ')',
};

/** What is wrong with `glob` as a metric glob, or undefined when nothing is. */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) {
    return `expected a glob of at most ${MAX_GLOB_LENGTH} characters, got ${glob.length}`;
  }
  try {
    // strictBrackets: an unbalanced [ ] { } ( ) is an error, not a literal character.
    picomatch.makeRe(glob, { ...OPTIONS, strictBrackets: true });
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // picomatch: 'Missing closing: "]" - use "\\]" to match literal characters'.
    const missing = /^Missing (closing|opening): "(.)"/.exec(reason);
    if (!missing) return `invalid glob: ${reason}`;
    // The bracket picomatch names is the missing one; `other` is the one written.
    const [, side, bracket = ''] = missing;
    const other = PAIRS[bracket] ?? '';
    return side === 'closing'
      ? `invalid glob: '${other}' is never closed by '${bracket}' (close it, or write \\${other} to match '${other}' itself)`
      : `invalid glob: '${other}' has no '${bracket}' before it (write \\${other} to match '${other}' itself)`;
  }
}

/** Whether the metric key matches the glob. */
export function matchesGlob(key: string, glob: string): boolean {
  return picomatch.isMatch(key, glob, OPTIONS);
}

/** A glob that matches `key` itself and nothing else: picomatch's special characters escaped. */
export function literalGlob(key: string): string {
  return key.replace(/[\\*?[\]{}()!+@|^$]/g, '\\$&');
}
