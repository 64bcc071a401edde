/**
 * The last lines of a process's output, for error messages: a service's log file or a command's
 * stderr. A failure a user cannot see the cause of is a failure they cannot fix.
 */
import { open } from 'node:fs/promises';

/** How much of a log to read for its tail: enough for dozens of lines, bounded for huge logs. */
const TAIL_BYTES = 64 * 1024;

/** The last `count` lines of `text`, trailing blank lines ignored. */
export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-count).join('\n');
}

/**
 * The last `count` lines a file received since byte `from` (where this run's output starts, so
 * an appended log does not show an earlier run's lines). A missing file reads as empty.
 */
export async function readLogTail(file: string, count: number, from = 0): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(from, size - TAIL_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    await handle.read(buffer, 0, buffer.length, start);
    return lastLines(buffer.toString('utf8'), count);
  } finally {
    await handle.close();
  }
}

/** `message`, then the tail under a heading; the message alone when there is no output. */
export function withTail(message: string, heading: string, tail: string): string {
  return tail === '' ? `${message} (${heading}: empty)` : `${message}\n--- ${heading} ---\n${tail}`;
}

/** Keeps the last `maxBytes` (about) of a stream's text, so a chatty process cannot exhaust memory. */
export class TailBuffer {
  private chunks: string[] = [];
  private length = 0;
  /** True once text was dropped from the front. */
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    while (this.length > this.maxBytes && this.chunks.length > 1) {
      this.length -= this.chunks.shift()?.length ?? 0;
      this.truncated = true;
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}
