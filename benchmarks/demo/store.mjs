/**
 * The SQLite store: one table of documents, each with its embedding as a BLOB (Float32Array
 * bytes, little-endian as on every platform Node runs on). The main thread holds the only writer
 * connection (seeding, upserts); searches read through the connections of the search workers.
 * WAL mode lets those readers run while the writer commits.
 */
import Database from 'better-sqlite3';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  rowid INTEGER PRIMARY KEY,
  id    TEXT NOT NULL UNIQUE,
  text  TEXT NOT NULL,
  vec   BLOB NOT NULL
)`;

/** Opens (creating if needed) the database at `path` for writing. */
export function openWriter(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const upsert = db.prepare(
    `INSERT INTO docs (id, text, vec) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET text = excluded.text, vec = excluded.vec`,
  );
  const count = db.prepare('SELECT count(*) AS n FROM docs').pluck();
  return {
    db,
    count: () => count.get(),
    /** Writes one document; `vector` is a Float32Array of DIM. */
    upsert: (id, text, vector) =>
      upsert.run(id, text, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)),
    /** Writes many documents in one transaction. */
    upsertMany: db.transaction((docs) => {
      for (const { id, text, vector } of docs) {
        upsert.run(id, text, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      }
    }),
    close: () => db.close(),
  };
}
