/**
 * One side of a comparison (the CLI's BASE, HEAD, RESULTS, BEFORE or AFTER argument) as perfgate
 * results: a results file, a folder of files, or a comma-separated list of files, in any one of
 * the accepted input formats. Several BMF or github-action-benchmark files are trials of one run
 * and are pooled: each file's samples are added to the matching suite/variant/metric. Several
 * perfgate results files are separate runs (loadRuns): trials of different runs are not
 * exchangeable, so a comparison of them is run by run (compare/runLevel.ts).
 * `spec#variant` keeps one variant of a run (see results/variant.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { bmfToResults, parseBmf } from './bmf.js';
import { detectFormat, type InputFormat } from './detect.js';
import { gabToResults, parseGab, type GabOptions } from './githubActionBenchmark.js';
import { readJsonFile } from '../json.js';
import { parseResults } from '../results/read.js';
import { poolResults } from '../results/pool.js';
import type { Results } from '../results/schema.js';
import { selectVariant, splitVariant } from '../results/variant.js';

export interface LoadOptions extends GabOptions {
  /** Time stamp for formats that carry none (BMF, github-action-benchmark). */
  clock?: () => Date;
  /** Folder relative paths in `spec` are resolved against; each entry of a list separately. */
  cwd?: string;
}

type Importer = (json: unknown, file: string, createdAt: string, options: LoadOptions) => Results;

const IMPORTERS: Record<InputFormat, Importer> = {
  perfgate: (json, file) => parseResults(json, file),
  bmf: (json, file, createdAt) => bmfToResults(parseBmf(json, file), createdAt),
  'github-action-benchmark': (json, file, createdAt, options) =>
    gabToResults(parseGab(json, file), createdAt, options),
};

/** One side as the runs it holds: one per perfgate results file, one for all trial files. */
export async function loadRuns(spec: string, options: LoadOptions = {}): Promise<Results[]> {
  const [filesSpec, variant] = splitVariant(spec);
  const runs = await loadFiles(filesSpec, options);
  return variant === undefined ? runs : runs.map((run) => selectVariant(run, variant, spec));
}

async function loadFiles(spec: string, options: LoadOptions): Promise<Results[]> {
  const files = await resolveFiles(spec, options.cwd ?? process.cwd());
  const inputs = await Promise.all(
    files.map(async (file) => {
      const json = await readJsonFile(file);
      return { file, json, format: detectFormat(json, file) };
    }),
  );
  const format = commonFormat(inputs, spec);
  const createdAt = (options.clock ?? (() => new Date()))().toISOString();
  const loaded = inputs.map(({ file, json }) => IMPORTERS[format](json, file, createdAt, options));
  if (format === 'perfgate') return loaded.map((run) => ({ ...run, source: format }));
  return [{ ...poolResults(loaded, spec), source: format }];
}

/** A file or folder path is taken as it is, so only a path that does not exist is split at commas. */
async function resolveFiles(spec: string, cwd: string): Promise<string[]> {
  const path = resolve(cwd, spec);
  const stats = await stat(path).catch(() => undefined);
  if (stats?.isDirectory()) return listJsonFiles(path);
  if (stats || !spec.includes(',')) return [path];
  const files = spec
    .split(',')
    .map((file) => file.trim())
    .filter(Boolean)
    .map((file) => resolve(cwd, file));
  if (files.length === 0) throw new InputError('no file named in this list', { file: spec });
  return files;
}

async function listJsonFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.json'))
    .map((entry) => entry.name)
    // Code-unit order, not locale order: the trial order must not depend on the machine.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new InputError('folder has no *.json files', { file: folder });
  return names.map((name) => join(folder, name));
}

function commonFormat(inputs: { file: string; format: InputFormat }[], spec: string): InputFormat {
  const formats = new Set(inputs.map((input) => input.format));
  const [format] = formats;
  if (format === undefined) throw new InputError('no input files', { file: spec });
  if (formats.size > 1) {
    const which = inputs.map(({ file, format }) => `${file} is ${format}`).join(', ');
    throw new InputError(`mixes input formats (${which}); use one format per side`, { file: spec });
  }
  return format;
}
