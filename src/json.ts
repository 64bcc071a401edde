/**
 * JSON as perfgate reads it, for every layer (the config's JSON form, results files, the
 * importers of other formats): parse errors say where (line, column) and never quote the bytes;
 * schema errors name the file, the JSON path and what was expected, because the person who has
 * to fix the file should not need to read our code to do it.
 */
import type { z } from 'zod';
import { InputError } from './errors.js';
import { readRegularFile } from './files.js';
import { describeIssue } from './schemaIssue.js';

/** More issues than this drown the first one, which is usually the cause of the rest. */
const MAX_ISSUES = 5;

/** Read and parse a JSON file; unreadable files and bad JSON become InputErrors naming it. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJson(await readRegularFile(path), path);
}

export function parseJson(text: string, file: string): unknown {
  // Editors on Windows may prepend a byte-order mark, which JSON.parse rejects.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch (error) {
    // V8 quotes the first bytes of the text ("root:x:0:0"...): a line and column say where, and
    // an error message never repeats what a file it should not have been given holds.
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /, ".*" is not valid JSON$|, ".*"\.\.\. is not valid JSON$/s,
      '',
    );
    throw new InputError(`invalid JSON${jsonErrorLocation(reason, json)}: ${reason}`, { file });
  }
}

/**
 * Validate `json` with `schema`, or throw an InputError whose `field` is the path of the first
 * issue and whose message lists up to MAX_ISSUES issues, each with what was expected and found.
 */
export function validate<T>(schema: z.ZodType<T>, json: unknown, file: string): T {
  const parsed = schema.safeParse(json, { error: describeIssue });
  if (parsed.success) return parsed.data;
  const [first, ...others] = parsed.error.issues.map((issue) => ({
    path: formatJsonPath(issue.path),
    problem: issue.message,
  }));
  // zod reports at least one issue on failure.
  if (!first) throw new InputError('invalid', { file });
  const shown = others.slice(0, MAX_ISSUES - 1).map((i) => `${i.path}: ${i.problem}`);
  const hidden = others.length - shown.length;
  const more = shown.length
    ? ` (also ${shown.join('; ')}${hidden ? `; and ${hidden} more` : ''})`
    : '';
  throw new InputError(`${first.problem}${more}`, { file, field: first.path });
}

/** `["suites", 2, "metrics"]` → `suites[2].metrics`; keys that are not identifiers are quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `${out}[${JSON.stringify(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
  return text || '(top level)';
}

/** Node 20 reports a character offset for some JSON errors; people need a line and column. */
function jsonErrorLocation(reason: string, text: string): string {
  const match = /at position (\d+)/.exec(reason);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const lines = before.split('\n');
  const column = (lines.at(-1) ?? '').length + 1;
  return ` at line ${lines.length}, column ${column}`;
}
