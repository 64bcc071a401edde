/**
 * Wording of schema problems, for the config and for JSON inputs (results files, BMF,
 * github-action-benchmark) alike: "what was expected, what was found", in the user's terms
 * (mappings and lists, not zod's object and array).
 */
import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * The value as the user wrote it (after `${VAR}` substitution in a config), short. A string is
 * quoted as JSON quotes it: a newline or an escape sequence in a file (a fork's results, say)
 * stays a visible escape on one line of the message.
 */
function shown(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  const text = typeof input === 'string' ? JSON.stringify(input) : String(input);
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
