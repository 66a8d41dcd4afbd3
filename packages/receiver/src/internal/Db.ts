// The receiver's SQLite database: one file under the data directory, WAL mode, owned by one
// process at a time (exclusive locking), the schema created on first open. Commits are not
// synced by SQLite: the store makes them durable itself, a group at a time (GroupSync.ts),
// by syncing the WAL through its own descriptor.
import * as fs from "node:fs"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"

export const fileName = "receiver.sqlite"

// The layout's version, in `PRAGMA user_version`: a directory written by another layout is
// refused rather than misread, but for the older layouts `upgrades` brings up to date.
const version = 2

// What takes layout N to N + 1, by N. 1 → 2: log blocks list the messages of their records
// (NULL for the blocks written before, read as they were).
const upgrades: { readonly [from: number]: string } = {
  1: "ALTER TABLE log_blocks ADD COLUMN messages TEXT"
}

// Samples live in memory for queries; SQLite keeps them durable as compressed columnar
// blocks, one row per request (see metrics/MetricStore.ts). Log records are kept in
// blocks too, one per request and stream, read in place through the indexes on their
// newest time (see logs/LogStore.ts). Spans are rows keyed by their ids, so a resent span
// replaces itself.
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
CREATE TABLE IF NOT EXISTS log_blocks (
  id INTEGER PRIMARY KEY,
  stream INTEGER NOT NULL,
  min_ms INTEGER NOT NULL,
  max_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  messages TEXT
);
CREATE INDEX IF NOT EXISTS log_blocks_max ON log_blocks (max_ms);
CREATE INDEX IF NOT EXISTS log_blocks_stream_max ON log_blocks (stream, max_ms);
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
    // NORMAL: a commit is written to the WAL (the page cache) but not synced; checkpoints
    // still sync the WAL before and the database file after. The store syncs the WAL
    // before answering (see `walSync`), which is what FULL would do, once per group.
    db.exec("PRAGMA synchronous = NORMAL")
    db.exec("BEGIN IMMEDIATE")
    let found = db.prepare("PRAGMA user_version").get()!.user_version as number
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema").get()!.n as number
    // Every older layout has its step in `upgrades`.
    const upgradable = found > 0 && found < version
    if (found !== version && (found !== 0 || tables > 0) && !upgradable) {
      db.exec("ROLLBACK")
      throw new Error(`${fileName} has layout ${found}, this receiver reads layout ${version}: move the directory away`)
    }
    if (upgradable) for (; found < version; found++) db.exec(upgrades[found]!)
    db.exec(schema)
    db.exec(`PRAGMA user_version = ${version}`)
    db.exec("COMMIT")
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/**
 * Syncs the WAL of the database opened in `dataDir` (call after `open`: the first commit
 * created it). Linux writes back every dirty page of a file on `fdatasync` of any of its
 * descriptors, so one of our own covers what SQLite wrote through its. SQLite keeps the
 * WAL (reset, never deleted or truncated) until it closes, so the descriptor stays valid;
 * the directory is synced once so that the WAL's own entry is durable.
 */
export const walSync = (dataDir: string): { readonly sync: () => Promise<void>; readonly close: () => void } => {
  const wal = fs.openSync(path.join(dataDir, fileName + "-wal"), "r")
  const dir = fs.openSync(dataDir, "r")
  try {
    fs.fsyncSync(dir)
  } finally {
    fs.closeSync(dir)
  }
  return {
    sync: () =>
      new Promise<void>((resolve, reject) => fs.fdatasync(wal, (error) => (error ? reject(error) : resolve()))),
    close: () => fs.closeSync(wal)
  }
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
