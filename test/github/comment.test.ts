import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertComment } from '../../src/github/comment.js';
import { markerFor } from '../../src/github/marker.js';
import { plainClient, startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

const marker = markerFor('bench');
const renovate = { login: 'renovate[bot]', id: 29139614, type: 'Bot' as const };
const mona = { login: 'mona', id: 15669918, type: 'User' as const };
let fake: FakeGitHub;
let pr: number;

beforeEach(async () => {
  fake = await startFakeGitHub();
  pr = fake.addPull({ headSha: 'a'.repeat(40) }).number;
});
afterEach(() => fake.close());

const upsert = (
  body: string,
  extra: { botLogin?: string; token?: string; create?: boolean } = {},
) =>
  upsertComment(plainClient(fake, extra.token), {
    owner: 'octo-org',
    repo: 'octo-repo',
    issueNumber: pr,
    marker,
    body,
    botLogin: extra.botLogin,
    create: extra.create,
  });

describe('upsertComment', () => {
  it('creates the comment once, with the marker first, then updates it in place', async () => {
    const first = await upsert('p95 +3 %');
    const second = await upsert('p95 +1 %');
    expect(first).toEqual({
      action: 'created',
      url: expect.stringMatching(/pull\/1#issuecomment-/),
    });
    expect(second).toEqual({ action: 'updated', url: (first as { url: string }).url });
    expect(fake.commentsOn(pr).map((c) => c.body)).toEqual([`${marker}\np95 +1 %`]);
  });

  it('with create: false only updates an existing comment (comment: on-change)', async () => {
    expect(await upsert('nothing changed', { create: false })).toEqual({ action: 'none' });
    expect(fake.commentsOn(pr)).toHaveLength(0);
    await upsert('p95 +3 %');
    expect(await upsert('fixed', { create: false })).toMatchObject({ action: 'updated' });
    expect(fake.commentsOn(pr).map((c) => c.body)).toEqual([`${marker}\nfixed`]);
  });

  it('pages through all comments and updates the marker comment found on page 3', async () => {
    // 250 comments by people, then ours: with 100 a page, ours is the first of page 3.
    for (let i = 0; i < 250; i++) fake.addComment(pr, `comment ${i}`, mona);
    const ours = fake.addComment(pr, `${marker}\nold table`);
    expect(await upsert('new table')).toEqual({ action: 'updated', url: ours.html_url });
    expect(fake.commentsOn(pr)).toHaveLength(251);
    expect(ours.body).toBe(`${marker}\nnew table`);
    const calls = fake.requests.map((r) => `${r.method} ${r.query.page ?? ''}`);
    expect(calls).toEqual(['GET ', 'GET 2', 'GET 3', 'PATCH ']);
    expect(fake.requests[0]?.query.per_page).toBe('100');
  });

  it("leaves other bots' and people's comments with the same marker alone", async () => {
    const theirs = fake.addComment(pr, `${marker}\nrenovate copied it`, renovate);
    const quoted = fake.addComment(pr, `> ${marker}\n> quoted by a person`, mona);
    expect(await upsert('ours')).toMatchObject({ action: 'created' });
    expect(theirs.body).toBe(`${marker}\nrenovate copied it`);
    expect(quoted.body).toBe(`> ${marker}\n> quoted by a person`);
    expect(fake.commentsOn(pr)).toHaveLength(3);
  });

  it('matches the login of an app or personal token when given one', async () => {
    const app = { login: 'perfgate-app[bot]', id: 7, type: 'Bot' as const };
    fake.setToken('ghs_app', { user: app });
    const ours = fake.addComment(pr, `${marker}\nold`, app);
    const result = await upsert('new', { botLogin: app.login, token: 'ghs_app' });
    expect(result).toEqual({ action: 'updated', url: ours.html_url });
  });

  it('skips, without throwing, when the token is read-only (a fork pull request)', async () => {
    fake.setToken('ghs_fork', { readOnly: true });
    expect(await upsert('table', { token: 'ghs_fork' })).toEqual({ skipped: 'read-only token' });
    expect(fake.commentsOn(pr)).toEqual([]);
  });

  it('still throws other errors', async () => {
    await expect(
      upsertComment(plainClient(fake), {
        owner: 'octo-org',
        repo: 'octo-repo',
        issueNumber: 999,
        marker,
        body: 'x',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('markerFor', () => {
  it('is a hidden HTML comment', () => {
    expect(markerFor('gpu.nightly')).toBe('<!-- perfgate:gpu.nightly -->');
  });
  it('refuses names that could close the comment early', () => {
    expect(() => markerFor('x -->')).toThrow(/marker name "x -->"/);
  });
});
