// The README's example commands, shared by the test that runs them with the bundle
// (test/readme.test.ts) and the one that runs its measuring example in-process
// (test/cli/run.test.ts), so the example is measured once per test run.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Lines of ```sh blocks that call the bundled CLI. */
export const README_COMMANDS = [
  ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g),
]
  .flatMap((block) => (block[1] ?? '').split('\n'))
  .filter((line) => line.startsWith('node dist/cli.js '));

/** The CLI arguments of a README line, as the shell would split them (single quotes only). */
export function cliArgv(line: string): string[] {
  return [...line.slice('node dist/cli.js '.length).matchAll(/'([^']*)'|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
}

/** The README's `perfgate run` example and the file it writes (relative to ROOT). */
export const README_RUN = (() => {
  const line = README_COMMANDS.find((command) => command.startsWith('node dist/cli.js run '));
  const argv = cliArgv(line ?? '');
  return { line, argv, out: argv[argv.indexOf('--out') + 1] ?? '' };
})();

/** The README lines that measure, or read what the measuring one wrote. */
export const usesReadmeRun = (line: string) =>
  line === README_RUN.line || (README_RUN.out !== '' && line.includes(README_RUN.out));
