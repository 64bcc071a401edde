import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isTrustedEvent,
  parseEventContext,
  readEventContext,
  type EventEnv,
} from '../../src/github/context.js';

const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`../fixtures/events/${name}.json`, import.meta.url), 'utf8'));
const env = (eventName: string, ref: string, sha = '1'.repeat(40)): EventEnv => ({
  GITHUB_EVENT_NAME: eventName,
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_REF: ref,
  GITHUB_SHA: sha,
});
const repo = { owner: 'octo-org', repo: 'octo-repo', defaultBranch: 'main' };

describe('parseEventContext', () => {
  it('reads a same-repository pull request', async () => {
    const ctx = parseEventContext(
      env('pull_request', 'refs/pull/42/merge'),
      await fixture('pull_request'),
    );
    expect(ctx).toEqual({
      ...repo,
      eventName: 'pull_request',
      ref: 'refs/pull/42/merge',
      // GITHUB_SHA is the test merge commit; the PR's head is in the payload.
      sha: '1'.repeat(40),
      pullRequest: {
        number: 42,
        baseRef: 'main',
        baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
        headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        isFork: false,
      },
      workflowRun: undefined,
    });
    expect(isTrustedEvent(ctx)).toBe(false);
  });

  it("marks a fork's pull request, and one whose fork was deleted", async () => {
    const payload = (await fixture('pull_request.fork')) as {
      pull_request: { head: { repo: unknown } };
    };
    const ctx = parseEventContext(env('pull_request', 'refs/pull/43/merge'), payload);
    expect(ctx.pullRequest).toMatchObject({ number: 43, isFork: true });
    payload.pull_request.head.repo = null;
    expect(parseEventContext(env('pull_request', 'x'), payload).pullRequest?.isFork).toBe(true);
  });

  it('reads a push, trusted only on the default branch', async () => {
    const payload = await fixture('push');
    const ctx = parseEventContext(env('push', 'refs/heads/main'), payload);
    expect(ctx).toMatchObject({ ...repo, eventName: 'push', pullRequest: undefined });
    expect(isTrustedEvent(ctx)).toBe(true);
    expect(isTrustedEvent(parseEventContext(env('push', 'refs/heads/feature'), payload))).toBe(
      false,
    );
    expect(isTrustedEvent(parseEventContext(env('push', 'refs/tags/main'), payload))).toBe(false);
  });

  it('trusts the schedule, also with the old payload that held only the cron line', async () => {
    const ctx = parseEventContext(env('schedule', 'refs/heads/main'), await fixture('schedule'));
    expect(ctx).toMatchObject({ ...repo, eventName: 'schedule' });
    expect(isTrustedEvent(ctx)).toBe(true);
    const old = parseEventContext(env('schedule', 'refs/heads/main'), { schedule: '17 3 * * *' });
    expect(old.defaultBranch).toBeUndefined();
    expect(isTrustedEvent(old)).toBe(true);
  });

  it('trusts workflow_dispatch only on the default branch', async () => {
    const payload = await fixture('workflow_dispatch');
    expect(
      isTrustedEvent(parseEventContext(env('workflow_dispatch', 'refs/heads/main'), payload)),
    ).toBe(true);
    expect(
      isTrustedEvent(parseEventContext(env('workflow_dispatch', 'refs/heads/exp'), payload)),
    ).toBe(false);
  });

  it("reads a workflow_run after a fork's benchmark, never trusted", async () => {
    const ctx = parseEventContext(
      env('workflow_run', 'refs/heads/main'),
      await fixture('workflow_run'),
    );
    expect(ctx.workflowRun).toEqual({
      id: 9512345678,
      // The fork's branch is also called main: the branch name proves nothing, the event does.
      headBranch: 'main',
      headSha: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
      event: 'pull_request',
      conclusion: 'success',
    });
    expect(isTrustedEvent(ctx)).toBe(false);
  });

  it('names the missing variable or the bad field', async () => {
    const noRepo = { ...env('push', 'refs/heads/main'), GITHUB_REPOSITORY: undefined };
    expect(() => parseEventContext(noRepo, {})).toThrow(/GITHUB_REPOSITORY: is not set/);
    expect(() =>
      parseEventContext(
        { ...env('push', 'x'), GITHUB_EVENT_PATH: '/e.json' },
        { pull_request: { number: '7' } },
      ),
    ).toThrow(/\/e\.json: pull_request\.number: /);
  });
});

describe('readEventContext', () => {
  it('reads the payload file GITHUB_EVENT_PATH names', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'perfgate-event-')), 'event.json');
    writeFileSync(path, JSON.stringify(await fixture('push')));
    const ctx = readEventContext({ ...env('push', 'refs/heads/main'), GITHUB_EVENT_PATH: path });
    expect(ctx.defaultBranch).toBe('main');
  });
});
