// `perfgate check --format markdown` in a pull request's CI prints the comment the action's pr
// mode posts, byte for byte, for the same results. The results are the same because the benchmark
// is deterministic: a real command suite (bench.mjs) whose latency is a function of the trial's
// number and of OFFSET in its environment. Five stored runs of main are in both stores: the data
// branch of a local bare `origin` (the action's) and a folder (the CLI's). The action runs
// in-process against a local stand-in for GitHub's REST API (test/helpers/fakeGitHub.ts), and the
// CLI gets the same event file and variables a runner gives a step.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderStore } from '../../src/store/folderStore.js';
import { gitStore } from '../../src/store/gitStore.js';
import { ROOT, runActionInProcess } from '../helpers/actionRunner.js';
import { runCli } from '../helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { commit, workspaceWithOrigin } from '../helpers/gitRepo.js';

const bench = (factor: number) =>
  `const trial = Number(process.env.PERFGATE_TRIAL);
const offset = Number(process.env.OFFSET ?? 0);
const latency = (10 + offset + (trial % 3) / 100) * ${factor};
console.log(JSON.stringify({ work: { latency: { value: latency, unit: 'ms' } } }));
`;

const CONFIG = `version: 1
trials: 6
warmupSeconds: 0
baseline: history
suites:
  - { name: work, kind: command, command: node bench.mjs }
`;

let fake: FakeGitHub;
let workspace: string;
let folder: string;

beforeAll(async () => {
  fake = await startFakeGitHub();
  ({ workspace } = await workspaceWithOrigin('perfgate-md-'));
  folder = join(await mkdtemp(join(tmpdir(), 'perfgate-md-store-')), 'history');
  await commit(workspace, 'the benchmark', { 'bench.mjs': bench(1), 'perfgate.yml': CONFIG });
  // Five runs of main whose medians differ a little, as runs do.
  for (const offset of ['0', '0.1', '-0.1', '0.05', '-0.05']) {
    const record = await runCli(
      ['record', '--config', 'perfgate.yml', '--store', folder, '--branch', 'main'],
      workspace,
      { PATH: process.env.PATH, OFFSET: offset },
    );
    expect(record.code, record.stderr).toBe(0);
  }
  const { entries } = await folderStore(folder).list('main');
  await gitStore({ repoDir: workspace }).appendAll(
    entries.map((e) => e.results),
    { branch: 'main' },
  );
}, 120_000);

afterAll(() => fake.close());

describe('perfgate check --format markdown in a pull request', () => {
  it('prints the body the action posts on the pull request', async () => {
    const base = (await commit(workspace, 'a README', { 'README.md': 'docs\n' })).trim();
    const head = await commit(workspace, 'a slower benchmark', { 'bench.mjs': bench(1.08) });
    const pull = fake.addPull({ headSha: head }).number;
    const payload = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/events/pull_request.json'), 'utf8'),
    );
    Object.assign(payload, { number: pull });
    Object.assign(payload.pull_request, { number: pull });
    Object.assign(payload.pull_request.head, { sha: head });
    Object.assign(payload.pull_request.base, { sha: base, ref: 'main' });
    const event = { name: 'pull_request', payload, ref: `refs/pull/${pull}/merge`, sha: head };

    const action = await runActionInProcess({
      inputs: { 'github-token': 'ghs_fake', mode: 'pr', 'results-path': 'out/results.json' },
      event,
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(action.code, action.stdout).toBe(1);
    const posted = fake.commentsOn(pull)[0]?.body;
    expect(posted).toMatch(/🔴 \*\*Performance regression\*\*/);

    const eventFile = join(await mkdtemp(join(tmpdir(), 'perfgate-md-event-')), 'event.json');
    await writeFile(eventFile, JSON.stringify(payload));
    const check = await runCli(
      ['check', '--config', 'perfgate.yml', '--store', folder, '--format', 'markdown'],
      workspace,
      {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_REPOSITORY: 'octo-org/octo-repo',
        GITHUB_SHA: 'f'.repeat(40),
        GITHUB_REF: event.ref,
        GITHUB_BASE_REF: 'main',
      },
    );
    expect(check.code, check.stderr).toBe(1);
    // Two measurements, one after the other: what the doctor found on the runner at each (a
    // neighbour busy for one of them, on a shared machine) may differ, and nothing else may.
    const runnerLines = /^.*(runner: |runner conditions).*$\n?/gm;
    expect(check.stdout.replace(runnerLines, '')).toBe(posted?.replace(runnerLines, ''));
    // Named as the action names it: the pull request's head, not the merge commit GITHUB_SHA
    // names (a zero-width space after # keeps GitHub from linking it).
    expect(check.stdout).toContain(`Candidate: ${head.slice(0, 7)} (#\u200b${pull})`);
  }, 120_000);
});
