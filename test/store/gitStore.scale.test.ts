// What the git store moves as the history grows, counted at a smart-HTTP server (as GitHub
// serves it): an append must not download the stored files, and a listing must fetch them in
// one batch, not one upload-pack session per file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitStore } from '../../src/store/gitStore.js';
import {
  authorizationHeader,
  startGitHttpServer,
  type GitHttpServer,
} from '../helpers/gitHttpServer.js';
import { seedHistory } from '../helpers/storedHistory.js';
import { filesOn, makeRemote, result, sh, type Remote } from './repos.js';

const TOKEN = 'ghs_scaleToken0123456789';
const STORED = 60;

let remote: Remote;
let server: GitHttpServer;
let workspace: string;
let seeded: string[];

beforeEach(async () => {
  remote = await makeRemote();
  server = await startGitHttpServer({ projectRoot: remote.root, token: TOKEN });
  workspace = await remote.clone('workspace');
  await sh(workspace, 'remote', 'set-url', 'origin', `${server.url}remote.git`);
  await sh(workspace, 'config', `http.${server.url}.extraheader`, authorizationHeader(TOKEN));
  seeded = await seedHistory(remote.bare, { count: STORED, foreignEvery: 4 });
  server.requests.length = 0;
});

afterEach(async () => {
  await server.close();
  await remote.cleanup();
});

/** One `git fetch` (or lazy fetch) is one upload-pack ref advertisement. */
function fetchSessions(): number {
  return server.requests.filter(
    (request) => request.method === 'GET' && request.path.includes('service=git-upload-pack'),
  ).length;
}

function bytesSent(): number {
  return server.requests.reduce((sum, request) => sum + request.sent, 0);
}

describe('an append', () => {
  it('fetches the tip once and no stored file, and keeps every file', async () => {
    const store = gitStore({ repoDir: workspace, retry: { budgetMs: 0 } });
    const where = await store.append(result('2026-11-28T09:00:00Z', 'f'.repeat(40)), {
      branch: 'main',
    });

    // Before the fix, `write-tree` in the partial clone fetched all 60 files in a second session.
    expect(fetchSessions()).toBe(1);
    const files = await filesOn(remote.bare, 'perfgate-data');
    expect(files).toHaveLength(STORED + 2);
    expect(files).toEqual(
      expect.arrayContaining([...seeded, 'README.md', where.replace('perfgate-data:', '')]),
    );
    expect(await sh(remote.bare, 'fsck', '--no-progress', '--connectivity-only')).toBe('');
  });
});

describe('a listing', () => {
  it('reads every file of the branch in one batched fetch', async () => {
    const { entries, warnings } = await gitStore({ repoDir: workspace }).list('main');

    expect(warnings).toEqual([]);
    expect(entries.map((e) => e.path)).toEqual(
      seeded.filter((p) => p.startsWith('main/')).map((p) => `perfgate-data:${p}`),
    );
    // The tip, then one batch: before the fix, one lazy fetch per file (30 more).
    expect(fetchSessions()).toBeLessThanOrEqual(2);
  });

  it('reads only the newest matching runs it is asked for', async () => {
    const store = gitStore({ repoDir: workspace });
    const all = (await store.list('main')).entries;
    const allBytes = bytesSent();
    server.requests.length = 0;

    const accept = (results: { configHash?: string }) => results.configHash === 'c0ffee00c0ffee00';
    const { entries } = await store.list('main', { newest: 5, accept });

    const newestMatching = all.filter((e) => accept(e.results)).slice(0, 5);
    // At least the newest five matching runs, newest first, and far fewer than the whole branch.
    expect(entries.filter((e) => accept(e.results)).slice(0, 5)).toEqual(newestMatching);
    expect(entries).toEqual(all.slice(0, entries.length));
    expect(entries.length).toBeLessThan(all.length / 2);
    expect(fetchSessions()).toBeLessThanOrEqual(3);
    expect(bytesSent()).toBeLessThan(allBytes);
  });
});
