// The committed bundles build the dashboard: the CLI copied where no node_modules lie (the site's
// files must be inside it), and the action as a runner starts it, reading a real data branch.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROOT, runAction } from '../helpers/actionRunner.js';
import { seedHistory } from '../helpers/storedHistory.js';
import { makeRemote, type Remote } from '../store/repos.js';
import { writeHistory } from '../dashboard/history.js';

const exec = promisify(execFile);
const UPLOT = createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-dashboard-dist-'));
});

it('dist/cli.js carries the site with it', async () => {
  await copyFile(join(ROOT, 'dist/cli.js'), join(dir, 'cli.js'));
  await writeHistory(join(dir, 'history'));
  const { stdout, stderr } = await exec(
    process.execPath,
    ['cli.js', 'dashboard', '--store', 'history', '--out', 'site'],
    { cwd: dir, env: { PATH: process.env.PATH } },
  );
  expect(stdout).toMatch(/^dashboard of main: 38 runs, 10 charts/);
  expect(stderr).toMatch(/^note: .*corrupt-000000\.json/);
  expect(await readFile(join(dir, 'site/assets/uPlot.iife.min.js'), 'utf8')).toBe(
    await readFile(UPLOT, 'utf8'),
  );
  expect(await readFile(join(dir, 'site/assets/dashboard.js'), 'utf8')).toBe(
    await readFile(join(ROOT, 'src/dashboard/site/dashboard.js'), 'utf8'),
  );
});

let remote: Remote;
afterEach(() => remote?.cleanup());

it('dist/index.js in mode dashboard builds the site from the data branch', async () => {
  remote = await makeRemote();
  await seedHistory(remote.bare, { count: 30 });
  const workspace = await remote.clone('job');
  const run = await runAction({
    inputs: { mode: 'dashboard', 'site-path': 'pages' },
    event: { name: 'workflow_run', payload: { repository: { default_branch: 'main' } } },
    workspace,
  });
  expect(run.code).toBe(0);
  expect(run.outputs.verdict).toBe('built');
  expect(run.summary).toContain('30 runs of main, 5 charts');
  expect((await readdir(join(workspace, 'pages'))).sort()).toEqual([
    'assets',
    'data.js',
    'index.html',
  ]);
  expect(await readFile(join(workspace, 'pages/data.js'), 'utf8')).toContain(
    '"repoUrl":"https://github.com/octo-org/octo-repo"',
  );
});
