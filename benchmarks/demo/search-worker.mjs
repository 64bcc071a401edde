/**
 * Search worker: holds one read connection of the pool (OPTIMIZATION_CONNECTION_POOL_SIZE of
 * these run). better-sqlite3 is synchronous, so one connection in the main thread would serialize
 * every search and block the event loop; here each search runs in a worker that owns its own
 * connection, and the pool size is the number of searches that can read the database at once.
 *
 * Network round trips: users' vector stores sit across a network, where a connection spends much
 * of a query waiting for the server, and that wait is why a pool of connections pays even on two
 * cores (a CPU-bound scan alone gains nothing from more connections than cores). SQLite is a
 * local file, so each round trip (every chunk fetched, and the final lookup of the top k) first
 * waits DEMO_DB_RTT_US microseconds (default 500, 0 turns it off), blocking this worker and
 * holding its connection as a synchronous driver waiting on its socket would. The wait is counted
 * in db_query_duration_seconds, as a client would measure it.
 *
 * A search is a brute-force cosine scan, read from SQLite on every query (no decoded vectors are
 * cached in memory): rows come in chunks of CHUNK by rowid inside one read transaction (a
 * consistent snapshot, even while the writer commits), each BLOB is copied into an aligned
 * Float32Array and scored against the unit query vector (stored vectors are unit length, so the
 * dot product is the cosine). The time spent inside SQLite is reported as dbSeconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DIM } from './embedding.mjs';

const CHUNK = 250;

const db = new Database(workerData.dbPath, { readonly: true, fileMustExist: true });
const chunk = db
  .prepare('SELECT rowid, vec FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?')
  .raw();
const rttMs = (workerData.rttMicroseconds ?? 0) / 1000;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** One network round trip to the database (nothing when DEMO_DB_RTT_US is 0). */
function roundTrip() {
  if (rttMs > 0) Atomics.wait(sleepCell, 0, 0, rttMs);
}
const begin = db.prepare('BEGIN');
const commit = db.prepare('COMMIT');

const scratch = new Float32Array(DIM);
const scratchBytes = new Uint8Array(scratch.buffer);

function search(query, k) {
  const topRowids = [];
  const topScores = [];
  let dbNs = 0n;
  let scanned = 0;
  begin.run();
  try {
    let after = 0;
    for (;;) {
      const start = process.hrtime.bigint();
      roundTrip();
      const rows = chunk.all(after, CHUNK);
      dbNs += process.hrtime.bigint() - start;
      for (const [rowid, blob] of rows) {
        scratchBytes.set(blob.subarray(0, DIM * 4));
        let score = 0;
        for (let d = 0; d < DIM; d += 1) score += scratch[d] * query[d];
        if (topScores.length < k || score > topScores[topScores.length - 1]) {
          let i = topScores.length;
          if (i === k) i -= 1;
          while (i > 0 && topScores[i - 1] < score) {
            topScores[i] = topScores[i - 1];
            topRowids[i] = topRowids[i - 1];
            i -= 1;
          }
          topScores[i] = score;
          topRowids[i] = rowid;
        }
      }
      scanned += rows.length;
      if (rows.length < CHUNK) break;
      after = rows[rows.length - 1][0];
    }
    const start = process.hrtime.bigint();
    roundTrip();
    const found = new Map(
      topRowids.length === 0
        ? []
        : db
            .prepare(
              `SELECT rowid, id, text FROM docs WHERE rowid IN (${topRowids.map(() => '?').join(',')})`,
            )
            .all(...topRowids)
            .map((row) => [row.rowid, row]),
    );
    const results = topRowids.map((rowid, i) => ({
      id: found.get(rowid).id,
      text: found.get(rowid).text,
      score: topScores[i],
    }));
    dbNs += process.hrtime.bigint() - start;
    return { results, scanned, dbSeconds: Number(dbNs) / 1e9 };
  } finally {
    commit.run();
  }
}

// Two scans before taking work: the scoring loop is compiled and the file is in the page cache,
// so a worker's first searches are not its slowest (a pool that is larger than the load needs
// still pays for cold workers, as real pools do).
const warmQuery = new Float32Array(DIM).fill(1 / Math.sqrt(DIM));
search(warmQuery, 1);
search(warmQuery, 1);

parentPort.on('message', ({ id, vector, k }) => {
  try {
    parentPort.postMessage({ id, result: search(vector, k) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
parentPort.postMessage({ ready: true });
