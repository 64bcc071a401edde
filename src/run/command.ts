/**
 * Command suites: one trial runs a shell command (GPU inference, a database benchmark, anything in
 * any language) that reports its numbers as Bencher Metric Format (BMF) JSON, on stdout or in a
 * file. The protocol is documented in docs/command-protocol.md.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { RunError } from '../errors.js';
import { BmfSchema, describeMeasure, type Bmf } from '../formats/bmf.js';
import { lastLines, TailBuffer, withTail } from './logTail.js';
import { awaitGroup, describeExit, spawnInGroup } from './processGroup.js';
import type { TrialMetric } from '../collect/types.js';

export interface CommandOptions {
  /** Run with `/bin/sh -c`. */
  command: string;
  cwd?: string;
  /** Its whole environment (see GroupSpawnOptions.env); PERFGATE_TRIAL and PERFGATE_OUTPUT are added. */
  env: NodeJS.ProcessEnv;
  /** Fractions allowed. */
  timeoutSeconds: number;
  /** Where the BMF JSON appears: on stdout, or in a file (relative to cwd) the command writes. */
  output: 'stdout' | { file: string };
  /**
   * Passed as PERFGATE_TRIAL: 1..N for the measured trials, 0 for the discarded warm-up run
   * (the runner's warm-up passes 0); default 1.
   */
  trial?: number;
}

export interface CommandTrialResult {
  metrics: TrialMetric[];
  notes: string[];
  durationMs: number;
}

/** Big enough for any BMF document, small enough that a chatty benchmark cannot exhaust memory. */
const STDOUT_BYTES = 8 * 1024 * 1024;
const STDERR_BYTES = 64 * 1024;
const STDERR_LINES = 20;

const PROTOCOL_HELP =
  'A command reports Bencher Metric Format JSON such as {"<benchmark>": {"<measure>": {"value": 12.5}}} ' +
  'as its last JSON line (or block) on stdout, or in the file named by $PERFGATE_OUTPUT; ' +
  'see docs/command-protocol.md.';

/** Runs one trial of a command suite and reads the metrics it reports. Failures are RunErrors. */
export async function runCommandTrial(
  options: CommandOptions,
  hooks: { signal?: AbortSignal } = {},
): Promise<CommandTrialResult> {
  const outputFile =
    options.output === 'stdout' ? undefined : path.resolve(options.cwd ?? '.', options.output.file);
  if (outputFile !== undefined) {
    // A file left by an earlier trial must not pass for this trial's output.
    await rm(outputFile, { force: true });
    await mkdir(path.dirname(outputFile), { recursive: true });
  }
  const started = performance.now();
  const stdout = await execute(options, outputFile, hooks.signal);
  const durationMs = performance.now() - started;
  const { bmf, notes } = outputFile === undefined ? findBmf(stdout) : await readBmfFile(outputFile);
  return { metrics: toMetrics(bmf), notes, durationMs };
}

/** Runs the command to its end and returns its stdout; a timeout, abort or failure throws. */
async function execute(
  options: CommandOptions,
  outputFile: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (signal?.aborted)
    throw new RunError(`command was aborted before it started: ${options.command}`);
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    PERFGATE_TRIAL: String(options.trial ?? 1),
  };
  if (outputFile !== undefined) env.PERFGATE_OUTPUT = outputFile;
  const child = await spawnInGroup(options.command, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = collect(child.stdout, STDOUT_BYTES);
  const stderr = collect(child.stderr, STDERR_BYTES);

  const end = await awaitGroup(child, { timeoutSeconds: options.timeoutSeconds, signal });
  const failure =
    end.stopped === 'timeout'
      ? `command timed out after ${options.timeoutSeconds}s`
      : end.stopped === 'abort'
        ? 'command was aborted'
        : end.code === 0
          ? undefined
          : `command exited ${describeExit(end)}`;
  if (failure !== undefined) {
    const tail = lastLines(stderr.text(), STDERR_LINES);
    throw new RunError(
      withTail(`${failure}: ${options.command}`, `last ${STDERR_LINES} lines of stderr`, tail),
    );
  }
  return stdout.text();
}

function collect(stream: NodeJS.ReadableStream | null, maxBytes: number): TailBuffer {
  const buffer = new TailBuffer(maxBytes);
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => buffer.push(chunk));
  return buffer;
}

/** The last BMF document on stdout, among whatever else the command logged there. */
function findBmf(stdout: string): { bmf: Bmf; notes: string[] } {
  const results = jsonObjectsFromEnd(stdout).map((value) => BmfSchema.safeParse(value));
  const found = results.flatMap((result) => (result.success ? [result.data] : []));
  const [last] = found;
  if (last === undefined) {
    const [firstFailure] = results;
    const why = firstFailure?.error
      ? `\nThe last JSON object on stdout is not BMF:\n${z.prettifyError(firstFailure.error)}`
      : '';
    throw new RunError(`command printed no BMF JSON on stdout. ${PROTOCOL_HELP}${why}`);
  }
  const notes =
    found.length > 1
      ? [`stdout held ${found.length} BMF documents; perfgate used the last one`]
      : [];
  return { bmf: last, notes };
}

/**
 * A line that can open a JSON object: `{`, then a key's `"` or the `}` of an empty object, or
 * nothing more on that line (JSON allows only these whitespace characters around them).
 */
const OPENS_OBJECT = /^[ \t\r]*\{[ \t\r]*(?:"|\}|$)/;

/**
 * The JSON objects on stdout, last first: a line that is an object on its own, or a block from a
 * line opening one to a line ending with `}` (pretty-printed JSON).
 */
function jsonObjectsFromEnd(stdout: string): object[] {
  const lines = stdout.split('\n');
  // Where each line starts in stdout: a block is sliced from stdout, not joined from its lines.
  const offsets: number[] = [];
  const openers: number[] = [];
  let offset = 0;
  for (const [index, line] of lines.entries()) {
    offsets.push(offset);
    offset += line.length + 1;
    if (OPENS_OBJECT.test(line)) openers.push(index);
  }
  const objects: object[] = [];
  let end = lines.length - 1;
  while (end >= 0) {
    const block = objectEndingAt({ stdout, lines, offsets, openers }, end);
    if (block === undefined) {
      end -= 1;
    } else {
      objects.push(block.value);
      end = block.start - 1; // lines inside a block are not objects of their own
    }
  }
  return objects;
}

/**
 * Bounds on the backward search from a line ending in `}` for the line that opens its object:
 * without them, stdout with many lines that look like objects but are not JSON costs time
 * quadratic in its lines. A block longer than MAX_BLOCK_LINES lines, or one ending more than
 * MAX_PARSE_ATTEMPTS opening lines after its own (only arrays of objects have such lines), is
 * not found; BMF has neither.
 */
const MAX_BLOCK_LINES = 2000;
const MAX_PARSE_ATTEMPTS = 20;

interface Stdout {
  stdout: string;
  lines: readonly string[];
  /** Where each line starts in stdout. */
  offsets: readonly number[];
  /** The lines that match OPENS_OBJECT, ascending. */
  openers: readonly number[];
}

/** The shortest JSON object that ends on line `end` (within the bounds), and its first line. */
function objectEndingAt(
  { stdout, lines, offsets, openers }: Stdout,
  end: number,
): { start: number; value: object } | undefined {
  const last = lines[end];
  if (last === undefined || !last.trimEnd().endsWith('}')) return undefined;
  const blockEnd = (offsets[end] ?? 0) + last.length;
  const first = end - MAX_BLOCK_LINES + 1;
  // The last opening line at or before `end`, by binary search.
  let low = 0;
  let high = openers.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((openers[middle] ?? 0) <= end) low = middle + 1;
    else high = middle;
  }
  for (let i = low - 1; i >= 0 && i >= low - MAX_PARSE_ATTEMPTS; i -= 1) {
    const start = openers[i] ?? 0;
    if (start < first) break;
    const value = parseObject(stdout.slice(offsets[start], blockEnd));
    if (value !== undefined) return { start, value };
  }
  return undefined;
}

function parseObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readBmfFile(file: string): Promise<{ bmf: Bmf; notes: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RunError(
      `command succeeded but did not write its output file ${file}. ${PROTOCOL_HELP}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunError(`${file} is not JSON (${(error as Error).message}). ${PROTOCOL_HELP}`);
  }
  const result = BmfSchema.safeParse(value);
  if (!result.success)
    throw new RunError(`${file} is not BMF:\n${z.prettifyError(result.error)}\n${PROTOCOL_HELP}`);
  return { bmf: result.data, notes: [] };
}

/**
 * Metric names are `<benchmark>.<measure>`, or just `<measure>` when there is one benchmark.
 * Unit and direction as for any BMF input (src/formats/bmf.ts).
 */
function toMetrics(bmf: Bmf): TrialMetric[] {
  const benchmarks = Object.entries(bmf);
  return benchmarks.flatMap(([benchmark, measures]) =>
    Object.entries(measures).map(([slug, measure]) => ({
      name: benchmarks.length === 1 ? slug : `${benchmark}.${slug}`,
      ...describeMeasure(slug, measure),
      value: measure.value,
    })),
  );
}
