// The action's bisect mode, in-process: a real git repository of 8 commits whose commit 5 plants
// +10 % on one metric (test/helpers/bisectRepo.ts), and the local GitHub REST API stand-in
// (test/helpers/fakeGitHub.ts) holding the tracking issue and the merged pull request that
// brought commit 5 in. The mode comments on the issue once, naming the culprit and that pull
// request; run again, it updates that comment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionInputs } from '../../src/action/inputs.js';
import { MODES_BY_NAME } from '../../src/action/modes.js';
import type { ActionEnv } from '../../src/action/types.js';
import { createClient } from '../../src/github/client.js';
import { parseEventContext } from '../../src/github/context.js';
import { folderStore } from '../../src/store/folderStore.js';
import { bisectHistory } from '../helpers/bisectRepo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

let fake: FakeGitHub;
let action: ActionEnv;
let commits: string[];
let issue: number;
let pull: number;

beforeAll(async () => {
  fake = await startFakeGitHub();
  const range = await bisectHistory({ plant: 5, count: 8 });
  commits = range.commits;
  issue = fake.addIssue({
    title: 'perfgate: work m1 regressed +10 %',
    labels: ['perfgate'],
  }).number;
  // A title with what a comment must not turn into structure or a notification.
  pull = fake.addPull({
    headSha: 'e'.repeat(40),
    mergeCommit: commits[4] as string,
    title: 'Speed up m1 @octocat #1 <b>',
  }).number;
  const inputs: ActionInputs = {
    mode: 'bisect',
    config: 'perfgate.yml',
    dataBranch: 'perfgate-data',
    baselineWindow: 20,
    policy: {},
    failOnRegression: true,
    comment: 'always',
    commentAuthor: 'github-actions[bot]',
    resultsPath: 'perfgate-out/results.json',
    reportPath: 'perfgate-out/report.md',
    sitePath: 'perfgate-out/site',
    name: 'perfgate',
    good: commits[0] as string,
    bad: commits[7] as string,
    metric: ['work/*'],
    issue,
  };
  const env = {
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_SHA: commits[7] as string,
    GITHUB_REF: 'refs/heads/main',
  };
  action = {
    inputs,
    context: parseEventContext(env, { repository: { default_branch: 'main' } }),
    workspace: range.repo,
    env: { ...process.env, ...env },
    store: folderStore(`${range.repo}/.history`),
    github: createClient('ghs_fake', { baseUrl: fake.url }),
  };
}, 60_000);

afterAll(() => fake.close());

describe('bisect mode', () => {
  it('names commit 5 and the pull request that brought it in, in one comment on the issue', async () => {
    const result = await MODES_BY_NAME.bisect(action);
    expect(result.verdict).toBe('bisected');
    expect(result.outputs).toEqual({ culprit: commits[4], 'culprit-pr': String(pull) });
    const comments = fake.commentsOn(issue);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain(`First bad commit: ${commits[4]}`);
    expect(body).toContain(
      `brought in by pull request [${pull}](https://github.com/octo-org/octo-repo/pull/${pull})`,
    );
    // The title is data: no mention, no issue link, no HTML.
    expect(body).toContain('Speed up m1 @\u200boctocat #\u200b1 &lt;b&gt;');
    expect(body).not.toMatch(/@octocat|<b>/);
    expect(result.markdown).toBe(body.slice(body.indexOf('### perfgate bisect')));
  }, 180_000);

  it('updates that comment when the same range is bisected again', async () => {
    await MODES_BY_NAME.bisect(action);
    expect(fake.commentsOn(issue)).toHaveLength(1);
  }, 180_000);

  it('refuses to run without good and bad, naming the inputs', async () => {
    const inputs = { ...action.inputs, good: undefined };
    await expect(MODES_BY_NAME.bisect({ ...action, inputs })).rejects.toThrow(
      /mode bisect needs inputs good and bad/,
    );
  });
});
