/**
 * Which input format a parsed JSON value is in. Detection looks only at the outer shape, and
 * loosely: a BMF file with a string where a number belongs is still BMF, so its validation can
 * name the exact path, instead of the user being told the file is in no format at all.
 */
import { InputError } from '../errors.js';

export const INPUT_FORMATS = ['perfgate', 'bmf', 'github-action-benchmark'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const ACCEPTED =
  'expected one of: a perfgate results file ({"schema": "perfgate/results@1", ...}), ' +
  'Bencher Metric Format ({"<benchmark>": {"<measure>": {"value": <number>}}}), ' +
  'or github-action-benchmark custom JSON ([{"name": ..., "unit": ..., "value": <number>}])';

export function detectFormat(json: unknown, file: string): InputFormat {
  if (isRecord(json)) {
    // Any perfgate schema tag, even another version, so the error can say which one we read.
    if (typeof json.schema === 'string' && json.schema.startsWith('perfgate/')) return 'perfgate';
    const benchmarks = Object.values(json);
    if (benchmarks.length > 0 && benchmarks.every(isRecord)) return 'bmf';
  }
  if (Array.isArray(json) && json.length > 0 && json.every(isRecord)) {
    return 'github-action-benchmark';
  }
  throw new InputError(`unrecognized format; ${ACCEPTED}`, { file });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
