// Mode merge in this process, on shard artifacts written as the shard jobs write them: the set is
// checked (a missing, duplicated or failed shard is refused, naming it), the family is judged once,
// and the GitHub API calls do not grow with the number of shards. The bundled action's own shard
// jobs are run in test/dist/shards.test.ts.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare.js';
import type { Environment, Results } from '../../src/results/schema.js';
import { SHARD_SCHEMA, type ShardArtifact } from '../../src/results/shard.js';
import { ROOT, runActionInProcess } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { workspaceWithOrigin } from '../helpers/gitRepo.js';

const event = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events', name), 'utf8')) as Record<
    string,
    any // eslint-disable-line @typescript-eslint/no-explicit-any
  >;

const CPU: Environment = { cpuModel: 'AMD EPYC 7763', cpuCount: 4, nodeVersion: 'v20.19.0' };
const GPU: Environment = {
  ...CPU,
  gpus: [{ index: 0, name: 'NVIDIA H100', driver: '550.54' }],
};

const side = (suite: string, samples: number[], environment: Environment): Results => ({
  schema: 'perfgate/results@1',
  createdAt: '2026-11-29T09:00:00Z',
  commit: 'f'.repeat(40),
  configHash: 'c'.repeat(64),
  environment,
  suites: [
    { name: suite, metrics: [{ name: 'latency', unit: 'ms', direction: 'lower', samples }] },
  ],
});

const BASE = [100, 101, 102, 103, 104, 105];
/** 5 of 36 pairs favour the head: exact two-sided p = 0.041, a shift of about +8 %. */
const MODERATE = [100.5, 110, 111, 112, 113, 114];

function artifact(
  index: number,
  count: number,
  head: number[],
  environment: Environment = CPU,
): ShardArtifact {
  const suite = `suite-${index}`;
  return {
    schema: SHARD_SCHEMA,
    shard: { index, count },
    suites: [suite],
    runsOn: ['ubuntu-latest'],
    environment,
    baseline: 'interleaved',
    baseLabel: 'abc1234, measured beside the head in this run',
    context: [],
    base: side(suite, BASE, environment),
    head: side(suite, head, environment),
  };
}

let fake: FakeGitHub;
let workspace: string;
beforeAll(async () => {
  fake = await startFakeGitHub();
  ({ workspace } = await workspaceWithOrigin('perfgate-merge-'));
}, 60_000);
afterAll(() => fake.close());

/** The artifacts as download-artifact lays them out: a folder per shard. */
async function downloaded(artifacts: readonly ShardArtifact[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-shards-'));
  for (const [i, a] of artifacts.entries()) {
    const folder = join(dir, `perfgate-shard-${i + 1}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'shard.json'), JSON.stringify(a));
  }
  return dir;
}

async function mergeRun(
  artifacts: readonly ShardArtifact[],
  pr: number,
  fixture = 'pull_request.json',
  extra: Record<string, string> = {},
) {
  const payload = event(fixture);
  payload.number = pr;
  payload.pull_request.number = pr;
  return runActionInProcess({
    inputs: {
      mode: 'merge',
      'github-token': 'ghs_fake',
      results: await downloaded(artifacts),
      'report-path': 'out/report.md',
      'results-path': 'out/results.json',
      ...extra,
    },
    event: { name: 'pull_request', payload, ref: `refs/pull/${pr}/merge` },
    workspace,
    env: { GITHUB_API_URL: fake.url },
  });
}

describe('mode merge', () => {
  it('adjusts once across all shards: a p-value that passes in its shard is not flagged in the family', async () => {
    const shards = [artifact(1, 3, MODERATE), artifact(2, 3, BASE), artifact(3, 3, BASE)];
    // Alone, shard 1's one metric is its own family: p = 0.041 < 0.05, a regression.
    const alone = compareResults(shards[0]!.base!, shards[0]!.head!);
    expect(alone.metrics[0]?.p).toBeCloseTo(0.041, 3);
    expect(alone.counts.regression).toBe(1);
    const pr = fake.addPull({ headSha: 'f'.repeat(40) }).number;
    const run = await mergeRun(shards, pr);
    expect(run.code, run.stdout).toBe(0);
    // Not a regression, but 6 trials at ±2.6 % cannot see 5 % across 3 metrics: not seen.
    expect(run.outputs.verdict).toBe('unseen');
    expect(Number(run.outputs.unseen)).toBeGreaterThan(0);
    // Three metrics, Benjamini-Hochberg: 0.041 × 3 / 1 = 0.12.
    expect(fake.commentsOn(pr)).toHaveLength(1);
    const body = fake.commentsOn(pr)[0]?.body ?? '';
    expect(body).toMatch(/\| suite-1 latency .* \| 0\.123 \| 6\/6 \|/);
    expect(body).not.toMatch(/🔴|🟢/);
    expect(body).toMatch(/^🟡 \*\*No regression found, but \d of 3 metrics could not be seen\*\*/m);
    expect(body).toMatch(/3 shards, judged as one family/);
  });

  it('fails the step on a metric not seen with input fail-on: regression-or-unseen', async () => {
    const shards = [artifact(1, 3, MODERATE), artifact(2, 3, BASE), artifact(3, 3, BASE)];
    const pr = fake.addPull({ headSha: 'e'.repeat(40) }).number;
    const run = await mergeRun(shards, pr, 'pull_request.json', {
      'fail-on': 'regression-or-unseen',
    });
    expect(run.outputs.verdict).toBe('unseen');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /::error::perfgate: \d metric\(s\) not seen \(fail-on: regression-or-unseen\)/,
    );
  });

  it('makes the same GitHub API calls for 2 shards as for 8', async () => {
    const calls = async (count: number) => {
      const pr = fake.addPull({ headSha: 'f'.repeat(40) }).number;
      const shards = Array.from({ length: count }, (_, i) => artifact(i + 1, count, BASE));
      const before = fake.requests.length;
      const run = await mergeRun(shards, pr);
      expect(run.code, run.stdout).toBe(0);
      return fake.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`);
    };
    const two = await calls(2);
    const eight = await calls(8);
    // Page the comments once, create once: nothing per shard.
    expect(two).toEqual(eight);
    expect(two.length).toBeLessThanOrEqual(3);
  });

  it('refuses a missing shard, naming it', async () => {
    const run = await mergeRun([artifact(1, 3, BASE), artifact(3, 3, BASE)], 1);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::shard 2\/3 did not report/);
  });

  it("prints a failed shard's error with its terminal escapes (ESC, OSC, BEL) as visible text", async () => {
    const failed: ShardArtifact = {
      ...artifact(2, 2, BASE),
      error: { kind: 'run', message: 'x\u001b]0;PWN\u0007\u001b[2Jgone' },
    };
    delete failed.head;
    delete failed.base;
    const result = await mergeRun([artifact(1, 2, BASE), failed], 47);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/x\\x1b\]0;PWN\\x07\\x1b\[2Jgone/);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).not.toContain('\u0007');
  });

  it('refuses a shard reported twice', async () => {
    const twice = [artifact(1, 2, BASE), artifact(2, 2, BASE), artifact(2, 2, BASE)];
    const run = await mergeRun(twice, 1);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::shard 2\/2 reported twice/);
  });

  it('says which metrics come from which machine when shards ran on different kinds', async () => {
    const pr = fake.addPull({ headSha: 'f'.repeat(40) }).number;
    const run = await mergeRun([artifact(1, 2, BASE), artifact(2, 2, BASE, GPU)], pr);
    expect(run.code, run.stdout).toBe(0);
    const body = fake.commentsOn(pr)[0]?.body ?? '';
    expect(body).toMatch(/the shards ran on 2 kinds of machine/);
    expect(body).toMatch(/no GPU: shard\(s\) 1\/2, suites suite-1/);
    expect(body).toMatch(/NVIDIA H100 \(driver 550\.54\): shard\(s\) 2\/2, suites suite-2/);
  });

  it("leaves a fork's comment to mode report, which posts every shard's head from the merged file", async () => {
    // The workflow_run fixture's head: a fork's commit, which GitHub finds only among open pulls.
    const headSha = '9049f1265b7d61be4a8904a9a27120d2064dab3b';
    const pr = fake.addPull({ headSha, headRepo: 'someone/octo-repo' }).number;
    const shards = [artifact(1, 3, BASE), artifact(2, 3, BASE), artifact(3, 3, MODERATE)];
    const merged = await mergeRun(shards, pr, 'pull_request.fork.json');
    expect(merged.code, merged.stdout).toBe(0);
    expect(merged.stdout).toMatch(/fork pull request: its token is read-only/);
    expect(fake.commentsOn(pr)).toEqual([]);
    const file = JSON.parse(readFileSync(join(workspace, 'out/results.json'), 'utf8')) as Results;
    expect(file.suites.map((s) => s.name)).toEqual(['suite-1', 'suite-2', 'suite-3']);

    const reported = await runActionInProcess({
      inputs: { mode: 'report', 'github-token': 'ghs_fake', 'results-path': 'out/results.json' },
      event: { name: 'workflow_run', payload: event('workflow_run.json') },
      workspace,
      env: { GITHUB_API_URL: fake.url },
    });
    expect(reported.code, reported.stdout).toBe(0);
    const comments = fake.commentsOn(pr);
    expect(comments).toHaveLength(1);
    for (const suite of ['suite-1', 'suite-2', 'suite-3']) {
      expect(comments[0]?.body).toContain(suite);
    }
  });
});
