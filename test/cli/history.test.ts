// `perfgate record` and `perfgate check --baseline history` with a folder store, against the example service
// (examples/service/server.mjs) that the runner starts on 127.0.0.1. The "code change" between
// runs is the service's DELAY_MS, set in the environment the CLI is given and the service
// inherits, so the config (and its hash) stays the same, as it does across commits.
import { readdir } from 'node:fs/promises';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { exampleServiceConfig } from '../helpers/exampleConfig.js';
import { git, newRepo } from '../helpers/gitRepo.js';

let dir: string;
let config: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-history-'));
  const port = await freePort();
  config = join(dir, 'perfgate.yml');
  await writeFile(
    config,
    exampleServiceConfig(port, { trials: 6, warmupSeconds: 0.2, durationSeconds: 0.4 }),
  );
});

const store = () => join(dir, 'history');
/** `env` is all the service gets (its PATH falls back to one with this Node). */
const cli = (command: string, env: NodeJS.ProcessEnv, ...extra: string[]) =>
  runCli(
    [command, '--config', config, '--store', store(), '--branch', 'main', ...extra],
    process.cwd(),
    env,
  );

describe('perfgate record and check', () => {
  it('passes with a note when there is no baseline yet', async () => {
    const check = await cli('check', {});
    expect(check.code).toBe(0);
    // Which branch was read, and what to do, in the command line's words.
    expect(check.stdout).toMatch(
      /note: no baseline among the stored runs of main: nothing is stored yet\n/,
    );
    expect(check.stdout).toContain('run `perfgate record --store DIR` on the default branch');
    expect(check.stdout).not.toContain('mode record');
  });

  it('records into the store; a history check of too few stored runs reports without failing', async () => {
    const fast = { DELAY_MS: '1' };
    expect((await cli('record', fast)).code).toBe(0);
    expect((await cli('record', fast)).code).toBe(0);
    const files = await readdir(join(store(), 'main'), { recursive: true });
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);

    // 4x slower, but two stored runs say nothing about how much runs differ from each other:
    // the check shows the change and says how many runs it needs before it can fail a build.
    const slower = await cli('check', { DELAY_MS: '4' }, '--baseline', 'history');
    expect(slower.stdout).toMatch(/baseline: main: 2 stored runs \(.*\), compared run by run/);
    expect(slower.stdout).not.toMatch(/run\(s\)|note: baseline:/);
    expect(slower.stdout).toMatch(/nothing was tested: 2 stored runs .* at least 5/);
    expect(slower.stdout).toMatch(/api latency_p50 .* insufficient/);
    expect(slower.code).toBe(0);
  }, 120_000);

  it('exits 2 on a bad --window before measuring anything', async () => {
    const check = await cli('check', {}, '--window', '1.5');
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/--window: expected a whole number/);
  });

  it('exits 2 naming --branch for a branch that is a path, before measuring anything', async () => {
    const record = await runCli(
      ['record', '--config', config, '--store', store(), '--branch', '../../etc'],
      process.cwd(),
    );
    expect(record.code).toBe(2);
    expect(record.stderr).toMatch(
      /--branch: cannot store results for branch "..\/..\/etc": expected a git branch name/,
    );
    expect(record.stderr).not.toMatch(/trial/);
  });
});

describe('perfgate check on a feature branch', () => {
  // A real repository on main with a deterministic command benchmark: `record` on main stores
  // for main, and `check` on a feature branch, with no --branch, reads main's runs and says so.
  it("compares with the default branch's stored runs, not the feature branch's (none)", async () => {
    const repo = await newRepo({
      'bench.mjs': `console.log(JSON.stringify({ work: { latency: { value: 10 + Number(process.env.PERFGATE_TRIAL) / 100, unit: 'ms' } } }));\n`,
      'perfgate.yml':
        'version: 1\ntrials: 6\nwarmupSeconds: 0\nsuites:\n  - { name: work, kind: command, command: node bench.mjs }\n',
    });
    const history = join(repo, '..', 'history');
    const args = ['--config', 'perfgate.yml', '--store', history];
    const env = { PATH: process.env.PATH };
    const record = await runCli(['record', ...args], repo, env);
    expect(record.stdout).toMatch(/recorded for main: /);
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    const check = await runCli(['check', ...args, '--baseline', 'history'], repo, env);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^baseline: main: 1 stored run \(/m);
  }, 60_000);

  it('refuses, before measuring, an option that this use of check does not read', async () => {
    const runsOn = await cli('check', {}, '--runs-on', 'gpu');
    expect(runsOn.code).toBe(2);
    expect(runsOn.stderr).toMatch(/--runs-on: is read only with --shard/);
    const format = await cli('check', {}, '--shard', '1/2', '--format', 'json');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format: is not read with --shard/);
    const positional = await cli('check', {}, 'main');
    expect(positional.code).toBe(2);
    expect(positional.stderr).toMatch(/takes no arguments, got "main"/);
    for (const run of [runsOn, format, positional]) expect(run.stderr).not.toMatch(/trial/);
  });
});
