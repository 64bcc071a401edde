/**
 * Reading perfgate.yml (or .json: JSON is YAML): parse with positions, substitute `${VAR}`,
 * validate, resolve paths. Every failure is an InputError (exit 2) listing
 * `<file>:<line>:<col>: <field path>: <what was expected>`.
 */
import path from 'node:path';
import { LineCounter, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { describeIssue } from '../schemaIssue.js';
import { mapPaths } from './paths.js';
import { formatPosition, formatProblems, listed, type Problem } from './problems.js';
import { ConfigSchema, type Config } from './schema.js';
import { substituteEnv } from './substitute.js';

function fromZod(issue: z.core.$ZodIssue): Problem {
  const path = issue.path.filter((part) => typeof part !== 'symbol');
  // Point an unknown key's message at the key itself, not at the mapping holding it.
  return issue.code === 'unrecognized_keys'
    ? { path, message: issue.message, key: issue.keys[0] }
    : { path, message: issue.message };
}

/**
 * The document as plain values. Each alias is expanded where it is used, so a few lines of
 * aliases of aliases ("billion laughs") would expand into billions of nodes; yaml stops at
 * `maxAliasCount` and throws a ReferenceError, which is the config's fault, not ours.
 */
function toJS(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      /alias/i.test(reason)
        ? `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}, counting aliases inside aliases); a config needs only a few`
        : `cannot read the YAML: ${reason}`,
      { file },
    );
  }
}

/** yaml's own default; a real config uses a handful of aliases. */
const MAX_ALIAS_COUNT = 100;

/** yaml's message, with the key named where yaml only says "Map keys must be unique". */
function describeYamlError(error: YAMLError, doc: Document, lineCounter: LineCounter): string {
  if (error.code !== 'DUPLICATE_KEY') return error.message;
  const key = duplicateKeyAt(doc, error.pos[0], lineCounter);
  return key === undefined ? error.message : `duplicate key ${key}: ${error.message}`;
}

/** The scalar key that starts at `offset`, quoted, with the line of its first occurrence. */
function duplicateKeyAt(
  doc: Document,
  offset: number,
  lineCounter: LineCounter,
): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map(({ key }) => (isScalar(key) ? key : undefined));
      const duplicate = keys.find((key) => key?.range?.[0] === offset);
      if (!duplicate) return undefined;
      const first = keys.find((key) => key?.value === duplicate.value);
      const at = first?.range && first !== duplicate ? first.range[0] : undefined;
      const where = at === undefined ? '' : ` (first at line ${lineCounter.linePos(at).line})`;
      found = `${JSON.stringify(shortened(String(duplicate.value)))}${where}`;
      return visit.BREAK;
    },
  });
  return found;
}

/** A key long enough to flood the message is cut. */
function shortened(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Parse and validate config text; `file` names it in messages and anchors its relative paths. */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map(
      (e) =>
        `${file}:${formatPosition(lineCounter, e.pos[0])}: ${describeYamlError(e, doc, lineCounter)}`,
    );
    throw new InputError(listed(lines));
  }

  const { value, missing } = substituteEnv(toJS(doc, file), env);
  const fail = (problems: Problem[]) =>
    new InputError(formatProblems(file, problems, doc, lineCounter));
  if (missing.length > 0) {
    throw fail(
      missing.map(({ path, variable }) => ({
        path,
        message: `environment variable ${variable} is not set (give a default with \${${variable}:-value})`,
      })),
    );
  }

  const parsed = ConfigSchema.safeParse(value, { error: describeIssue });
  if (!parsed.success) throw fail(parsed.error.issues.map(fromZod));

  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  return mapPaths({ ...parsed.data, file: absolute }, (p) => path.resolve(dir, p));
}

/** Read and parse a config file; a missing or unreadable file is an InputError too. */
export async function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  // A FIFO or a device as --config would hang or never end: readRegularFile refuses them.
  return parseConfig(await readRegularFile(file), file, env);
}
