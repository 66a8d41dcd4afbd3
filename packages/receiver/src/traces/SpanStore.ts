/**
 * Spans in SQLite, keyed by (trace id, span id): a resent span replaces itself. Kept for a
 * trace view: every span of a trace, and the most recent traces.
 *
 * @since 0.1.0
 */
import type { DatabaseSync } from "node:sqlite"
import type { Span } from "../otlp/Traces.ts"

/**
 * The store.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanStore {
  /** Writes spans inside the current transaction. */
  readonly write: (spans: ReadonlyArray<Span>) => void
  /** Every span of a trace, by start time. */
  readonly trace: (traceId: string) => ReadonlyArray<Span>
  /** The ids of the traces with the latest-ending spans, newest first. */
  readonly recentTraces: (limit: number) => ReadonlyArray<string>
  /** Deletes spans that ended before `cutoffMs`; inside a transaction. */
  readonly deleteBefore: (cutoffMs: number) => void
  /** Spans written since the store was opened (a rolled-back write included): a change marker for live views. */
  readonly written: () => number
}

/**
 * Opens the store over `db` (schema in place).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (db: DatabaseSync): SpanStore => {
  const upsert = db.prepare(
    "INSERT OR REPLACE INTO spans (trace_id, span_id, start_ns, end_ns, data) VALUES (?, ?, ?, ?, ?)"
  )
  const byTrace = db.prepare("SELECT data FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id")
  const recent = db.prepare(
    "SELECT trace_id, max(end_ns) AS last FROM spans GROUP BY trace_id ORDER BY last DESC LIMIT ?"
  )
  recent.setReadBigInts(true)
  const deleteOld = db.prepare("DELETE FROM spans WHERE end_ns < ?")
  let written = 0
  return {
    write: (spans) => {
      written += spans.length
      for (const span of spans) {
        upsert.run(span.traceId, span.spanId, BigInt(span.startNs), BigInt(span.endNs), JSON.stringify(span))
      }
    },
    trace: (traceId) => byTrace.all(traceId).map((row) => JSON.parse(row.data as string) as Span),
    recentTraces: (limit) => recent.all(limit).map((row) => row.trace_id as string),
    deleteBefore: (cutoffMs) => {
      deleteOld.run(BigInt(cutoffMs) * 1_000_000n)
    },
    written: () => written
  }
}
