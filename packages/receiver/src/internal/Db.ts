// The receiver's SQLite database: one file under the data directory, WAL mode, owned by one
// process at a time (exclusive locking), the schema created on first open.
import * as fs from "node:fs"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"

export const fileName = "receiver.sqlite"

// Samples live in memory for queries; SQLite keeps them durable as compressed columnar
// blocks, one row per request (see metrics/MetricStore.ts). Log records are rows, queried
// in place through the time and (stream, time) indexes. Spans are rows keyed by their ids,
// so a resent span replaces itself.
const schema = `
CREATE TABLE IF NOT EXISTS batches (
  signal TEXT NOT NULL,
  id TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY (signal, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batches_received ON batches (received_ms);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  labels TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS sample_blocks (
  id INTEGER PRIMARY KEY,
  min_ms INTEGER NOT NULL,
  max_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sample_blocks_max ON sample_blocks (max_ms);
CREATE TABLE IF NOT EXISTS streams (
  id INTEGER PRIMARY KEY,
  stream TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY,
  stream INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_time ON logs (time_ns);
CREATE INDEX IF NOT EXISTS logs_stream_time ON logs (stream, time_ns);
CREATE TABLE IF NOT EXISTS spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spans_end ON spans (end_ns);
`

export const open = (dataDir: string): DatabaseSync => {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = new DatabaseSync(path.join(dataDir, fileName))
  try {
    // Exclusive: a second receiver on the same directory fails here instead of serving a
    // memory index that misses the first one's writes.
    db.exec("PRAGMA locking_mode = EXCLUSIVE")
    db.exec("PRAGMA journal_mode = WAL")
    // FULL: a commit is on disk (fsync) before the request is answered, so an acknowledged
    // request survives a power loss too, not only a killed process.
    db.exec("PRAGMA synchronous = FULL")
    db.exec("BEGIN IMMEDIATE")
    db.exec(schema)
    db.exec("COMMIT")
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/** Runs `f` in one write transaction: committed when it returns, rolled back when it throws. */
export const transaction = <A>(db: DatabaseSync, f: () => A): A => {
  db.exec("BEGIN IMMEDIATE")
  try {
    const a = f()
    db.exec("COMMIT")
    return a
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK")
    throw error
  }
}

/** Checkpoints the WAL into the database file and closes it. */
export const close = (db: DatabaseSync): void => {
  if (!db.isOpen) return
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
  db.close()
}
