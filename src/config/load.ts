/**
 * Reading perfgate.yml (or .json: JSON is YAML): parse with positions, substitute `${VAR}`,
 * validate, resolve paths. Every failure is an InputError (exit 2) listing
 * `<file>:<line>:<col>: <field path>: <what was expected>`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { describeIssue } from './messages.js';
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
      (e) => `${file}:${formatPosition(lineCounter, e.pos[0])}: ${e.message}`,
    );
    throw new InputError(listed(lines));
  }

  const { value, missing } = substituteEnv(doc.toJS(), env);
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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the config: ${(error as Error).message}`, file);
  }
  return parseConfig(text, file, env);
}
