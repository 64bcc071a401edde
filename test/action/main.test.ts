// The action's run() in this process (test/helpers/actionRunner.ts runActionInProcess), as a runner
// would call it: INPUT_* variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a
// workspace whose `origin` is a local bare repository (the data branch lives there), and a local
// HTTP server that answers like GitHub's REST API (test/helpers/fakeGitHub.ts).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { gitStore } from '../../src/store/gitStore.js';
import { ROOT, runActionInProcess, type ActionRun } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { commit, git, workspaceWithOrigin } from '../helpers/gitRepo.js';
import { around } from '../helpers/results.js';

const event = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events', name), 'utf8')) as Record<
    string,
    any // eslint-disable-line @typescript-eslint/no-explicit-any
  >;

/** What a fork controls: a value that would plant workflow commands if it reached a line start. */
const HOSTILE =
  'x\n::error title=x::owned\n::add-mask::perfgate\n::set-output name=verdict::improvement\n::stop-commands::t\n##[error]legacy';

/** Lines the runner would execute as workflow commands, and which of them perfgate did not mean. */
function foreignCommands(run: ActionRun): string[] {
  const commands = run.stdout.split('\n').filter((line) => /^\s*(::|##\[)/.test(line));
  // perfgate's own: log groups, and annotations whose text @actions/core escaped (%0A, %3A).
  const ours = /^(::group::|::endgroup::$|::(warning|error|notice)( [^:]*)?::|::debug::)/;
  return commands.filter((line) => !ours.test(line));
}

let fake: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  fake = await startFakeGitHub();
  ({ workspace } = await workspaceWithOrigin('perfgate-main-'));
}, 60_000);

afterAll(() => fake.close());

const run = (latency: number[], environment: Results['environment']): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-11-28T09:00:00Z',
  commit: 'b1021e4'.padEnd(40, '0'),
  configHash: 'c'.repeat(64),
  environment,
  suites: [
    {
      name: 'api',
      metrics: [{ name: 'latency_p50', unit: 'ms', direction: 'lower', samples: latency }],
    },
  ],
});

const inputs = {
  'github-token': 'ghs_fake',
  'results-path': 'out/results.json',
  'report-path': 'out/report.md',
};

describe("report mode with a fork's results file", () => {
  it('never lets fork-controlled text start a workflow command in the job log', async () => {
    await gitStore({ repoDir: workspace, dataBranch: 'perfgate-data' }).append(
      run(around(10, 6), { cpuModel: 'AMD EPYC 7763' }),
      { branch: 'main' },
    );
    // The fork names its suite, metric and machine with the payload: the no-baseline note quotes
    // its environment, the table its names.
    const forked = run(around(10, 6), { cpuModel: HOSTILE, runner: HOSTILE });
    forked.suites[0]!.name = `api${HOSTILE}`;
    await mkdir(join(workspace, 'out'), { recursive: true });
    await writeFile(join(workspace, 'out/results.json'), JSON.stringify(forked));
    const pull = fake.addPull({ headSha: '9049f1265b7d61be4a8904a9a27120d2064dab3b' }).number;

    const result = await runActionInProcess({
      inputs: { ...inputs, mode: 'report' },
      event: { name: 'workflow_run', payload: event('workflow_run.json') },
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /note: no baseline among the stored runs of main: .*AMD EPYC 7763 but this run is on x\\x0a::error/,
    );
    expect(foreignCommands(result)).toEqual([]);
    expect(result.outputs.verdict).toBe('no-baseline');
    // The comment quotes it as text, on the pull request the SHA belongs to.
    const [comment] = fake.commentsOn(pull);
    expect(comment?.body).toMatch(/^<!-- perfgate:perfgate -->/);
    expect(comment?.body).not.toMatch(/^::/m);
  }, 60_000);
});

describe('pr mode with a hostile head config', () => {
  it('keeps the names and output the head controls out of the workflow commands', async () => {
    // The head's benchmark prints BMF whose names carry the payload, and its setup step prints
    // workflow commands itself: both reach the log only as text.
    const bench = `console.log(JSON.stringify({ ${JSON.stringify(`work${HOSTILE}`)}: { latency: { value: 10 + Math.random() / 10 } } }));\n`;
    const config = [
      'version: 1',
      'trials: 6',
      'warmupSeconds: 0',
      'setup:',
      `  - command: "printf '::add-mask::perfgate\\\\n##[error]x\\\\n'"`,
      'suites:',
      '  - { name: work, kind: command, command: node bench.mjs }',
      '',
    ].join('\n');
    const base = await commit(workspace, 'the benchmark', {
      'bench.mjs': bench,
      'perfgate.yml': config,
    });
    const head = await commit(workspace, 'docs', { 'README.md': 'docs\n' });
    const pull = fake.addPull({ headSha: head }).number;
    const payload = event('pull_request.json');
    payload.number = pull;
    payload.pull_request.number = pull;
    payload.pull_request.head.sha = head;
    payload.pull_request.base.sha = base;
    const result = await runActionInProcess({
      inputs: { ...inputs, mode: 'pr' },
      event: { name: 'pull_request', payload, ref: `refs/pull/${pull}/merge`, sha: head },
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(result.code, result.stdout).toBe(0);
    // The setup step ran (in both trees) and its lines were shown, disarmed.
    expect(result.stdout).toMatch(/^ {2}› ::add-mask::perfgate$/m);
    expect(foreignCommands(result)).toEqual([]);
    expect(result.outputs.verdict).toBe('unchanged');
    expect(fake.commentsOn(pull)[0]?.body).toMatch(/measured beside the head in this run/);
    expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('compare mode: comments and annotations', () => {
  /** Base and head results files with `regressed` of 15 metrics 30 % slower. */
  async function sides(regressed: number): Promise<{ base: string; head: string }> {
    const metrics = (slower: number) =>
      Array.from({ length: 15 }, (_, i) => ({
        name: `m${String(i).padStart(2, '0')}`,
        unit: 'ms',
        direction: 'lower' as const,
        samples: around(i < slower ? 13 : 10, 8),
      }));
    const file = async (name: string, slower: number) => {
      const path = join(workspace, 'out', name);
      await mkdir(join(workspace, 'out'), { recursive: true });
      await writeFile(
        path,
        JSON.stringify({ ...run([], {}), suites: [{ name: 'api', metrics: metrics(slower) }] }),
      );
      return path;
    };
    return {
      base: await file('base.json', 0),
      head: await file(`head-${regressed}.json`, regressed),
    };
  }

  const comparePr = async (pull: number, extra: Record<string, string>, fork = false) => {
    const payload = event(fork ? 'pull_request.fork.json' : 'pull_request.json');
    payload.number = pull;
    payload.pull_request.number = pull;
    return runActionInProcess({
      inputs: { ...inputs, mode: 'compare', ...extra },
      event: { name: 'pull_request', payload, ref: `refs/pull/${pull}/merge` },
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
  };

  it('caps error annotations at 10, the ones GitHub shows, worst first', async () => {
    const { base, head } = await sides(12);
    const pull = fake.addPull({ headSha: 'c'.repeat(40) }).number;
    const result = await comparePr(pull, { base, head });
    expect(result.code).toBe(1);
    expect(result.outputs.regressions).toBe('12');
    expect(
      result.stdout.match(/^::error title=perfgate%3A performance regression::/gm),
    ).toHaveLength(10);
  });

  it('comment: never posts nothing; on-change creates none for no change; always does', async () => {
    const { base, head } = await sides(0);
    const pull = fake.addPull({ headSha: 'd'.repeat(40) }).number;
    expect((await comparePr(pull, { base, head, comment: 'never' })).code).toBe(0);
    expect(fake.commentsOn(pull)).toHaveLength(0);
    expect((await comparePr(pull, { base, head, comment: 'on-change' })).code).toBe(0);
    expect(fake.commentsOn(pull)).toHaveLength(0);
    const always = await comparePr(pull, { base, head, comment: 'always' });
    expect(fake.commentsOn(pull)).toHaveLength(1);
    expect(always.outputs['comment-url']).toBe(fake.commentsOn(pull)[0]?.html_url);

    // on-change still brings an existing comment up to date, so a fixed regression leaves no stale red.
    const slower = await sides(2);
    await comparePr(pull, { base: slower.base, head: slower.head, comment: 'on-change' });
    expect(fake.commentsOn(pull)).toHaveLength(1);
    expect(fake.commentsOn(pull)[0]?.body).toMatch(/Performance regression/);
  });

  it('skips the comment on a fork pull request, whose token cannot write', async () => {
    const { base, head } = await sides(2);
    const pull = fake.addPull({ headSha: 'e'.repeat(40), headRepo: 'mona/octo-repo' }).number;
    const result = await comparePr(pull, { base, head }, true);
    expect(result.stdout).toMatch(/fork pull request: its token is read-only/);
    expect(fake.commentsOn(pull)).toHaveLength(0);
    expect(result.code).toBe(1);
  });
});

describe('record mode', () => {
  it('fails before measuring when results-path cannot be written, naming the input', async () => {
    const own = await mkdtemp(join(tmpdir(), 'perfgate-results-path-'));
    await writeFile(
      join(own, 'perfgate.yml'),
      'version: 1\nsuites:\n  - { name: w, kind: command, command: "touch measured" }\n',
    );
    await writeFile(join(own, 'README.md'), 'a file, not a folder\n');
    const result = await runActionInProcess({
      inputs: { ...inputs, mode: 'record', 'results-path': 'README.md/results.json' },
      event: { name: 'push', payload: event('push.json'), sha: 'c'.repeat(40) },
      workspace: own,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(
      /::error::input results-path: .*README\.md, which is a file, not a folder/,
    );
    expect(existsSync(join(own, 'measured'))).toBe(false);
  }, 60_000);

  it('appends to the data branch on a push to the default branch', async () => {
    const list = async () =>
      (await gitStore({ repoDir: workspace, dataBranch: 'perfgate-data' }).list('main')).entries;
    const before = (await list()).length;
    const result = await runActionInProcess({
      inputs: { ...inputs, mode: 'record' },
      event: {
        name: 'push',
        payload: event('push.json'),
        sha: git(workspace, 'rev-parse', 'HEAD'),
      },
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.verdict).toBe('recorded');
    expect(await list()).toHaveLength(before + 1);
  }, 60_000);
});
