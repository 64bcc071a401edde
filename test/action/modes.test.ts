// The action's sweep and shards modes in-process (run() from src/main.ts with INPUT_*, a real git
// workspace with a bare origin, and the local stand-in for GitHub's REST API). The other modes
// have theirs in main.test.ts, report.test.ts, nightly.test.ts, merge.test.ts and
// test/dashboard/cli.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runActionInProcess } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { commit, git, workspaceWithOrigin } from '../helpers/gitRepo.js';

const event = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test/fixtures/events', name), 'utf8')) as object;

// A command suite whose latency is its KNOB's speed factor times 1 % noise: KNOB=fast is 20 %
// faster than KNOB=slow.
const BENCH = `
const factor = { slow: 1, fast: 0.8 }[process.env.KNOB ?? 'slow'];
const noise = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
console.log(JSON.stringify({ work: { latency: { value: 10 * factor * (1 + 0.01 * noise) } } }));
`;

const CONFIG = `version: 1
trials: 6
warmupSeconds: 0
suites:
  - { name: work, kind: command, command: node bench.mjs }
  - { name: gpu-infer, kind: command, command: node bench.mjs, runsOn: [self-hosted, gpu] }
  - { name: cpu-side, kind: command, command: node bench.mjs }
sweep:
  knobs: { KNOB: [slow, fast] }
  suites: [work]
  objective: { minimize: work/latency }
`;

let fake: FakeGitHub;
let workspace: string;
const inputs = {
  'github-token': 'ghs_fake',
  'results-path': 'out/results.json',
  'report-path': 'out/report.md',
};

beforeAll(async () => {
  fake = await startFakeGitHub();
  ({ workspace } = await workspaceWithOrigin('perfgate-modes-'));
  await commit(workspace, 'the benchmark', { 'bench.mjs': BENCH, 'perfgate.yml': CONFIG });
}, 60_000);

afterAll(() => fake.close());

const job = (mode: string, eventName: string, fixture: string, extra = {}) =>
  runActionInProcess({
    inputs: { ...inputs, mode, ...extra },
    event: { name: eventName, payload: event(fixture), sha: git(workspace, 'rev-parse', 'HEAD') },
    workspace,
    env: { GITHUB_API_URL: fake.url },
  });

describe('the action in-process', () => {
  it('sweep: measures each setting beside the reference and recommends the faster one', async () => {
    const run = await job('sweep', 'workflow_dispatch', 'workflow_dispatch.json');
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe('swept');
    expect(run.summary).toMatch(/set KNOB=fast \(baseline: KNOB=slow\)/);
    expect(run.outputs['results-file']).toBe(join(workspace, 'out/results.json'));
  }, 60_000);

  it('shards: plans the matrix, a pinned suite on its runners only', async () => {
    const run = await job('shards', 'push', 'push.json', { 'shard-count': '2' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe('planned');
    const matrix = JSON.parse(run.outputs.matrix as string) as {
      include: { shard: string; 'runs-on': string[]; suites: string[] }[];
    };
    expect(matrix.include.map((s) => s.shard)).toEqual(['1/2', '2/2']);
    const gpu = matrix.include.find((s) => s.suites.includes('gpu-infer'));
    expect(gpu?.['runs-on']).toEqual(['self-hosted', 'gpu']);
    expect(gpu?.suites).toEqual(['gpu-infer']);
    expect(matrix.include.flatMap((s) => s.suites).sort()).toEqual([
      'cpu-side',
      'gpu-infer',
      'work',
    ]);
  }, 60_000);

  it('shards: refuses a missing shard count, naming the input', async () => {
    const run = await job('shards', 'push', 'push.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input shard-count: mode shards needs it/);
  });
});
