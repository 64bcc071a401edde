#!/usr/bin/env node
/**
 * perfgate's demo system under test: an embedding service and a vector search API over SQLite,
 * with a cache, micro-batching and two worker pools, tuned by the users' knobs (knobs.mjs).
 *
 *   POST /embed  {"texts": string[]}                          → {"vectors": number[][]}
 *   POST /search {"text"?: string, "vector"?: number[], "k"?} → {"results": [{id, text, score}]}
 *   POST /upsert {"id": string, "text": string}               → {"id", "upserted": true}
 *   GET  /health, GET /metrics (Prometheus)
 *
 * Where each knob acts:
 * - OPTIMIZATION_CACHE_SIZE: LRU of text → embedding in the main thread; a hit skips the workers.
 * - OPTIMIZATION_BATCH_SIZE: the micro-batcher's largest batch (batcher.mjs).
 * - OPTIMIZATION_THREAD_POOL_SIZE: embedding worker threads (batches run on N threads at once).
 * - OPTIMIZATION_CONNECTION_POOL_SIZE: search worker threads, each with its own read-only SQLite
 *   connection (search-worker.mjs): at most N searches read the database at once.
 * Demo settings: PORT (8080; 0 picks a free one), DEMO_CORPUS_SIZE (5000 documents seeded at
 * start), DEMO_BATCH_MAX_WAIT_MS (2), DEMO_DB_RTT_US (500: a simulated network round trip before
 * each database read of a search, see search-worker.mjs), DEMO_DB_PATH (default: a fresh temporary database, deleted
 * at exit; a given file that already holds documents is used as it is).
 *
 * Prints one line "perfgate-demo listening on http://127.0.0.1:PORT …" when it takes requests.
 * Exit codes: 0 after SIGTERM/SIGINT, 2 for a bad setting, 1 when start-up fails.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusId, corpusText } from './corpus.mjs';
import { DIM } from './embedding.mjs';
import { KnobError, readKnobs } from './knobs.mjs';
import { LruCache } from './lru.mjs';
import { createMetrics } from './metrics.mjs';
import { MicroBatcher } from './batcher.mjs';
import { WorkerPool } from './pool.mjs';
import { openWriter } from './store.mjs';

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1 << 20;
const MAX_TEXTS = 256;
const MAX_TEXT_CHARS = 10_000;
const MAX_K = 100;
const SEED_BATCH = 64;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let knobs;
try {
  knobs = readKnobs(process.env);
} catch (error) {
  if (!(error instanceof KnobError)) throw error;
  console.error(`perfgate-demo: ${error.message}`);
  process.exit(2);
}

const metrics = createMetrics();
const cache = new LruCache(knobs.cacheSize);
let tempDir;
let writer;
let embedPool;
let searchPool;
let batcher;
let server;
let shuttingDown = false;

async function start() {
  let dbPath = knobs.dbPath;
  const seedCopy = knobs.dbPath ? undefined : seedCopyPath();
  if (!dbPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'perfgate-demo-'));
    dbPath = join(tempDir, 'vectors.db');
    if (existsSync(seedCopy)) copyFileSync(seedCopy, dbPath);
  }
  writer = openWriter(dbPath);
  embedPool = new WorkerPool(new URL('./embed-worker.mjs', import.meta.url), knobs.threadPoolSize);
  await embedPool.start();
  if (writer.count() === 0) {
    await seed();
    if (seedCopy) saveSeedCopy(seedCopy);
  }
  // Readers open after seeding, so each sees the schema and the documents.
  searchPool = new WorkerPool(
    new URL('./search-worker.mjs', import.meta.url),
    knobs.connectionPoolSize,
    { dbPath, rttMicroseconds: knobs.dbRttMicroseconds },
  );
  await searchPool.start();
  batcher = new MicroBatcher((texts) => embedPool.run({ texts }), {
    batchSize: knobs.batchSize,
    maxWaitMs: knobs.batchMaxWaitMs,
    onBatch: (size) => metrics.embedBatchSize.observe(size),
  });
  server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(knobs.port, HOST, resolve);
  });
  const { port } = server.address();
  console.log(
    `perfgate-demo listening on http://${HOST}:${port} (docs=${writer.count()} cache=${knobs.cacheSize} ` +
      `batch=${knobs.batchSize} threads=${knobs.threadPoolSize} connections=${knobs.connectionPoolSize})`,
  );
}

/**
 * Seeding embeds every document (seconds of CPU for 5,000), so the first start keeps a copy of
 * the freshly seeded database in the temporary folder and later starts copy it: each start still
 * gets its own database (upserts of one run never leak into the next), quickly. The name holds
 * the corpus size and a hash of the code that decides the stored bytes.
 */
function seedCopyPath() {
  const hash = createHash('sha256');
  for (const file of ['corpus.mjs', 'embedding.mjs', 'store.mjs']) {
    hash.update(readFileSync(new URL(`./${file}`, import.meta.url)));
  }
  return join(
    tmpdir(),
    `perfgate-demo-seed-${hash.digest('hex').slice(0, 12)}-${knobs.corpusSize}.db`,
  );
}

function saveSeedCopy(path) {
  const partial = `${path}.${process.pid}.partial`;
  try {
    writer.db.exec(`VACUUM INTO '${partial.replaceAll("'", "''")}'`);
    renameSync(partial, path); // atomic: a concurrent start sees the whole file or none
  } catch (error) {
    rmSync(partial, { force: true });
    console.error(`perfgate-demo: could not keep a copy of the seeded database: ${error}`);
  }
}

/** Embeds the deterministic corpus on all embedding workers and stores it in one transaction. */
async function seed() {
  const jobs = [];
  for (let from = 0; from < knobs.corpusSize; from += SEED_BATCH) {
    const ids = [];
    const texts = [];
    for (let i = from; i < Math.min(from + SEED_BATCH, knobs.corpusSize); i += 1) {
      ids.push(corpusId(i));
      texts.push(corpusText(i));
    }
    jobs.push(
      embedPool.run({ texts }).then((vectors) =>
        ids.map((id, i) => ({
          id,
          text: texts[i],
          vector: vectors.subarray(i * DIM, (i + 1) * DIM),
        })),
      ),
    );
  }
  const docs = (await Promise.all(jobs)).flat();
  const started = process.hrtime.bigint();
  writer.upsertMany(docs);
  metrics.dbQueryDuration.observe(
    { operation: 'seed' },
    Number(process.hrtime.bigint() - started) / 1e9,
  );
}

/** Embeddings of `texts`, from the cache where it has them, else from the batcher. */
function embedTexts(texts) {
  return Promise.all(
    texts.map((text) => {
      const cached = cache.get(text);
      if (cached) {
        metrics.cacheHits.inc();
        return cached;
      }
      metrics.cacheMisses.inc();
      return batcher.embed(text).then((vector) => {
        cache.set(text, vector);
        return vector;
      });
    }),
  );
}

function checkText(value, field) {
  if (typeof value !== 'string') throw new HttpError(400, `"${field}" must be a string`);
  if (value.length > MAX_TEXT_CHARS) {
    throw new HttpError(400, `"${field}" is longer than ${MAX_TEXT_CHARS} characters`);
  }
  return value;
}

const routes = {
  'POST /embed': async (body) => {
    const texts = body?.texts;
    if (!Array.isArray(texts) || texts.length === 0 || texts.length > MAX_TEXTS) {
      throw new HttpError(400, `"texts" must be an array of 1 to ${MAX_TEXTS} strings`);
    }
    texts.forEach((text, i) => checkText(text, `texts[${i}]`));
    const vectors = await embedTexts(texts);
    return { vectors: vectors.map((vector) => Array.from(vector)) };
  },

  'POST /search': async (body) => {
    const { text, vector, k = 10 } = body ?? {};
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
      throw new HttpError(400, `"k" must be an integer from 1 to ${MAX_K}`);
    }
    if ((text === undefined) === (vector === undefined)) {
      throw new HttpError(400, 'give exactly one of "text" and "vector"');
    }
    let query;
    if (text !== undefined) {
      [query] = await embedTexts([checkText(text, 'text')]);
    } else {
      if (!Array.isArray(vector) || vector.length !== DIM || !vector.every(Number.isFinite)) {
        throw new HttpError(400, `"vector" must be an array of ${DIM} finite numbers`);
      }
      const norm = Math.hypot(...vector);
      if (norm === 0) throw new HttpError(400, '"vector" must not be all zeros');
      query = Float32Array.from(vector, (v) => v / norm);
    }
    const { results, dbSeconds } = await searchPool.run({ vector: query, k });
    metrics.dbQueryDuration.observe({ operation: 'search' }, dbSeconds);
    return { results };
  },

  'POST /upsert': async (body) => {
    const { id, text } = body ?? {};
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
      throw new HttpError(400, '"id" must be a string of 1 to 200 characters');
    }
    const [vector] = await embedTexts([checkText(text, 'text')]);
    const started = process.hrtime.bigint();
    writer.upsert(id, text, vector);
    metrics.dbQueryDuration.observe(
      { operation: 'upsert' },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    return { id, upserted: true };
  },

  'GET /health': async () => ({
    status: shuttingDown ? 'shutting down' : 'ok',
    docs: writer.count(),
    knobs: {
      cacheSize: knobs.cacheSize,
      batchSize: knobs.batchSize,
      threadPoolSize: knobs.threadPoolSize,
      connectionPoolSize: knobs.connectionPoolSize,
    },
  }),
};

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function handle(request, response) {
  const started = process.hrtime.bigint();
  const path = (request.url ?? '/').split('?')[0];
  const key = `${request.method} ${path}`;
  let route = routes[key] || path === '/metrics' ? path : 'other';
  let status = 200;
  let payload;
  let contentType = 'application/json';
  try {
    if (path === '/metrics' && request.method === 'GET') {
      metrics.cacheEntries.set(cache.size);
      metrics.poolWaiting.set({ pool: 'embed' }, embedPool.waiting);
      metrics.poolWaiting.set({ pool: 'search' }, searchPool.waiting);
      payload = await metrics.registry.metrics();
      contentType = metrics.registry.contentType;
    } else if (routes[key]) {
      const raw = await readBody(request);
      let body;
      if (request.method === 'POST') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'the body is not valid JSON');
        }
      }
      payload = JSON.stringify(await routes[key](body));
    } else {
      route = 'other';
      throw new HttpError(404, `no route ${key}`);
    }
  } catch (error) {
    status = error instanceof HttpError ? error.status : 500;
    if (status === 500) console.error(error);
    payload = JSON.stringify({
      error: error instanceof HttpError ? error.message : 'internal error',
    });
    contentType = 'application/json';
  }
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  metrics.requestDuration.observe(
    { method: request.method, route, status_code: String(status) },
    Number(process.hrtime.bigint() - started) / 1e9,
  );
}

/** Stops taking requests, lets those in flight finish (up to 5 s), then frees everything. */
async function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`perfgate-demo: ${signal}, shutting down`);
  if (server?.listening) {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    await closed;
    clearTimeout(force);
  }
  batcher?.close();
  await Promise.all([embedPool?.close(), searchPool?.close()]);
  writer?.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

start().catch((error) => {
  if (shuttingDown) return; // a signal during start-up: shutdown() exits 0
  console.error(`perfgate-demo: start-up failed: ${error?.stack ?? error}`);
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(1);
});
