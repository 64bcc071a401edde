/**
 * The demo service, as a real child process on a free port: its API, its metrics, its knob
 * validation and its shutdown. A small corpus and small pools keep a start near a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusId, corpusText } from '../../benchmarks/demo/corpus.mjs';

const SERVER = fileURLToPath(new URL('../../benchmarks/demo/server.mjs', import.meta.url));
const CORPUS_SIZE = 300;
const DIM = 384;

/** A port nothing listens on now: the kernel's pick for a listener on port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the base URL once the server prints that it listens; rejects if it exits. */
async function waitListening(started: Started, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void started.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout());
    if (match?.[1]) return match[1];
    if (exitCode !== undefined) {
      throw new Error(`server exited with ${exitCode}: ${started.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not listen within ${timeoutMs} ms: ${started.stderr()}`);
}

async function post<T>(
  url: string,
  path: string,
  body: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

const embed = async (url: string, texts: string[]) =>
  (await post<{ vectors: number[][] }>(url, '/embed', { texts })).json.vectors;

interface Hit {
  id: string;
  text: string;
  score: number;
}
const search = async (url: string, body: object) =>
  (await post<{ results: Hit[] }>(url, '/search', body)).json.results;

const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe('demo server', () => {
  let scratch: string;
  let server: Started;
  let url: string;

  beforeAll(async () => {
    // Its own TMPDIR: the temporary database and the seeded copy land here, removed at the end.
    scratch = mkdtempSync(join(tmpdir(), 'perfgate-demo-test-'));
    server = launch({
      PORT: String(await freePort()),
      TMPDIR: scratch,
      DEMO_CORPUS_SIZE: String(CORPUS_SIZE),
      OPTIMIZATION_THREAD_POOL_SIZE: '2',
      OPTIMIZATION_CONNECTION_POOL_SIZE: '2',
      OPTIMIZATION_BATCH_SIZE: '8',
      OPTIMIZATION_CACHE_SIZE: '50',
    });
    url = await waitListening(server);
  });

  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports health with the documents and the knobs it runs with', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'ok',
      docs: CORPUS_SIZE,
      knobs: { cacheSize: 50, batchSize: 8, threadPoolSize: 2, connectionPoolSize: 2 },
    });
  });

  it('embeds texts as deterministic unit vectors of 384 dimensions', async () => {
    const texts = ['the quick brown fox', 'jumps over', 'the lazy dog', ''];
    const first = await embed(url, texts);
    expect(first).toHaveLength(texts.length);
    for (const vector of first) {
      expect(vector).toHaveLength(DIM);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    }
    // Same text, other company in its batch (and past the cache of 50): same vector.
    const filler = Array.from({ length: 60 }, (_, i) => `filler text ${i}`);
    const again = await embed(url, [...filler, 'jumps over']);
    expect(again[60]).toEqual(first[1]);
    // Different texts differ; texts that share words are closer than unrelated ones.
    const [a, b, c] = await embed(url, ['vector database', 'vector databases', 'zebra']);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  it('finds the exact nearest stored documents, the stored document itself first', async () => {
    const ids = Array.from({ length: CORPUS_SIZE }, (_, i) => corpusId(i));
    const texts = Array.from({ length: CORPUS_SIZE }, (_, i) => corpusText(i));
    const stored = [
      ...(await embed(url, texts.slice(0, 150))),
      ...(await embed(url, texts.slice(150))),
    ];

    const bySelf = await search(url, { text: texts[123], k: 5 });
    expect(bySelf).toHaveLength(5);
    expect(bySelf[0]).toMatchObject({ id: corpusId(123), text: texts[123] });
    expect(bySelf[0]!.score).toBeCloseTo(1, 5);

    // A query vector of our own: the server's top 7 are the brute-force top 7, in order.
    const query = stored[7]!.map(
      (v, d) => v + 0.8 * (stored[42]![d] ?? 0) + (d % 7 === 0 ? 0.05 : 0),
    );
    const norm = Math.sqrt(dot(query, query));
    const expected = stored
      .map((vector, i) => ({ id: ids[i], score: dot(vector, query) / norm }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 7);
    const results = await search(url, { vector: query, k: 7 });
    expect(results.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    results.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 5));
  });

  it('finds a document right after it is upserted, and its new text after an update', async () => {
    const text = 'perfgate measures the demo with mann whitney';
    expect((await post(url, '/upsert', { id: 'new-doc', text })).json).toEqual({
      id: 'new-doc',
      upserted: true,
    });
    const [hit] = await search(url, { text, k: 3 });
    expect(hit).toMatchObject({ id: 'new-doc', text });

    const changed = 'a completely different sentence about caches';
    await post(url, '/upsert', { id: 'new-doc', text: changed });
    const [again] = await search(url, { text: changed, k: 1 });
    expect(again).toMatchObject({ id: 'new-doc', text: changed });
    const health = (await (await fetch(`${url}/health`)).json()) as { docs: number };
    expect(health.docs).toBe(CORPUS_SIZE + 1);
  });

  it('exposes its counters and histograms at /metrics', async () => {
    await embed(url, ['counted once', 'counted once']);
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('cache_hits_total')).toBeGreaterThan(0);
    expect(value('cache_misses_total')).toBeGreaterThan(0);
    expect(value('embed_batch_size_count')).toBeGreaterThan(0);
    expect(text).toMatch(/^db_query_duration_seconds_count\{operation="search"\} [1-9]/m);
    expect(text).toMatch(/^db_query_duration_seconds_count\{operation="upsert"\} [1-9]/m);
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/embed",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('answers bad requests with 400 and unknown routes with 404', async () => {
    expect((await post(url, '/embed', { texts: 'not a list' })).status).toBe(400);
    expect((await post(url, '/embed', { texts: [1] })).status).toBe(400);
    expect((await post(url, '/search', { text: 'x', vector: [1] })).status).toBe(400);
    expect((await post(url, '/search', { vector: [1, 2, 3] })).status).toBe(400);
    expect((await post(url, '/search', { text: 'x', k: 0 })).status).toBe(400);
    expect((await post(url, '/upsert', { id: '', text: 'x' })).status).toBe(400);
    const broken = await fetch(`${url}/embed`, { method: 'POST', body: '{not json' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'the body is not valid JSON' });
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('exits 0 on SIGTERM, after closing everything and deleting its database', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('SIGTERM, shutting down');
    // Only the kept seeded copy remains in its temporary folder.
    expect(readdirSync(scratch).filter((name) => !name.startsWith('perfgate-demo-seed-'))).toEqual(
      [],
    );
    expect(readdirSync(scratch).some((name) => name.startsWith('perfgate-demo-seed-'))).toBe(true);
    expect(existsSync(scratch)).toBe(true);
  });
});

describe('demo server knobs', () => {
  it.each([
    ['OPTIMIZATION_CACHE_SIZE', 'abc'],
    ['OPTIMIZATION_BATCH_SIZE', '0'],
    ['OPTIMIZATION_THREAD_POOL_SIZE', '-4'],
    ['OPTIMIZATION_CONNECTION_POOL_SIZE', '2.5'],
    ['PORT', '70000'],
  ])('exits 2 naming %s when it is %s', async (name, value) => {
    const started = launch({ [name]: value });
    expect(await started.exited).toBe(2);
    expect(started.stderr()).toContain(name);
    expect(started.stderr()).toMatch(/must be (a positive integer|an integer) from/);
    expect(started.stderr()).toContain(value);
    expect(started.stdout()).not.toContain('listening');
  });
});
