// The bundled action end to end, as a runner starts it (test/helpers/actionRunner.ts), against:
// - a local HTTP server that answers like GitHub's REST API (test/helpers/fakeGitHub.ts),
// - a local bare git repository as the `origin` of the workspace, holding the data branch,
// - the example service (examples/service/server.mjs) that perfgate starts on 127.0.0.1.
// The "code change" of a pull request is the service's DELAY_MS, inherited from the environment,
// so the config and its hash stay the same, as they do across commits.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runAction } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { freePort } from '../helpers/net.js';
import { exampleServiceConfig } from '../helpers/exampleConfig.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });
const event = (name: string) => JSON.parse(execFileSync('cat', [join(ROOT, 'test/fixtures/events', name)], { encoding: 'utf8' })) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeGitHub;
let origin: string;
let workspace: string;
const headSha = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';


/** Files stored on the data branch of the bare origin, under main/. */
function storedFiles(): string[] {
  try {
    return git(origin, 'ls-tree', '-r', '--name-only', 'perfgate-data', 'main/').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-'));
  origin = join(dir, 'origin.git');
  workspace = join(dir, 'workspace');
  execFileSync('git', ['init', '--quiet', '--bare', origin]);
  execFileSync('git', ['init', '--quiet', '-b', 'main', workspace]);
  const port = await freePort();
  await writeFile(
    join(workspace, 'perfgate.yml'),
    exampleServiceConfig(port, { trials: 6, warmupSeconds: 0.3, durationSeconds: 0.6 }),
  );
  git(workspace, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'init');
  git(workspace, 'remote', 'add', 'origin', origin);
  git(workspace, 'push', '--quiet', 'origin', 'main');
}, 60_000);

afterAll(() => fake.close());

const base = { 'github-token': 'ghs_fake', 'results-path': 'out/results.json', 'report-path': 'out/report.md' };
const api = () => ({ GITHUB_API_URL: fake.url });

function pullRequestEvent(number: number, fork = false) {
  const payload = event(fork ? 'pull_request.fork.json' : 'pull_request.json');
  payload.pull_request.number = number;
  payload.number = number;
  return { name: 'pull_request', payload, ref: `refs/pull/${number}/merge`, sha: 'b'.repeat(40) };
}

describe('the action, bundled', () => {
  let pr: number;

  it('records on a push to the default branch, on the data branch', async () => {
    const run = await runAction({ inputs: { ...base, mode: 'record' }, event: { name: 'push', payload: event('push.json') }, workspace, env: { ...api(), DELAY_MS: '1' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe('recorded');
    expect(storedFiles()).toHaveLength(1);
    expect(run.summary).toMatch(/Recorded for main: `perfgate-data:main\/\d{4}\/\d\d\/\d\d\//);
  }, 120_000);

  it('gates a slower pull request: fails, comments once, writes no history', async () => {
    pr = fake.addPull({ headSha }).number;
    // 130 comments by people first: with 100 a page, the marker search must read page 2 too.
    for (let i = 0; i < 130; i++) fake.addComment(pr, `looks good ${i}`, { login: 'mona', id: 1, type: 'User' });
    const run = await runAction({ inputs: { ...base, mode: 'pr' }, event: pullRequestEvent(pr), workspace, env: { ...api(), DELAY_MS: '4' } });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe('regression');
    expect(Number(run.outputs.regressions)).toBeGreaterThan(0);
    // Workflow commands escape ':' and '%' in properties and messages (%3A, %25).
    expect(run.stdout).toMatch(/::error title=perfgate%3A performance regression::api latency_p50: \+\d+ %25/);
    const comments = fake.commentsOn(pr).filter((c) => c.user.login === 'github-actions[bot]');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/^<!-- perfgate:perfgate -->\n### perfgate\n\n🔴 \*\*Performance regression\*\*/);
    expect(run.outputs['comment-url']).toBe(comments[0]?.html_url);
    expect(storedFiles()).toHaveLength(1);
    expect(existsSync(join(workspace, 'out/results.json'))).toBe(true);
  }, 120_000);

  it('edits the same comment on the next run, riding out a secondary rate limit and a 502', async () => {
    const ours = () => fake.commentsOn(pr).filter((c) => c.user.login === 'github-actions[bot]');
    const first = ours()[0];
    // The first API calls of the run meet GitHub's faults: the bundled retry/throttling plugins must retry.
    fake.failNext(1, 'secondary-rate-limit');
    fake.failNext(1, 502);
    const run = await runAction({ inputs: { ...base, mode: 'pr' }, event: pullRequestEvent(pr), workspace, env: { ...api(), DELAY_MS: '1' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/GitHub secondary rate limit on GET/);
    const comments = ours();
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(first?.id);
    expect(fake.commentsOn(pr)).toHaveLength(131);
    expect(comments[0]?.body).not.toMatch(/Performance regression\*\*/);
    expect(storedFiles()).toHaveLength(1);
  }, 120_000);

  it('on a fork pull request comments nothing, fails nothing, and leaves the results for the commenter', async () => {
    const forkPr = fake.addPull({ headSha: '9049f1265b7d61be4a8904a9a27120d2064dab3b', headRepo: 'mona/octo-repo' }).number;
    fake.setToken('ghs_readonly', { readOnly: true });
    const run = await runAction({
      inputs: { ...base, mode: 'pr', 'github-token': 'ghs_readonly' },
      event: pullRequestEvent(forkPr, true),
      workspace,
      env: { ...api(), DELAY_MS: '1' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(fake.commentsOn(forkPr)).toHaveLength(0);
    expect(run.summary).toMatch(/perfgate/);
    expect(storedFiles()).toHaveLength(1);

    // The workflow_run commenter (default-branch code) reads the uploaded results and comments.
    const report = await runAction({
      inputs: { ...base, mode: 'report', 'fail-on-regression': 'false' },
      event: { name: 'workflow_run', payload: event('workflow_run.json') },
      workspace,
      env: api(),
    });
    expect(report.code, report.stdout).toBe(0);
    expect(fake.commentsOn(forkPr)).toHaveLength(1);
    expect(fake.commentsOn(forkPr)[0]?.body).toMatch(/^<!-- perfgate:perfgate -->/);
  }, 180_000);

  it('refuses to write history from a pull request even in record mode', async () => {
    const run = await runAction({ inputs: { ...base, mode: 'record' }, event: pullRequestEvent(pr), workspace, env: { ...api(), DELAY_MS: '1' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/not recording: pull_request .* is not a trusted event/);
    expect(storedFiles()).toHaveLength(1);
  }, 120_000);

  it('fails with the input named when an input is invalid', async () => {
    const run = await runAction({ inputs: { ...base, mode: 'pr', alpha: 'often' }, event: pullRequestEvent(pr), workspace, env: api() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input alpha: expected a number/);
  });
});
