// The git store against a remote that authenticates like GitHub: a smart-HTTP server on
// 127.0.0.1 that requires the job token's Basic header on every request. Each credential layout
// git itself accepts must reach the scratch repository, and a refused token must be explained.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gitStore } from '../../src/store/gitStore.js';
import {
  authorizationHeader,
  startGitHttpServer,
  type GitHttpServer,
} from '../helpers/gitHttpServer.js';
import { filesOn, makeRemote, result, sh, type Remote } from './repos.js';

const TOKEN = 'ghs_writeToken0123456789';
const READ_ONLY = 'ghs_readOnlyToken0123456789';

let remote: Remote;
let server: GitHttpServer;
/** A user's checkout whose origin is the HTTP remote, with no credentials yet. */
let workspace: string;

beforeEach(async () => {
  remote = await makeRemote();
  server = await startGitHttpServer({
    projectRoot: remote.root,
    token: TOKEN,
    readOnlyToken: READ_ONLY,
  });
  workspace = await remote.clone('workspace');
  await sh(workspace, 'remote', 'set-url', 'origin', `${server.url}remote.git`);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await remote.cleanup();
});

/** Record one result and read it back through the HTTP remote. */
async function appendAndList(): Promise<void> {
  const store = gitStore({ repoDir: workspace, retry: { budgetMs: 0 } });
  await store.append(result('2024-05-01T10:00:00Z', 'a'.repeat(40)), { branch: 'main' });
  expect(await filesOn(remote.bare, 'perfgate-data')).toHaveLength(2);
  const { entries } = await store.list('main');
  expect(entries).toHaveLength(1);
}

/** The store's failure, for a checkout configured with `token`. */
async function appendFailure(): Promise<Error> {
  const store = gitStore({ repoDir: workspace, retry: { budgetMs: 0 } });
  const failure = await store.append(result('2024-05-01T10:00:00Z'), { branch: 'main' }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  return failure as Error;
}

describe('credentials the way actions/checkout writes them', () => {
  it('pushes and reads with the extraheader keyed by the remote URL', async () => {
    await sh(workspace, 'config', `http.${server.url}.extraheader`, authorizationHeader(TOKEN));
    await appendAndList();
    expect(server.requests.some((request) => request.path.includes('git-receive-pack'))).toBe(true);
  });

  it('pushes and reads with a URL-less http.extraheader', async () => {
    await sh(workspace, 'config', 'http.extraheader', authorizationHeader(TOKEN));
    await appendAndList();
  });

  it('keeps every value of a multi-valued extraheader', async () => {
    const key = `http.${server.url}.extraheader`;
    await sh(workspace, 'config', '--add', key, authorizationHeader(TOKEN));
    await sh(workspace, 'config', '--add', key, 'X-Request-Source: ci');
    await appendAndList();
  });

  it('keeps job-level config given as GIT_CONFIG_COUNT / KEY / VALUE, sent once', async () => {
    vi.stubEnv('GIT_CONFIG_COUNT', '1');
    vi.stubEnv('GIT_CONFIG_KEY_0', `http.${server.url}.extraheader`);
    vi.stubEnv('GIT_CONFIG_VALUE_0', authorizationHeader(TOKEN));
    await appendAndList();
    // A header carried from the job and again from the checkout would be sent twice: GitHub
    // answers 400 to that, and so does the test server.
    expect(server.requests.filter((request) => request.status === 400)).toEqual([]);
  });
});

describe('credentials git reads by itself', () => {
  it('sends a header from the global config once', async () => {
    const global = join(remote.root, 'global.gitconfig');
    await sh(
      remote.root,
      'config',
      '--file',
      global,
      'http.extraheader',
      authorizationHeader(TOKEN),
    );
    vi.stubEnv('GIT_CONFIG_GLOBAL', global);
    await appendAndList();
    expect(server.requests.filter((request) => request.status === 400)).toEqual([]);
  });
});

describe('a refused token', () => {
  const hints = [/persist-credentials/, /permissions: contents: write/, /write access/];

  it('names what to check when the token is wrong, without printing it', async () => {
    const wrong = 'ghs_wrongToken0123456789';
    await sh(workspace, 'config', `http.${server.url}.extraheader`, authorizationHeader(wrong));
    const { message } = await appendFailure();
    for (const hint of hints) expect(message).toMatch(hint);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(authorizationHeader(wrong).split(' ').pop());
  });

  it('names what to check when the checkout has no credentials', async () => {
    const { message } = await appendFailure();
    expect(message).toMatch(/could not read Username/);
    for (const hint of hints) expect(message).toMatch(hint);
  });

  it('names what to check when the token may read but not push', async () => {
    await sh(workspace, 'config', `http.${server.url}.extraheader`, authorizationHeader(READ_ONLY));
    const { message } = await appendFailure();
    expect(message).toMatch(/Permission to owner\/repo\.git denied/);
    for (const hint of hints) expect(message).toMatch(hint);
    expect(message).not.toContain(READ_ONLY);
  });

  it('does not print a token kept in the remote URL', async () => {
    const wrong = 'ghs_urlToken0123456789';
    const url = server.url.replace('http://', `http://x-access-token:${wrong}@`);
    await sh(workspace, 'remote', 'set-url', 'origin', `${url}remote.git`);
    const { message } = await appendFailure();
    for (const hint of hints) expect(message).toMatch(hint);
    expect(message).not.toContain(wrong);
  });
});
