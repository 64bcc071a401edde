// The README's examples are run as written (against the committed bundle), so they stay true.
// The measuring example and the lines that read its results are run by test/cli/run.test.ts,
// in-process, as written: it takes about 20 s, and once is enough.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { README_COMMANDS, README_RUN, ROOT, usesReadmeRun } from './helpers/readme.js';

const exec = promisify(execFile);

const commands = README_COMMANDS.filter((line) => !usesReadmeRun(line));

describe('README examples', () => {
  it('has examples to run, one of them measuring', () => {
    expect(README_COMMANDS.length).toBeGreaterThanOrEqual(3);
    expect(README_RUN.line).toBeDefined();
    expect(commands.length).toBeGreaterThanOrEqual(1);
  });

  it.each(commands)(
    '%s',
    async (command) => {
      const result = await exec('/bin/sh', ['-c', command], { cwd: ROOT }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          stdout: error.stdout,
          stderr: error.stderr,
        }),
      );
      // 1 is "a metric regressed", which the examples are built to show; 2 and 3 are failures.
      expect([0, 1], JSON.stringify(result)).toContain(result.code);
      expect(result.stdout.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
