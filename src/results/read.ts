/** Reading and writing perfgate results files (format v1, see schema.ts and docs/results-format.md). */
import { writeJsonAtomic } from '../files.js';
import { readJsonFile, validate } from '../json.js';
import { ResultsSchema, type Results } from './schema.js';

/** Validate a parsed perfgate results file. */
export function parseResults(json: unknown, file: string): Results {
  return validate(ResultsSchema, json, file);
}

export async function readResultsFile(path: string): Promise<Results> {
  return parseResults(await readJsonFile(path), path);
}

/**
 * Validate, then write atomically (see writeJsonAtomic). `option` is the command-line option
 * that named `path` (`--out`), for the message when the path cannot be written.
 */
export async function writeResultsFile(
  path: string,
  results: Results,
  option?: string,
): Promise<void> {
  await writeJsonAtomic(path, validate(ResultsSchema, results, path), option);
}
