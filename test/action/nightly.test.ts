// The action's nightly mode, in-process: a real run of the example service, a folder store
// holding a planted history, and the local GitHub REST API stand-in (test/helpers/fakeGitHub.ts)
// receiving the tracking issue. Runs twice: the issue is opened once, then updated.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionInputs } from '../../src/action/inputs.js';
import { MODES_BY_NAME } from '../../src/action/modes.js';
import type { ActionEnv } from '../../src/action/types.js';
import { configHash, loadConfig } from '../../src/config/index.js';
import { createClient } from '../../src/github/client.js';
import { parseEventContext } from '../../src/github/context.js';
import type { Results } from '../../src/results/schema.js';
import { SHARD_SCHEMA, type ShardArtifact } from '../../src/results/shard.js';
import { hostEnvironment } from '../../src/run/environment.js';
import { folderStore } from '../../src/store/folderStore.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { freePort } from '../helpers/net.js';
import { exampleServiceConfig } from '../helpers/exampleConfig.js';

let fake: FakeGitHub;
let action: ActionEnv;
let storeDir: string;

/** Night `day`: api latency_p50 around `ms`, as the nightly runs stored it. */
function night(day: number, ms: number, hash: string): Results {
  return {
    schema: 'perfgate/results@1',
    createdAt: new Date(Date.UTC(2026, 9, day, 3)).toISOString(),
    commit: `${String(day).padStart(2, '0')}`.repeat(20),
    configHash: hash,
    // The same kind of machine as tonight's run: nightly compares a machine with itself.
    environment: hostEnvironment(process.env),
    suites: [
      {
        name: 'api',
        metrics: [
          {
            name: 'latency_p50',
            unit: 'ms',
            direction: 'lower',
            samples: [ms * 0.99, ms, ms * 1.01],
          },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  const workspace = await mkdtemp(join(tmpdir(), 'perfgate-nightly-'));
  storeDir = join(workspace, 'history');
  const port = await freePort();
  await writeFile(
    join(workspace, 'perfgate.yml'),
    exampleServiceConfig(port, { trials: 2, warmupSeconds: 0, durationSeconds: 0.5 }),
  );
  const hash = configHash(await loadConfig(join(workspace, 'perfgate.yml'), {}));
  const store = folderStore(storeDir);
  // 15 quiet nights around 0.2 ms, then 8 nights around 3 ms: a planted slowdown at night 16.
  for (let day = 1; day <= 23; day++) {
    await store.append(night(day, (day <= 15 ? 0.2 : 3) * (1 + 0.01 * Math.sin(day)), hash), {
      branch: 'main',
    });
  }
  const inputs: ActionInputs = {
    mode: 'nightly',
    config: 'perfgate.yml',
    dataBranch: 'perfgate-data',
    baselineWindow: 5,
    policy: {},
    failOnRegression: true,
    comment: 'always',
    commentAuthor: 'github-actions[bot]',
    resultsPath: 'out/results.json',
    reportPath: 'out/report.md',
    sitePath: 'out/site',
    name: 'perfgate',
  };
  const env = {
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
  };
  action = {
    inputs,
    context: parseEventContext(env, { repository: { default_branch: 'main' } }),
    workspace,
    env: { ...process.env, ...env },
    store,
    github: createClient('ghs_fake', { baseUrl: fake.url }),
  };
}, 60_000);

afterAll(() => fake.close());

describe('nightly mode', () => {
  it('records the night, finds the planted drift, and opens one tracking issue naming the commit range', async () => {
    const result = await MODES_BY_NAME.nightly(action);
    expect(result.verdict).toBe('drift');
    expect(result.markdown).toMatch(/🔴 \*\*Drift in 1 metric\(s\)\*\*/);
    expect(result.markdown).toContain('xychart-beta');
    const issues = fake.issues.filter((i) => !('pull_request' in i));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.title).toMatch(/^perfgate: api latency_p50 regressed \+\d/);
    expect(issues[0]?.body).toContain(`/compare/${'15'.repeat(20)}...${'16'.repeat(20)}`);
    expect(issues[0]?.body).toContain(
      `gh workflow run perf-bisect.yml -f good=${'15'.repeat(20)} -f bad=${'16'.repeat(20)} -f metric=api/latency_p50 -f issue=`,
    );
    const stored = (await readdir(join(storeDir, 'main'), { recursive: true })).filter((f) =>
      f.endsWith('.json'),
    );
    expect(stored).toHaveLength(24);
  }, 60_000);

  it('updates the same issue the next night instead of opening another', async () => {
    await MODES_BY_NAME.nightly(action);
    expect(fake.issues.filter((i) => !('pull_request' in i))).toHaveLength(1);
  }, 60_000);
});

describe('merge on a schedule (a sharded nightly)', () => {
  // Two shards' nightly records, api in shard 1 and db in shard 2, with db slowing down from
  // night 16: the merge records tonight's shards and searches each shard's own series once.
  const environment = hostEnvironment(process.env);
  const hash = 'd'.repeat(64);
  const shardRun = (day: number, suite: string, ms: number): Results => ({
    ...night(day, ms, hash),
    environment,
    suites: [{ ...(night(day, ms, hash).suites[0] as Results['suites'][number]), name: suite }],
  });
  const artifact = (index: number, head: Results): ShardArtifact => ({
    schema: SHARD_SCHEMA,
    shard: { index, count: 2 },
    suites: head.suites.map((s) => s.name),
    runsOn: ['ubuntu-latest'],
    environment,
    baseline: 'none',
    context: [],
    head,
  });

  it('records every shard in one commit, finds the drift in its shard, and opens one issue', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'perfgate-merge-nightly-'));
    const store = folderStore(join(workspace, 'history'));
    for (let day = 1; day <= 23; day++) {
      const wobble = 1 + 0.01 * Math.sin(day);
      await store.appendAll(
        [shardRun(day, 'api', 0.2 * wobble), shardRun(day, 'db', (day <= 15 ? 1 : 2) * wobble)],
        { branch: 'main' },
      );
    }
    const shards = join(workspace, 'shards');
    await mkdir(shards);
    await writeFile(
      join(shards, 'shard-1.json'),
      JSON.stringify(artifact(1, shardRun(24, 'api', 0.2))),
    );
    await writeFile(
      join(shards, 'shard-2.json'),
      JSON.stringify(artifact(2, shardRun(24, 'db', 2))),
    );
    const before = fake.issues.length;
    const result = await MODES_BY_NAME.merge({
      ...action,
      // No config in this workspace: the merge judges the artifacts as they are.
      inputs: { ...action.inputs, mode: 'merge', results: [shards] },
      workspace,
      store,
    });
    expect(result.verdict).toBe('drift');
    // Two series, each searched once although both shards ran on this one kind of machine.
    expect(result.markdown).toMatch(
      /🔴 \*\*Drift in 1 metric\(s\)\*\* \(of 2, over the last 24 runs\)/,
    );
    expect(result.markdown).toMatch(/Recorded for main, one result per shard/);
    const opened = fake.issues.slice(before).filter((i) => !('pull_request' in i));
    expect(opened.map((i) => i.title)).toEqual([
      expect.stringMatching(/^perfgate: db latency_p50 regressed \+\d/),
    ]);
    const stored = (await readdir(join(workspace, 'history', 'main'), { recursive: true })).filter(
      (f) => f.endsWith('.json'),
    );
    expect(stored).toHaveLength(48);
  }, 60_000);
});
