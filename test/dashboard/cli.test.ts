// `perfgate dashboard` in-process: from a folder store with a corrupt file, from a real data
// branch behind a bare origin, and bad input refused with exit 2. The action's mode too.
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionInputs } from '../../src/action/inputs.js';
import { MODES_BY_NAME } from '../../src/action/modes.js';
import { parseEventContext } from '../../src/github/context.js';
import type { DashboardData } from '../../src/dashboard/data.js';
import { folderStore } from '../../src/store/folderStore.js';
import { runCli } from '../helpers/cli.js';
import { seedHistory } from '../helpers/storedHistory.js';
import { makeRemote, type Remote } from '../store/repos.js';
import { writeHistory } from './history.js';

/** The data a built site carries, read back as the page reads it. */
async function siteData(site: string): Promise<DashboardData> {
  const script = await readFile(join(site, 'data.js'), 'utf8');
  const globals: Record<string, unknown> = {};
  new Function('globalThis', script)(globals);
  return globals.PERFGATE_DASHBOARD as DashboardData;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-dashboard-'));
});

describe('perfgate dashboard --store', () => {
  it('builds the site, skipping a corrupt file with a note in the log and on the page', async () => {
    await writeHistory(join(dir, 'history'));
    const run = await runCli(['dashboard', '--store', 'history', '--out', 'site'], dir, {
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'octo/repo',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `dashboard of main: 38 runs, 10 charts → ${join(dir, 'site', 'index.html')}\n`,
    );
    expect(run.stderr).toMatch(
      /^note: .*20261005T020000Z-corrupt-000000\.json: invalid JSON.*\(skipped\)\n$/,
    );
    expect((await readdir(join(dir, 'site'))).sort()).toEqual(['assets', 'data.js', 'index.html']);
    expect((await readdir(join(dir, 'site', 'assets'))).sort()).toEqual([
      'dashboard.css',
      'dashboard.js',
      'uPlot.iife.min.js',
      'uPlot.min.css',
    ]);
    // uPlot itself, not a link to a CDN.
    expect(await readFile(join(dir, 'site/assets/uPlot.iife.min.js'), 'utf8')).toMatch(/uPlot/);
    expect(await readFile(join(dir, 'site/index.html'), 'utf8')).not.toMatch(/https?:\/\//);
    const data = await siteData(join(dir, 'site'));
    expect(data.repoUrl).toBe('https://github.example/octo/repo');
    expect(data.notes).toEqual([expect.stringContaining('corrupt-000000.json')]);
  });

  it('builds a page for an empty history, and refuses a store folder that does not exist', async () => {
    const missing = await runCli(['dashboard', '--store', 'none', '--out', 'site'], dir);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--store: .*none does not exist/),
    });
    await mkdir(join(dir, 'none'));
    const run = await runCli(
      ['dashboard', '--store', 'none', '--out', 'site', '--branch', 'dev'],
      dir,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^dashboard of dev: 0 runs, 0 charts/);
    expect(await siteData(join(dir, 'site'))).toMatchObject({
      branch: 'dev',
      series: [],
      notes: [],
    });
  });

  it('never writes through a link in --out, and refuses an --out that is a regular file (exit 2)', async () => {
    await mkdir(join(dir, 'empty'));
    await mkdir(join(dir, 'linked'));
    await writeFile(join(dir, 'victim.txt'), 'keep me\n');
    await symlink('../victim.txt', join(dir, 'linked', 'index.html'));
    const through = await runCli(['dashboard', '--store', 'empty', '--out', 'linked'], dir);
    expect(through.code).toBe(2);
    expect(through.stderr).toMatch(/--out: .*index\.html is a symbolic link, not a regular file/);
    expect(await readFile(join(dir, 'victim.txt'), 'utf8')).toBe('keep me\n');
    await writeFile(join(dir, 'a-file'), 'x');
    const onFile = await runCli(['dashboard', '--store', 'empty', '--out', 'a-file'], dir);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/--out: .*a-file, which is a file, not a folder/);
    expect(onFile.stderr).not.toMatch(/EEXIST|\s{4}at /);
  });

  it('refuses a missing or doubled history and a repository URL that is not a web address', async () => {
    const neither = await runCli(['dashboard', '--out', 'site'], dir);
    expect(neither).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--store DIR or --data-branch'),
    });
    const both = await runCli(['dashboard', '--store', 'h', '--data-branch', 'perfgate-data'], dir);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('--data-branch') });
    await mkdir(join(dir, 'h'));
    const script = await runCli(
      ['dashboard', '--store', 'h', '--repo-url', 'javascript:alert(1)'],
      dir,
    );
    expect(script).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--repo-url: expected an http(s) URL'),
    });
    await writeFile(join(dir, 'file'), 'not a folder');
    const notAFolder = await runCli(['dashboard', '--store', 'file'], dir);
    expect(notAFolder).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--store: is a regular file, not a folder'),
    });
    const noCheckout = await runCli(
      ['dashboard', '--data-branch', 'perfgate-data', '--repo-dir', tmpdir()],
      dir,
    );
    expect(noCheckout).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--repo-dir: .* is not inside a git checkout/),
    });
  });
});

describe('perfgate dashboard --data-branch', () => {
  let remote: Remote;
  beforeEach(async () => {
    remote = await makeRemote();
  });
  afterEach(() => remote.cleanup());

  it('reads the data branch of the checkout’s origin', async () => {
    await seedHistory(remote.bare, { count: 12, branches: ['main', 'dev'] });
    const checkout = await remote.clone('user');
    const run = await runCli(
      [
        'dashboard',
        '--data-branch',
        'perfgate-data',
        '--branch',
        'main',
        '--out',
        join(dir, 'site'),
      ],
      checkout,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const data = await siteData(join(dir, 'site'));
    // seedHistory's round robin gives main the even results and every other odd one: 6 + 3 of
    // the 12; dev's 3 are not shown.
    expect(data.runs.time).toHaveLength(9);
    expect(data.series.map((s) => s.key).sort()).toEqual([
      'api/latency_p50',
      'api/latency_p95',
      'api/latency_p99',
      'api/throughput',
      'db/query_ms',
    ]);
  });
});

describe('action mode dashboard', () => {
  it('writes the site to site-path and reports what it drew', async () => {
    await writeHistory(join(dir, 'history'));
    const inputs = {
      mode: 'dashboard',
      config: 'perfgate.yml',
      dataBranch: 'perfgate-data',
      baselineWindow: 20,
      policy: {},
      failOnRegression: true,
      comment: 'always',
      commentAuthor: 'github-actions[bot]',
      resultsPath: 'out/results.json',
      reportPath: 'out/report.md',
      sitePath: 'out/site',
      name: 'perfgate',
    } satisfies ActionInputs;
    const env = {
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_REPOSITORY: 'octo/repo',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: 'a'.repeat(40),
    };
    const result = await MODES_BY_NAME.dashboard({
      inputs,
      context: parseEventContext(env, { repository: { default_branch: 'main' } }),
      workspace: dir,
      env,
      store: folderStore(join(dir, 'history')),
    });
    expect(result).toMatchObject({ verdict: 'built', failures: [] });
    expect(result.markdown).toContain(
      '38 runs of main, 10 charts (1 with change points), 2 environments',
    );
    expect(result.notes).toEqual([expect.stringContaining('corrupt-000000.json')]);
    const data = await siteData(join(dir, 'out/site'));
    expect(data.repoUrl).toBe('https://github.com/octo/repo');
  });
});
