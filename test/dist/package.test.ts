// The npm package as a user installs it: `npm pack` of this checkout, installed with --offline
// into a fresh project that has nothing else of perfgate (no network: the bundle carries its
// code, so the package declares no dependency to download), then its `perfgate` bin run.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/actionRunner.js';

const exec = promisify(execFile);

describe('the npm package', () => {
  it('installs offline into an empty project, and its bin runs', async () => {
    const packed = await mkdtemp(join(tmpdir(), 'perfgate-pack-'));
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', packed], {
      cwd: ROOT,
    });
    const [tarball] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = tarball!.files.map((f) => f.path);
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    // Not the action's bundle, the sources or the tests: the CLI is the package.
    expect(files.filter((f) => /^(src|test|dist\/index\.js)/.test(f))).toEqual([]);

    const project = await mkdtemp(join(tmpdir(), 'perfgate-user-'));
    await writeFile(join(project, 'package.json'), '{ "name": "a-python-service", "private": true }\n');
    await exec(
      'npm',
      ['install', '--save-dev', '--offline', '--no-audit', '--no-fund', join(packed, tarball!.filename)],
      { cwd: project },
    );
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/perfgate/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    const help = await exec('npx', ['--no-install', 'perfgate', '--help'], { cwd: project });
    expect(help.stdout).toMatch(/^usage: perfgate <command>/);
  }, 120_000);
});
