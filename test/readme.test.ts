// The README's examples are run as written (against the committed bundle), so they stay true.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/net.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

/** Lines of ```sh blocks that call the bundled CLI. */
const commands = [
  ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g),
]
  .flatMap((block) => (block[1] ?? '').split('\n'))
  .filter((line) => line.startsWith('node dist/cli.js '));

describe('README examples', () => {
  it('has examples to run', () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
  });

  it.each(commands)(
    '%s',
    async (command) => {
      const env = { ...process.env, EXAMPLE_PORT: String(await freePort()) };
      const result = await exec('/bin/sh', ['-c', command], { cwd: ROOT, env }).then(
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
