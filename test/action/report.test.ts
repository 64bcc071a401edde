// Report mode when it cannot find the pull request: the action's run() in this process against a
// local GitHub stand-in (test/helpers/fakeGitHub.ts), as in main.test.ts.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/results/schema.js';
import { ROOT, runActionInProcess } from '../helpers/actionRunner.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';
import { workspaceWithOrigin } from '../helpers/gitRepo.js';
import { around } from '../helpers/results.js';

const payload = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/events/workflow_run.json'), 'utf8'),
) as Record<string, unknown>;
const headSha = '9049f1265b7d61be4a8904a9a27120d2064dab3b'; // the fixture's workflow_run.head_sha

let fake: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  // No pull request and no commit: GitHub answers 422 "No commit found for SHA" for the head.
  fake = await startFakeGitHub();
  ({ workspace } = await workspaceWithOrigin('perfgate-report-'));
  const results: Results = {
    schema: 'perfgate/results@1',
    createdAt: '2026-11-28T09:00:00Z',
    commit: headSha,
    configHash: 'c'.repeat(64),
    environment: {},
    suites: [
      {
        name: 'api',
        metrics: [{ name: 'latency_p50', unit: 'ms', direction: 'lower', samples: around(10, 6) }],
      },
    ],
  };
  await mkdir(join(workspace, 'out'), { recursive: true });
  await writeFile(join(workspace, 'out/results.json'), JSON.stringify(results));
}, 60_000);

afterAll(() => fake.close());

const report = (inputs: Record<string, string>) =>
  runActionInProcess({
    inputs: { 'results-path': 'out/results.json', mode: 'report', ...inputs },
    event: { name: 'workflow_run', payload },
    workspace,
    env: { GITHUB_API_URL: fake.url },
  });

describe('report mode without a pull request to comment on', () => {
  it("treats GitHub's 422 'No commit found for SHA' as no pull request: a note, exit 0", async () => {
    const result = await report({ 'github-token': 'ghs_fake' });
    expect(result.code, result.stdout).toBe(0);
    expect(fake.requests).toContainEqual(
      expect.objectContaining({
        path: `/repos/octo-org/octo-repo/commits/${headSha}/pulls`,
        status: 422,
      }),
    );
    expect(result.stdout).toContain(
      `no open pull request has head ${headSha}: nothing to comment on`,
    );
    expect(fake.comments).toEqual([]);
  }, 60_000);

  it('says it had no token rather than that no pull request has the head', async () => {
    const before = fake.requests.length;
    const result = await report({});
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `no github-token, so the pull request with head ${headSha} was not looked up`,
    );
    expect(result.stdout).not.toContain('no open pull request has head');
    expect(fake.requests.slice(before)).toEqual([]);
  }, 60_000);
});
