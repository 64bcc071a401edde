import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPullRequestsBySha } from '../../src/github/pulls.js';
import { plainClient, startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

const sha = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
let fake: FakeGitHub;
beforeEach(async () => (fake = await startFakeGitHub()));
afterEach(() => fake.close());

const find = (headSha = sha) =>
  findPullRequestsBySha(plainClient(fake), { owner: 'octo-org', repo: 'octo-repo', sha: headSha });

describe('findPullRequestsBySha', () => {
  it('finds a same-repository pull request through the commit', async () => {
    const pull = fake.addPull({ headSha: sha, baseRef: 'main' });
    expect(await find()).toEqual([
      { number: pull.number, url: pull.html_url, headSha: sha, baseRef: 'main' },
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/repos/octo-org/octo-repo/commits/${sha}/pulls`,
    ]);
  });

  it("finds a fork's pull request, which GitHub does not associate with the commit", async () => {
    const pull = fake.addPull({ headSha: sha, headRepo: 'mona/octo-repo', headRef: 'main' });
    expect((await find()).map((p) => p.number)).toEqual([pull.number]);
    expect(fake.requests.map((r) => r.path)).toContain('/repos/octo-org/octo-repo/pulls');
  });

  it('ignores closed pull requests and other heads', async () => {
    fake.addPull({ headSha: sha, state: 'closed' });
    fake.addPull({ headSha: 'b'.repeat(40) });
    expect(await find()).toEqual([]);
  });

  it("finds none, without failing, for a SHA GitHub answers 422 'No commit found for SHA'", async () => {
    const unknown = 'f'.repeat(40);
    expect(await find(unknown)).toEqual([]);
    const [lookup] = fake.requests;
    expect(lookup).toMatchObject({
      path: `/repos/octo-org/octo-repo/commits/${unknown}/pulls`,
      status: 422,
    });
  });

  it('still fails on other errors, such as an unknown repository', async () => {
    const client = plainClient(fake);
    const lookup = findPullRequestsBySha(client, { owner: 'octo-org', repo: 'gone', sha });
    await expect(lookup).rejects.toMatchObject({ status: 404 });
  });
});
