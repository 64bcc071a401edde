/**
 * Wording of config problems: "what was expected", in the user's terms (YAML mappings and lists,
 * not zod's object and array), and a "did you mean" for misspelt names.
 */
import type { z } from 'zod';

/** Edit distance (insert, delete, substitute) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitute, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate nearest to `word`, if it is near enough to be a plausible typo: two edits, or a
 * third of a longer word ('alfa' → 'alpha', 'trails' → 'trials'); one edit for words of up to
 * three letters, which two edits turn into almost anything.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `'x' — did you mean 'y'?` when a near candidate exists, else `'x'`. */
export function withSuggestion(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? `'${word}' — did you mean '${suggestion}'?` : `'${word}'`;
}

/** Message for keys a strict mapping does not know, given the keys it does. */
export function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const listed = keys.map((key) => withSuggestion(key, known));
  return keys.length === 1
    ? `unknown key ${listed[0]}`
    : `unknown keys ${listed.join(', ')} (known keys: ${known.join(', ')})`;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** The value as the user wrote it (after `${VAR}` substitution), short. */
function shown(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  const text = typeof input === 'string' ? `'${input}'` : String(input);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function bound(
  origin: string,
  limit: unknown,
  inclusive: boolean | undefined,
  side: 'min' | 'max',
): string {
  if (origin === 'array')
    return `${side === 'min' ? 'at least' : 'at most'} ${String(limit)} item(s)`;
  if (origin === 'string')
    return side === 'min' ? 'a non-empty string' : `at most ${String(limit)} characters`;
  const op = side === 'min' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `a number ${op} ${String(limit)}`;
}

/**
 * Zod error map for a whole parse: says what was expected and what was found. Returns undefined to
 * keep a message a schema set itself (custom refinements, unknown keys).
 */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${shown(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return issue.input === undefined ? `required: ${expected}` : `${expected}, ${got}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map(shown).join(' or ')}, ${got}`;
    case 'invalid_union': {
      // A discriminated union reports at the discriminator's path but carries the whole mapping.
      if (!('discriminator' in issue) || typeof issue.discriminator !== 'string') return undefined;
      const input = issue.input as Record<string, unknown> | undefined;
      const found = input?.[issue.discriminator];
      const options = (issue.options as unknown[]).map(shown).join(' or ');
      return found === undefined
        ? `required: expected ${options}`
        : `expected ${options}, got ${shown(found)}`;
    }
    case 'too_small':
      return `expected ${bound(issue.origin, issue.minimum, issue.inclusive, 'min')}, ${got}`;
    case 'too_big':
      return `expected ${bound(issue.origin, issue.maximum, issue.inclusive, 'max')}, ${got}`;
    case 'invalid_format':
      return issue.format === 'url' ? `expected an http(s) URL, ${got}` : undefined;
    default:
      return undefined;
  }
}
