import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertTrackingIssue } from '../../src/github/issues.js';
import { plainClient, startFakeGitHub, type FakeGitHub } from '../helpers/fakeGitHub.js';

let fake: FakeGitHub;
beforeEach(async () => (fake = await startFakeGitHub()));
afterEach(() => fake.close());

const upsert = (key: string, body: string) =>
  upsertTrackingIssue(plainClient(fake), {
    owner: 'octo-org',
    repo: 'octo-repo',
    key,
    title: `Nightly regression: ${key}`,
    body,
    labels: ['performance'],
  });

describe('upsertTrackingIssue', () => {
  it('opens one issue for a key, then updates it night after night', async () => {
    const first = await upsert('vector-api.p95', 'night 1');
    const second = await upsert('vector-api.p95', 'night 2');
    expect(first).toMatchObject({ action: 'created' });
    expect(second).toEqual({ ...first, action: 'updated' });
    expect(fake.issues).toHaveLength(1);
    expect(fake.issues[0]).toMatchObject({
      body: '<!-- perfgate:vector-api.p95 -->\nnight 2',
      labels: [{ name: 'perfgate' }, { name: 'performance' }],
    });
  });

  it('keeps one issue per key', async () => {
    await upsert('vector-api.p95', 'x');
    await upsert('embed.throughput', 'y');
    expect(fake.issues.map((i) => i.title)).toEqual([
      'Nightly regression: vector-api.p95',
      'Nightly regression: embed.throughput',
    ]);
  });

  it('opens a new issue when the old one was closed (the regression came back)', async () => {
    fake.addIssue({
      title: 'old',
      body: '<!-- perfgate:k -->\nfixed',
      labels: ['perfgate'],
      state: 'closed',
    });
    expect(await upsert('k', 'again')).toMatchObject({ action: 'created' });
    expect(fake.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('takes only issues labelled perfgate as candidates', async () => {
    fake.addIssue({ title: 'unlabelled', body: '<!-- perfgate:k -->', labels: [] });
    expect(await upsert('k', 'b')).toMatchObject({ action: 'created' });
    expect(fake.requests[0]?.query).toMatchObject({ state: 'open', labels: 'perfgate' });
  });
});
