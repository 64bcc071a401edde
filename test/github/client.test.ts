// createClient against the local GitHub REST API stand-in (test/helpers/fakeGitHub.ts): the
// retry and throttling plugins must ride out secondary rate limits and 5xx answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/github/client.js';
import { upsertComment } from '../../src/github/comment.js';
import { markerFor } from '../../src/github/marker.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

let fake: FakeGitHub;
let pr: number;
let warnings: string[];

beforeEach(async () => {
  fake = await startFakeGitHub();
  pr = fake.addPull({ headSha: 'b'.repeat(40) }).number;
  warnings = [];
});
afterEach(() => fake.close());

const comment = () =>
  upsertComment(
    createClient('ghs_fake', {
      baseUrl: fake.url,
      warn: (m) => warnings.push(m),
      retryAfterBaseValue: 10,
    }),
    { owner: 'octo-org', repo: 'octo-repo', issueNumber: pr, marker: markerFor('api'), body: 'ok' },
  );

describe('createClient', () => {
  it('waits out two secondary rate limits (403 + retry-after) and then succeeds', async () => {
    fake.failNext(2, 'secondary-rate-limit');
    await expect(comment()).resolves.toMatchObject({ action: 'created' });
    expect(warnings.filter((w) => w.includes('secondary rate limit'))).toHaveLength(2);
    expect(fake.commentsOn(pr)).toHaveLength(1);
  }, 20_000);

  it('retries two 502 answers and then succeeds', async () => {
    fake.failNext(2, 502);
    await expect(comment()).resolves.toMatchObject({ action: 'created' });
    expect(fake.commentsOn(pr)).toHaveLength(1);
  }, 20_000);

  it('gives up after its retries on a lasting 500', async () => {
    fake.failNext(10, 500);
    await expect(comment()).rejects.toThrow(/Server Error/);
  }, 20_000);
});
