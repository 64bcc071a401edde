// `perfgate run --out` and `perfgate sweep --out` write a regular file, or stdout for `-`, and
// refuse, before measuring, anything they would otherwise replace: the rename that makes the
// write atomic would swap a symlink, a FIFO or a device (/dev/full, as root) for a plain file.
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseResults } from '../../src/results/read.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let config: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-out-'));
  config = join(dir, 'perfgate.yml');
  await writeFile(join(dir, 'bmf.json'), '{"bench": {"latency": {"value": 1.5, "unit": "ms"}}}');
  // A command suite that prints the same BMF each trial: measuring takes milliseconds.
  await writeFile(
    config,
    [
      'version: 1',
      'trials: 2',
      'warmupSeconds: 0',
      'suites:',
      '  - { name: bench, kind: command, command: cat bmf.json }',
      'sweep:',
      '  knobs: { BATCH: [1, 2] }',
      '  objective: { minimize: bench/latency }',
      '',
    ].join('\n'),
  );
});

const run = (out: string) => runCli(['run', '--config', config, '--out', out], dir);

/** The refusal is input's fault (exit 2), names the option and the path, and has no stack. */
function expectRefused(result: Awaited<ReturnType<typeof run>>, path: string, why: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`perfgate run: --out: ${path} `);
  expect(result.stderr).toMatch(why);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  // Refused before measuring: no trial ran, so no progress was printed.
  expect(result.stderr).not.toMatch(/trial/);
}

describe('perfgate run --out', () => {
  it('writes a regular file, replacing an old one', async () => {
    const out = join(dir, 'results.json');
    await writeFile(out, 'old');
    const result = await run(out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('results written to results.json');
    const results = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(results.suites[0]?.metrics[0]?.samples).toEqual([1.5, 1.5]);
  });

  it('prints the results JSON on stdout for -, and the table on stderr', async () => {
    const result = await run('-');
    expect(result.code).toBe(0);
    const results = parseResults(JSON.parse(result.stdout), 'stdout');
    expect(results.suites[0]?.name).toBe('bench');
    expect(result.stderr).toMatch(/bench\s+latency\s+1\.50 ms/);
  });

  it('refuses a symbolic link and leaves it, and its target, alone', async () => {
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    await writeFile(target, 'kept');
    await symlink(target, link);
    expectRefused(await run(link), link, /is a symbolic link, not a regular file/);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('kept');
  });

  it('refuses a FIFO and leaves it a FIFO', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expectRefused(await run(fifo), fifo, /is a FIFO, not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a folder', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    expectRefused(await run(folder), folder, /is a folder, expected a file/);
  });

  it('refuses a path below a regular file, naming the file', async () => {
    const file = join(dir, 'plain.txt');
    await writeFile(file, '');
    const below = join(file, 'sub', 'results.json');
    expectRefused(await run(below), below, new RegExp(`lies below ${file}, which is a file`));
  });

  // Only root can replace /dev/full; anyone else fails at the rename, which proves nothing.
  it.runIf(process.getuid?.() === 0)(
    'refuses a device as root and leaves it a device',
    async () => {
      expectRefused(await run('/dev/full'), '/dev/full', /is a device, not a regular file/);
      expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    },
  );
});

describe('perfgate sweep --out', () => {
  it('refuses - and a symbolic link before measuring anything', async () => {
    const dash = await runCli(['sweep', '--config', config, '--out', '-'], dir);
    expect(dash.code).toBe(2);
    expect(dash.stderr).toMatch(/--out: must name a file/);
    const link = join(dir, 'sweep.json');
    await symlink(join(dir, 'elsewhere.json'), link);
    const linked = await runCli(['sweep', '--config', config, '--out', link], dir);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain(`--out: ${link} is a symbolic link`);
    expect(await readlink(link)).toBe(join(dir, 'elsewhere.json'));
  });
});
