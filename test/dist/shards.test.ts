// A sharded pull request run with the bundled action, as a workflow runs it (docs/scaling.md):
// a shards job plans the matrix, three shard jobs each measure their suite beside the base
// revision in their own shallow checkout, and one merge job judges the three as one family and
// comments once. The suites are a node one-liner that reports planted trial values
// (PERFGATE_TRIAL picks the trial's value from values.json of the tree it runs in), so the
// p-values are known: base 100…105 ms everywhere; the head moves s1 by about +8 % with 5 of 36
// pairs reversed (exact two-sided p = 0.041) and s2 by +20 % with none (p = 0.0022).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import type { Results } from '../../src/results/schema.js';
import { ShardArtifactSchema } from '../../src/results/shard.js';
import { ROOT, runAction } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { commit, git } from '../helpers/gitRepo.js';

const event = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events', name), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = [100, 101, 102, 103, 104, 105];
const VALUES = {
  base: { s1: BASE, s2: BASE, s3: BASE },
  head: { s1: [100.5, 110, 111, 112, 113, 114], s2: [120, 121, 122, 123, 124, 125], s3: BASE },
  // s2's command finds no values and throws: that shard's run fails (exit 3).
  broken: { s1: BASE, s3: BASE },
};

let fake: FakeGitHub;
let origin: string;
let seed: string;
let baseSha: string;
const heads = { head: '', broken: '' };

beforeAll(async () => {
  fake = await startFakeGitHub();
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-sharded-'));
  origin = join(dir, 'origin.git');
  seed = join(dir, 'seed');
  execFileSync('git', ['init', '--quiet', '--bare', origin]);
  execFileSync('git', ['init', '--quiet', '-b', 'main', seed]);
  const suite = (name: string) => `  - { name: ${name}, kind: command, command: 'node probe.cjs ${name}' }`;
  baseSha = await commit(seed, 'three suites', {
    'perfgate.yml': ['version: 1', 'trials: 6', 'warmupSeconds: 0', 'suites:', ...['s1', 's2', 's3'].map(suite), ''].join('\n'),
    'probe.cjs': [
      "const values = require('./values.json')[process.argv[2]];",
      'const value = values[Number(process.env.PERFGATE_TRIAL) - 1];',
      "console.log(JSON.stringify({ probe: { latency: { value, unit: 'ms' } } }));",
      '',
    ].join('\n'),
    'values.json': JSON.stringify(VALUES.base),
  });
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '--quiet', 'origin', 'main');
  for (const name of ['head', 'broken'] as const) {
    git(seed, 'checkout', '--quiet', '-b', name, baseSha);
    heads[name] = await commit(seed, name, { 'values.json': JSON.stringify(VALUES[name]) });
  }
}, 60_000);

afterAll(() => fake.close());

/** A pull request job: its own shallow checkout of refs/pull/N/merge, as actions/checkout leaves it. */
async function pullRequestJob(number: number, head: keyof typeof heads) {
  git(seed, 'checkout', '--quiet', '--detach', baseSha);
  git(seed, 'merge', '--quiet', '--no-ff', '-m', `Merge ${head}`, heads[head]);
  git(seed, 'push', '--quiet', '--force', 'origin', `HEAD:refs/pull/${number}/merge`);
  const workspace = join(await mkdtemp(join(tmpdir(), 'perfgate-job-')), 'workspace');
  execFileSync('git', ['init', '--quiet', workspace]);
  git(workspace, 'remote', 'add', 'origin', `file://${origin}`);
  git(workspace, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', `refs/pull/${number}/merge`);
  git(workspace, 'checkout', '--quiet', '--detach', 'FETCH_HEAD');
  const payload = event('pull_request.json');
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = heads[head];
  payload.pull_request.base.sha = baseSha;
  const sha = git(workspace, 'rev-parse', 'HEAD');
  return { workspace, event: { name: 'pull_request', payload, ref: `refs/pull/${number}/merge`, sha } };
}

const env = () => ({ GITHUB_API_URL: fake.url, GITHUB_BASE_REF: 'main' });
const common = { 'github-token': 'ghs_fake', 'report-path': 'out/report.md', 'results-path': 'out/shard.json' };

/** download-artifact's layout: one folder per shard artifact. */
async function keep(dir: string, name: string, file: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await copyFile(file, join(dir, name, 'shard.json'));
}

/** A push job on main: its own shallow checkout of main. */
async function pushJob() {
  const workspace = join(await mkdtemp(join(tmpdir(), 'perfgate-job-')), 'workspace');
  execFileSync('git', ['init', '--quiet', workspace]);
  git(workspace, 'remote', 'add', 'origin', `file://${origin}`);
  git(workspace, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', 'main');
  git(workspace, 'checkout', '--quiet', '--detach', 'FETCH_HEAD');
  const sha = git(workspace, 'rev-parse', 'HEAD');
  return { workspace, event: { name: 'push', payload: event('push.json'), sha } };
}

describe('a sharded push to main, bundled action', () => {
  it('records nothing in the shard jobs, and one result per shard in one commit from the merge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-download-'));
    for (const shard of ['1/2', '2/2']) {
      const job = await pushJob();
      const run = await runAction({ inputs: { ...common, mode: 'record', shard }, ...job, env: env() });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.verdict).toBe('sharded');
      await keep(dir, `perfgate-shard-${shard.replace('/', '-')}`, join(job.workspace, 'out/shard.json'));
    }
    const stored = () => git(origin, 'ls-tree', '-r', '--name-only', 'perfgate-data', 'main/').split('\n').filter(Boolean);
    // No data branch yet: the shard jobs wrote nothing to the history.
    expect(git(origin, 'for-each-ref', 'refs/heads/perfgate-data')).toBe('');
    const merge = await runAction({ inputs: { ...common, mode: 'merge', results: dir }, ...(await pushJob()), env: env() });
    expect(merge.code, merge.stdout).toBe(0);
    expect(merge.outputs.verdict).toBe('recorded');
    expect(stored()).toHaveLength(2);
    expect(git(origin, 'rev-list', '--count', 'perfgate-data')).toBe('1');
    // The next plan is balanced by what was recorded: every suite has its wall time now.
    const plan = await runAction({ inputs: { ...common, mode: 'shards', 'shard-count': '2' }, ...(await pushJob()), env: env() });
    const matrix = JSON.parse(plan.outputs.matrix ?? '') as { include: { seconds: number }[] };
    const suites = stored().flatMap(
      (path) => (JSON.parse(git(origin, 'show', `perfgate-data:${path}`)) as Results).suites,
    );
    expect(suites.map((suite) => typeof suite.seconds)).toEqual(['number', 'number', 'number']);
    const recorded = suites.reduce((sum, suite) => sum + (suite.seconds ?? 0), 0);
    const planned = matrix.include.reduce((sum, shard) => sum + shard.seconds, 0);
    expect(planned).toBeCloseTo(recorded, 0);
  }, 120_000);
});

describe('a sharded pull request, bundled action', () => {
  let pr: number;
  let matrix: { include: { shard: string; suites: string[] }[] };
  const artifacts = new Map<string, string>();

  it('plans three shards, and each shard job measures its suite beside the base without commenting', async () => {
    pr = fake.addPull({ headSha: heads.head }).number;
    const plan = await runAction({ inputs: { ...common, mode: 'shards', 'shard-count': '3' }, ...(await pullRequestJob(pr, 'head')), env: env() });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.outputs.verdict).toBe('planned');
    matrix = JSON.parse(plan.outputs.matrix ?? '') as typeof matrix;
    expect(matrix.include.map((s) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
    expect(matrix.include.flatMap((s) => s.suites).sort()).toEqual(['s1', 's2', 's3']);

    // Each job gets its whole matrix entry, as `shard: ${{ toJSON(matrix) }}` passes it (the push
    // below passes `K/N` and plans again).
    for (const entry of matrix.include) {
      const { suites } = entry;
      const job = await pullRequestJob(pr, 'head');
      const shard = JSON.stringify(entry);
      const run = await runAction({ inputs: { ...common, mode: 'pr', shard }, ...job, env: env() });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.verdict).toBe('sharded');
      const file = join(job.workspace, 'out/shard.json');
      const artifact = ShardArtifactSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      expect(artifact.baseline).toBe('interleaved');
      expect(artifact.head?.suites.map((s) => s.name)).toEqual(suites);
      artifacts.set(suites[0] as string, file);
      if (suites[0] === 's1') {
        // On its own, s1's shard is a family of one: p = 0.041 < 0.05 would flag it.
        const alone = compareResults(artifact.base!, artifact.head!);
        expect(alone.metrics[0]?.p).toBeCloseTo(0.041, 3);
        expect(alone.counts.regression).toBe(1);
      }
    }
    expect(fake.commentsOn(pr)).toHaveLength(0);
  }, 180_000);

  it('merges them as one family: s2 regressed, s1 not flagged across the 3 metrics, one comment, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfgate-download-'));
    for (const [suite, file] of artifacts) await keep(dir, `perfgate-shard-${suite}`, file);
    const job = await pullRequestJob(pr, 'head');
    const before = fake.requests.length;
    const run = await runAction({ inputs: { ...common, mode: 'merge', results: dir }, ...job, env: env() });
    const calls = fake.requests.slice(before);
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe('regression');
    expect(run.outputs.regressions).toBe('1');
    const comments = fake.commentsOn(pr);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toMatch(/^<!-- perfgate:perfgate -->/);
    expect(body).toMatch(/\| s2 latency .* 🔴 regression \|/);
    // Benjamini-Hochberg over 3 metrics: s1's 0.041 becomes 0.041 × 3 / 2 ≈ 0.062.
    // Not flagged: not significant, and (at these 6 trials' noise) not seen either.
    expect(body).toMatch(/\| s1 latency .* \| 0\.06\d \| 6\/6 \| .* \| (\\~|🟡 not seen) +\|/);
    expect(body).toMatch(/3 shards, judged as one family/);
    // Page the comments, create one: the same calls whatever the number of shards.
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET /repos/octo-org/octo-repo/issues/${pr}/comments`,
      `POST /repos/octo-org/octo-repo/issues/${pr}/comments`,
    ]);
  }, 60_000);

  it("fails the merge with a shard's run failure, naming the shard and its error", async () => {
    const broken = fake.addPull({ headSha: heads.broken }).number;
    const s2 = matrix.include.find((s) => s.suites.includes('s2'))?.shard as string;
    const job = await pullRequestJob(broken, 'broken');
    const shard = await runAction({ inputs: { ...common, mode: 'pr', shard: s2 }, ...job, env: env() });
    expect(shard.code).toBe(1);
    const artifact = ShardArtifactSchema.parse(JSON.parse(await readFile(join(job.workspace, 'out/shard.json'), 'utf8')));
    expect(artifact.error?.kind).toBe('run');

    const dir = await mkdtemp(join(tmpdir(), 'perfgate-download-'));
    await keep(dir, 'perfgate-shard-s1', artifacts.get('s1') as string);
    await keep(dir, 'perfgate-shard-s2', join(job.workspace, 'out/shard.json'));
    await keep(dir, 'perfgate-shard-s3', artifacts.get('s3') as string);
    const merge = await runAction({ inputs: { ...common, mode: 'merge', results: dir }, ...(await pullRequestJob(broken, 'broken')), env: env() });
    expect(merge.code).toBe(1);
    expect(merge.stdout).toMatch(new RegExp(`::error::shard ${s2.replace('/', '\\/')} failed: .*s2`));
    expect(fake.commentsOn(broken)).toHaveLength(0);
  }, 60_000);
});
