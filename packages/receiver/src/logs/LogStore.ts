/**
 * Log records in SQLite, queried in place. A stream (the resource's fields) is stored
 * once, with its `_stream` and `_stream_id` as VictoriaLogs computes them; a record keeps
 * its own fields as JSON and its time in nanoseconds, indexed by time and by (stream,
 * time). In memory: the streams and the time span each covers.
 *
 * VictoriaLogs' limits apply as it applies them: a record with more than 2000 fields, a
 * field name over 128 bytes, or over 2 MiB in all is dropped (and counted); a record with
 * no message gets VictoriaLogs' default `_msg`.
 *
 * @since 0.1.0
 */
import type { DatabaseSync, StatementSync } from "node:sqlite"
import { quote, rfc3339Nano } from "../internal/GoFormat.ts"
import { xxhash64 } from "../internal/XxHash64.ts"
import type { LogRow, LogSource } from "./LogRow.ts"

/**
 * The `_msg` VictoriaLogs gives a record without a message (its `-defaultMsgValue`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMsg =
  "missing _msg field; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field"

/**
 * VictoriaLogs' per-record limits.
 *
 * @since 0.1.0
 * @category constants
 */
export const limits = { fields: 2000, fieldNameBytes: 128, recordBytes: 2 * 1024 * 1024 } as const

interface Stream {
  readonly id: number
  readonly stream: string
  readonly streamId: string
  readonly fields: Readonly<Record<string, string>>
  minMs: number
  maxMs: number
}

interface Row {
  readonly stream: Stream
  readonly ms: number
  readonly nsInMs: number
  readonly fields: string
}

/**
 * Records decoded from one request, waiting to be written.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  readonly rows: Array<Row>
  readonly newStreams: Array<Stream>
  /** Records dropped by the limits. */
  dropped: number
}

/**
 * The store: {@link LogSource} plus ingest.
 *
 * @since 0.1.0
 * @category models
 */
export interface LogStore extends LogSource {
  /** A batch to fill with {@link LogStore.add}. */
  readonly batch: () => Batch
  /** Adds one decoded record (see `otlp/Logs.ts`) to `batch`. */
  readonly add: (
    batch: Batch,
    resource: ReadonlyArray<string>,
    record: ReadonlyArray<string>,
    ms: number,
    nsInMs: number
  ) => void
  /** Writes a batch inside the current transaction. */
  readonly write: (batch: Batch) => void
  /** Makes a committed batch visible (its new streams). */
  readonly apply: (batch: Batch) => void
  /** Deletes records older than `cutoffMs`; inside a transaction. */
  readonly deleteBefore: (cutoffMs: number) => void
  readonly stats: () => { readonly streams: number; readonly records: number }
}

const encoder = new TextEncoder()

const varuint = (out: Array<number>, n: number) => {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
}

const hex16 = (n: bigint) => n.toString(16).padStart(16, "0")

// `_stream` and `_stream_id` as VictoriaLogs derives them: tags sorted by name then value
// (as bytes), `{name="value",…}` with Go quoting; the id is the tenant (0:0) and two
// XXH64 hashes of the tags' canonical encoding.
const streamOf = (tags: Array<[string, string]>): { stream: string; streamId: string } => {
  const encoded = tags.map(([name, value]) => [encoder.encode(name), encoder.encode(value)] as const)
  const order = encoded.map((_, i) => i)
  order.sort((a, b) => Buffer.compare(encoded[a]![0], encoded[b]![0]) || Buffer.compare(encoded[a]![1], encoded[b]![1]))
  const canonical: Array<number> = []
  varuint(canonical, tags.length)
  for (const i of order) {
    for (const part of encoded[i]!) {
      varuint(canonical, part.length)
      canonical.push(...part)
    }
  }
  const bytes = Uint8Array.from(canonical)
  const hi = xxhash64(bytes)
  const lo = xxhash64(Uint8Array.from([...canonical, ...encoder.encode("magic!")]))
  return {
    stream: `{${order.map((i) => `${tags[i]![0]}=${quote(tags[i]![1])}`).join(",")}}`,
    streamId: "0".repeat(16) + hex16(hi) + hex16(lo)
  }
}

const utf8Length = (s: string) => Buffer.byteLength(s, "utf8")

/**
 * Opens the store over `db` (schema in place), loading the streams.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (db: DatabaseSync): LogStore => {
  const streamsByKey = new Map<string, Stream>()
  const streamsById = new Map<number, Stream>()
  let nextStream = 1
  let records = (db.prepare("SELECT count(*) AS n FROM logs").get()!.n as number) ?? 0

  const register = (s: Stream) => {
    streamsByKey.set(s.stream, s)
    streamsById.set(s.id, s)
    if (s.id >= nextStream) nextStream = s.id + 1
  }

  const spans = db.prepare(
    "SELECT stream, min(time_ns) / 1000000 AS min_ms, max(time_ns) / 1000000 AS max_ms FROM logs GROUP BY stream"
  )
  const covered = new Map<number, { min: number; max: number }>()
  for (const row of spans.iterate())
    covered.set(row.stream as number, { min: row.min_ms as number, max: row.max_ms as number })
  for (const row of db.prepare("SELECT id, stream, stream_id, fields FROM streams").iterate()) {
    const id = row.id as number
    register({
      id,
      stream: row.stream as string,
      streamId: row.stream_id as string,
      fields: JSON.parse(row.fields as string) as Record<string, string>,
      minMs: covered.get(id)?.min ?? Infinity,
      maxMs: covered.get(id)?.max ?? -Infinity
    })
  }

  const insertStream: StatementSync = db.prepare(
    "INSERT INTO streams (id, stream, stream_id, fields) VALUES (?, ?, ?, ?)"
  )
  const insertLog: StatementSync = db.prepare("INSERT INTO logs (stream, time_ns, fields) VALUES (?, ?, ?)")

  // The resource array is shared by the records of one resource: resolve it once.
  const resolved = new WeakMap<ReadonlyArray<string>, Stream>()
  const streamFor = (batch: Batch, resource: ReadonlyArray<string>): Stream => {
    const cached = resolved.get(resource)
    if (cached !== undefined) return cached
    const tags: Array<[string, string]> = []
    const fields: Array<[string, string]> = []
    for (let i = 0; i < resource.length; i += 2) {
      if (resource[i + 1] === "") continue
      tags.push([resource[i]!, resource[i + 1]!])
      fields.push([resource[i]!, resource[i + 1]!])
    }
    const { stream, streamId } = streamOf(tags)
    let s = streamsByKey.get(stream) ?? batch.newStreams.find((n) => n.stream === stream)
    if (s === undefined) {
      s = {
        id: nextStream + batch.newStreams.length,
        stream,
        streamId,
        fields: Object.fromEntries(fields),
        minMs: Infinity,
        maxMs: -Infinity
      }
      batch.newStreams.push(s)
    }
    resolved.set(resource, s)
    return s
  }

  const add: LogStore["add"] = (batch, resource, record, ms, nsInMs) => {
    const fieldCount = (resource.length + record.length) / 2
    let bytes = 0
    for (const list of [resource, record]) {
      for (let i = 0; i < list.length; i += 2) {
        const nameBytes = utf8Length(list[i]!)
        if (nameBytes > limits.fieldNameBytes) {
          batch.dropped++
          return
        }
        bytes += nameBytes + utf8Length(list[i + 1]!) + 6
      }
    }
    if (fieldCount > limits.fields || bytes > limits.recordBytes) {
      batch.dropped++
      return
    }
    const stream = streamFor(batch, resource)
    const entries: Array<[string, string]> = []
    for (let i = 0; i < record.length; i += 2) if (record[i + 1] !== "") entries.push([record[i]!, record[i + 1]!])
    const own = Object.fromEntries(entries)
    if (own._msg === undefined && stream.fields._msg === undefined) own._msg = defaultMsg
    batch.rows.push({ stream, ms, nsInMs, fields: JSON.stringify(own) })
  }

  const write = (batch: Batch) => {
    for (const s of batch.newStreams) insertStream.run(s.id, s.stream, s.streamId, JSON.stringify(s.fields))
    for (const row of batch.rows)
      insertLog.run(row.stream.id, BigInt(row.ms) * 1_000_000n + BigInt(row.nsInMs), row.fields)
  }

  const apply = (batch: Batch) => {
    for (const s of batch.newStreams) register(s)
    for (const row of batch.rows) {
      if (row.ms < row.stream.minMs) row.stream.minMs = row.ms
      if (row.ms > row.stream.maxMs) row.stream.maxMs = row.ms
    }
    records += batch.rows.length
  }

  const columns = "time_ns / 1000000 AS ms, time_ns % 1000000 AS ns, stream, fields"
  const scanAll = db.prepare(
    `SELECT ${columns} FROM logs WHERE time_ns >= ? AND time_ns <= ? ORDER BY time_ns DESC, id DESC`
  )
  const scanStreams = db.prepare(
    `SELECT ${columns} FROM logs WHERE time_ns >= ? AND time_ns <= ? AND stream IN (SELECT value FROM json_each(?)) ORDER BY time_ns DESC, id DESC`
  )
  scanAll.setReturnArrays(true)
  scanStreams.setReturnArrays(true)

  const scan: LogSource["scan"] = (range, visit) => {
    let rows: Iterable<unknown>
    if (range.streams === undefined) rows = scanAll.iterate(range.startNs, range.endNs)
    else {
      const ids = range.streams.flatMap((s) => {
        const known = streamsByKey.get(s)
        return known === undefined ? [] : [known.id]
      })
      if (ids.length === 0) return
      rows = scanStreams.iterate(range.startNs, range.endNs, JSON.stringify(ids))
    }
    for (const raw of rows) {
      const [ms, ns, streamId, fields] = raw as [number, number, number, string]
      const stream = streamsById.get(streamId)!
      const row: LogRow = {
        timeNs: BigInt(ms) * 1_000_000n + BigInt(ns),
        fields: {
          ...stream.fields,
          ...(JSON.parse(fields) as Record<string, string>),
          _time: rfc3339Nano(ms, ns),
          _stream: stream.stream,
          _stream_id: stream.streamId
        }
      }
      if (!visit(row)) break
    }
  }

  const hasRows = db.prepare("SELECT 1 FROM logs WHERE stream = ? AND time_ns >= ? AND time_ns <= ? LIMIT 1")
  const streams: LogSource["streams"] = (range) => {
    const startMs = Number(range.startNs / 1_000_000n) - 1
    const endMs = Number(range.endNs / 1_000_000n) + 1
    const out: Array<string> = []
    for (const s of streamsById.values()) {
      if (s.maxMs < startMs || s.minMs > endMs) continue
      if (hasRows.get(s.id, range.startNs, range.endNs) !== undefined) out.push(s.stream)
    }
    return out.toSorted()
  }

  const deleteLogs = db.prepare("DELETE FROM logs WHERE time_ns < ?")
  const deleteBefore = (cutoffMs: number) => {
    records -= Number(deleteLogs.run(BigInt(cutoffMs) * 1_000_000n).changes)
  }

  return {
    scan,
    streams,
    batch: () => ({ rows: [], newStreams: [], dropped: 0 }),
    add,
    write,
    apply,
    deleteBefore,
    stats: () => ({ streams: streamsById.size, records })
  }
}
