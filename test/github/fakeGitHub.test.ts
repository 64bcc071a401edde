// The fake itself: its answers must be GitHub's, or the tests built on it prove nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

let fake: FakeGitHub;
beforeEach(async () => (fake = await startFakeGitHub()));
afterEach(() => fake.close());

const get = (path: string, token = 'ghs_fake') =>
  fetch(`${fake.url}${path}`, { headers: { authorization: `token ${token}` } });

describe('fake GitHub', () => {
  it("formats Link as GitHub does: prev, next, last, first, keeping the request's query", async () => {
    const pr = fake.addPull({ headSha: 'a'.repeat(40) }).number;
    for (let i = 0; i < 7; i++) fake.addComment(pr, `c${i}`);
    const path = `/repos/octo-org/octo-repo/issues/${pr}/comments`;
    const res = await get(`${path}?per_page=3&page=2`);
    const at = (page: number) => `<${fake.url}${path}?per_page=3&page=${page}>`;
    expect(res.headers.get('link')).toBe(
      `${at(1)}; rel="prev", ${at(3)}; rel="next", ${at(3)}; rel="last", ${at(1)}; rel="first"`,
    );
    expect(((await res.json()) as { body: string }[]).map((c) => c.body)).toEqual([
      'c3',
      'c4',
      'c5',
    ]);
    const last = await get(`${path}?per_page=3&page=3`);
    expect(last.headers.get('link')).toBe(`${at(2)}; rel="prev", ${at(1)}; rel="first"`);
    expect((await get(`${path}?per_page=100`)).headers.get('link')).toBeNull();
  });

  it('answers a secondary rate limit with 403, retry-after and primary quota left', async () => {
    fake.failNext(1, 'secondary-rate-limit');
    const res = await get('/repos/octo-org/octo-repo/pulls');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('x-ratelimit-remaining')).not.toBe('0');
    expect(await res.json()).toMatchObject({
      message: expect.stringMatching(/secondary rate limit/),
    });
    expect((await get('/repos/octo-org/octo-repo/pulls')).status).toBe(200);
  });

  it('fails the next N requests with a server error, then recovers', async () => {
    fake.failNext(2, 502);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await get('/repos/octo-org/octo-repo/pulls')).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('lets a read-only token read but not write', async () => {
    fake.setToken('ghs_fork', { readOnly: true });
    const pr = fake.addPull({ headSha: 'a'.repeat(40) }).number;
    const path = `/repos/octo-org/octo-repo/issues/${pr}/comments`;
    expect((await get(path, 'ghs_fork')).status).toBe(200);
    const post = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { authorization: 'token ghs_fork' },
      body: JSON.stringify({ body: 'hi' }),
    });
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ message: 'Resource not accessible by integration' });
  });

  it('refuses comment bodies over 65,536 characters with 422', async () => {
    const pr = fake.addPull({ headSha: 'a'.repeat(40) }).number;
    const post = await fetch(`${fake.url}/repos/octo-org/octo-repo/issues/${pr}/comments`, {
      method: 'POST',
      body: JSON.stringify({ body: 'x'.repeat(65537) }),
    });
    expect(post.status).toBe(422);
  });
});
