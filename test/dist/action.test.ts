// The bundled action end to end, as a runner starts it (test/helpers/actionRunner.ts), against:
// - a local HTTP server that answers like GitHub's REST API (test/helpers/fakeGitHub.ts),
// - a local bare git repository as `origin`, holding main, the pull requests' merge refs
//   (refs/pull/N/merge) and the data branch; each job's workspace is a shallow clone of the
//   ref it runs on, as actions/checkout makes it, so the base revision must be fetched,
// - the repository's own service (a copy of examples/service/server.mjs), which perfgate starts
//   on 127.0.0.1. A pull request's "code change" is a commit to that service's default delay.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runAction } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { commit, git } from '../helpers/gitRepo.js';
import { freePort } from '../helpers/net.js';

const event = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events', name), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeGitHub;
let origin: string;
let seed: string;
let baseSha: string;
const heads: Record<'aa' | 'slower' | 'fork', string> = { aa: '', slower: '', fork: '' };

/** Files stored on the data branch of the bare origin, under main/. */
function storedFiles(): string[] {
  try {
    return git(origin, 'ls-tree', '-r', '--name-only', 'perfgate-data', 'main/').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** A job's workspace: `ref` of origin, shallow (depth 1) and detached, as actions/checkout leaves it. */
async function checkout(ref: string): Promise<{ workspace: string; sha: string }> {
  const workspace = join(await mkdtemp(join(tmpdir(), 'perfgate-job-')), 'workspace');
  execFileSync('git', ['init', '--quiet', workspace]);
  git(workspace, 'remote', 'add', 'origin', `file://${origin}`);
  git(workspace, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', ref);
  git(workspace, 'checkout', '--quiet', '--detach', 'FETCH_HEAD');
  return { workspace, sha: git(workspace, 'rev-parse', 'HEAD') };
}

/** GitHub's refs/pull/N/merge: the head merged into main, main as its first parent. */
function pushMergeRef(number: number, head: string): void {
  git(seed, 'checkout', '--quiet', '--detach', baseSha);
  git(seed, 'merge', '--quiet', '--no-ff', '-m', `Merge ${head} into main`, head);
  // GitHub recomputes the merge ref on every push to the pull request: a forced update.
  git(seed, 'push', '--quiet', '--force', 'origin', `HEAD:refs/pull/${number}/merge`);
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-action-'));
  origin = join(dir, 'origin.git');
  seed = join(dir, 'seed');
  execFileSync('git', ['init', '--quiet', '--bare', origin]);
  execFileSync('git', ['init', '--quiet', '-b', 'main', seed]);
  const port = await freePort();
  const server = readFileSync(join(ROOT, 'examples/service/server.mjs'), 'utf8');
  baseSha = await commit(seed, 'the service and its perfgate.yml', {
    'server.mjs': server,
    'README.md': 'service\n',
    'perfgate.yml': [
      'version: 1',
      'service:',
      '  command: node server.mjs',
      `  env: { PORT: '${port}' }`,
      `  healthUrl: http://127.0.0.1:${port}/health`,
      'trials: 6',
      'warmupSeconds: 0.2',
      'durationSeconds: 0.4',
      'suites:',
      '  - { name: api, kind: http, connections: 2, requests: [{ path: /hello }] }',
      'collectors:',
      '  prometheus:',
      `    url: http://127.0.0.1:${port}/metrics`,
      '    metrics:',
      "      - { name: cache_hit_rate, unit: '%', direction: higher, numerator: [cache_hits_total], denominator: [cache_hits_total, cache_misses_total], scale: 100 }",
      '',
    ].join('\n'),
    // For the tests about comments, forks and trust, where what is measured does not matter: a
    // command suite, measured in seconds rather than a service's half minute.
    'perfgate-light.yml': [
      'version: 1',
      'trials: 6',
      'warmupSeconds: 0',
      'suites:',
      `  - { name: api, kind: command, command: 'node -e "console.log(JSON.stringify({ api: { latency: { value: 10 + Math.random() / 10 } } }))"' }`,
      '',
    ].join('\n'),
  });
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '--quiet', 'origin', 'main');
  for (const [branch, files] of [
    ['aa', { 'README.md': 'service, documented\n' }],
    ['fork', { 'README.md': 'service, from a fork\n' }],
    // The planted regression: a five times smaller cache, whose misses cost time.
    ['slower', { 'server.mjs': server.replace('CACHE_SIZE ?? 50)', 'CACHE_SIZE ?? 10)').replace('DELAY_MS ?? 1)', 'DELAY_MS ?? 4)') }],
  ] as const) {
    git(seed, 'checkout', '--quiet', '-b', branch, baseSha);
    heads[branch] = await commit(seed, branch, files);
  }
}, 60_000);

afterAll(() => fake.close());

const base = { 'github-token': 'ghs_fake', 'results-path': 'out/results.json', 'report-path': 'out/report.md' };
const light = { ...base, config: 'perfgate-light.yml' };
const api = () => ({ GITHUB_API_URL: fake.url, GITHUB_BASE_REF: 'main' });

/** The pull_request event of PR `number` with head `head`, and its job's workspace. */
async function pullRequestJob(number: number, head: keyof typeof heads, fork = false) {
  pushMergeRef(number, head);
  const { workspace, sha } = await checkout(`refs/pull/${number}/merge`);
  const payload = event(fork ? 'pull_request.fork.json' : 'pull_request.json');
  payload.pull_request.number = number;
  payload.number = number;
  payload.pull_request.head.sha = heads[head];
  payload.pull_request.base.sha = baseSha;
  return { workspace, event: { name: 'pull_request', payload, ref: `refs/pull/${number}/merge`, sha } };
}

describe('the action, bundled', () => {
  let pr: number;

  it('records on a push to the default branch, on the data branch', async () => {
    const { workspace, sha } = await checkout('main');
    const payload = event('push.json');
    const run = await runAction({ inputs: { ...base, mode: 'record' }, event: { name: 'push', payload, sha }, workspace, env: api() });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe('recorded');
    expect(storedFiles()).toHaveLength(1);
    expect(run.summary).toMatch(/Recorded for main: `perfgate-data:main\/\d{4}\/\d\d\/\d\d\//);
  }, 120_000);

  it('passes an A/A pull request 2 times out of 2 while other load runs on this machine', async () => {
    const aa = fake.addPull({ headSha: heads.aa }).number;
    // A CPU-bound neighbour for the whole check, bounded in time, killed by its PID.
    const neighbour = spawn(process.execPath, ['-e', 'const end = Date.now() + 120000; while (Date.now() < end);'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 2; i++) {
        const job = await pullRequestJob(aa, 'aa');
        const run = await runAction({ inputs: { ...base, mode: 'pr' }, ...job, env: api() });
        expect(run.code, run.stdout).toBe(0);
        // Never red; green where these trials saw every threshold, not seen (🟡) where the load
        // made some metric too noisy for its threshold: both honest, neither a regression.
        expect(['unchanged', 'unseen']).toContain(run.outputs.verdict);
        expect(run.outputs.regressions).toBe('0');
        expect(run.summary).toMatch(new RegExp(`${baseSha.slice(0, 7)}, measured beside the head in this run`));
        expect(run.summary).toMatch(/interleaved: base [0-9a-f]{7} and head ran on this runner/);
        // The base's worktree is gone with the job's step.
        expect(git(job.workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
      }
    } finally {
      neighbour.kill('SIGKILL');
    }
  }, 240_000);

  it('gates a slower pull request measured beside its base: fails, comments once, writes no history', async () => {
    pr = fake.addPull({ headSha: heads.slower }).number;
    // 130 comments by people first: with 100 a page, the marker search must read page 2 too.
    for (let i = 0; i < 130; i++) fake.addComment(pr, `looks good ${i}`, { login: 'mona', id: 1, type: 'User' });
    const job = await pullRequestJob(pr, 'slower');
    const run = await runAction({ inputs: { ...base, mode: 'pr' }, ...job, env: api() });
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe('regression');
    expect(Number(run.outputs.regressions)).toBeGreaterThan(0);
    // Workflow commands escape ':' and '%' in properties and messages (%3A, %25).
    expect(run.stdout).toMatch(/::error title=perfgate%3A performance regression::api latency_p50: \+\d+ %25/);
    const comments = fake.commentsOn(pr).filter((c) => c.user.login === 'github-actions[bot]');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/^<!-- perfgate:perfgate -->\n### perfgate\n\n🔴 \*\*Performance regression\*\*/);
    expect(comments[0]?.body).toMatch(/api latency\\_p50 .* 🔴 regression/);
    expect(comments[0]?.body).toMatch(/api prometheus\.cache\\_hit\\_rate .* 🔴 regression/);
    expect(run.outputs['comment-url']).toBe(comments[0]?.html_url);
    expect(storedFiles()).toHaveLength(1);
    expect(existsSync(join(job.workspace, 'out/results.json'))).toBe(true);
  }, 120_000);

  it('edits the same comment on the next run, riding out a secondary rate limit and a 502', async () => {
    const ours = () => fake.commentsOn(pr).filter((c) => c.user.login === 'github-actions[bot]');
    const first = ours()[0];
    // The author fixed the slowdown: the pull request's head is now a README change only.
    const job = await pullRequestJob(pr, 'aa');
    // The first API calls of the run meet GitHub's faults: the bundled retry/throttling plugins must retry.
    fake.failNext(1, 'secondary-rate-limit');
    fake.failNext(1, 502);
    const run = await runAction({ inputs: { ...light, mode: 'pr' }, ...job, env: api() });
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
    const job = await pullRequestJob(forkPr, 'fork', true);
    const run = await runAction({ inputs: { ...light, mode: 'pr', 'github-token': 'ghs_readonly' }, ...job, env: api() });
    expect(run.code, run.stdout).toBe(0);
    expect(fake.commentsOn(forkPr)).toHaveLength(0);
    expect(run.summary).toMatch(/perfgate/);
    expect(storedFiles()).toHaveLength(1);

    // The workflow_run commenter (default-branch code) reads the uploaded results and comments.
    const report = await runAction({
      inputs: { ...light, mode: 'report', 'fail-on-regression': 'false' },
      event: { name: 'workflow_run', payload: event('workflow_run.json') },
      workspace: job.workspace,
      env: api(),
    });
    expect(report.code, report.stdout).toBe(0);
    expect(fake.commentsOn(forkPr)).toHaveLength(1);
    expect(fake.commentsOn(forkPr)[0]?.body).toMatch(/^<!-- perfgate:perfgate -->/);
  }, 180_000);

  it('refuses to write history from a pull request even in record mode', async () => {
    const job = await pullRequestJob(pr, 'aa');
    const run = await runAction({ inputs: { ...light, mode: 'record' }, ...job, env: api() });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/not recording: pull_request .* is not a trusted event/);
    expect(storedFiles()).toHaveLength(1);
  }, 120_000);

  it('fails with the input named when an input is invalid', async () => {
    const job = await pullRequestJob(pr, 'aa');
    const run = await runAction({ inputs: { ...light, mode: 'pr', alpha: 'often' }, ...job, env: api() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input alpha: expected a number/);
  });
});
