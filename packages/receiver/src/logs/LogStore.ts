/**
 * Log records in SQLite, in blocks. A stream (the resource's fields) is stored once, with
 * its `_stream` and `_stream_id` as VictoriaLogs computes them. A request's records of one
 * stream make one block: their times as columns and their `LogRecord` messages as they
 * arrived, sorted by time and deflated; reading a block decodes each record's fields with
 * the decoder that validated it at ingest, so what is read is what ingest saw. Blocks are
 * indexed by their newest time, overall and per stream; a scan merges the blocks that
 * overlap in time, newest record first. A scan given a message test (the engine's `_msg`
 * filters) reads a record's body alone where ingest found it to be its `_msg`, and skips the
 * record undecoded when it fails; a block lists its records' distinct messages, and a block
 * none of whose messages passes is not read. In memory: the streams, the time span each
 * covers, and the blocks read last (32 MiB of them, decoded).
 *
 * VictoriaLogs' limits apply as it applies them: a record with more than 2000 fields, a
 * field name over 128 bytes, or over 2 MiB in all is dropped (and counted); a record with
 * no message gets VictoriaLogs' default `_msg`.
 *
 * @since 0.1.0
 */
import type { DatabaseSync, StatementSync } from "node:sqlite"
import * as zlib from "node:zlib"
import { quote, rfc3339Nano } from "../internal/GoFormat.ts"
import { xxhash64 } from "../internal/XxHash64.ts"
import { plainMessage, recordFields, type RecordSize, type Sink } from "../otlp/Logs.ts"
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

// One stream's records of a request, in arrival order: their times, and where each lies in
// `buf` (the request, or a block being rewritten); whether every one's `_msg` is its body.
interface Pending {
  readonly stream: Stream
  readonly buf: Uint8Array
  readonly ms: Array<number>
  readonly ns: Array<number>
  readonly starts: Array<number>
  readonly ends: Array<number>
  plainMessages: boolean
}

/**
 * Records decoded from one request, waiting to be written.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  readonly pending: Map<Stream, Pending>
  readonly newStreams: Array<Stream>
  /** Records to store. */
  stored: number
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
  /** Adds one decoded record as `otlp/Logs.ts` gives it: its resource, what is known of it, its time and bytes. */
  readonly add: (batch: Batch, ...record: Parameters<Sink>) => void
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

// A block: `count` records sorted by time (arrival order among equals) as columns of
// milliseconds, nanoseconds within the millisecond and where each record ends, then the
// records: a `ScopeLogs` message of them alone (each its `log_records` field, as it came).
// Deflated; the column layout is aligned for typed-array views. The header is the count and
// flags: `plainMessages` says every record's `_msg` is its string body (blocks written
// before the flag existed have none, and are read by decoding every record).
interface Block {
  readonly count: number
  /** Its inflated bytes. */
  readonly size: number
  readonly plainMessages: boolean
  // The records' plain messages (`null`: none), read when a scan first needs them and kept
  // with the block while it is cached.
  messages?: Array<string | null | undefined>
  readonly ms: Float64Array
  readonly ns: Uint32Array
  readonly ends: Uint32Array
  readonly bytes: Uint8Array
}

const header = 8
const plainMessagesFlag = 1

// Blocks are laid out here before they are deflated: one buffer, grown as needed up to
// 16 MiB, instead of a fresh one per block (allocating and zeroing large buffers costs more
// than filling them); a bigger block gets its own.
const scratchLimit = 16 << 20
let scratch = new ArrayBuffer(1 << 20)

// A block's distinct messages as a JSON list, when each record's `_msg` is its body: a scan
// with a message test skips a block none of whose messages pass without reading it. Null
// otherwise (and for blocks written before the list existed).
const messagesOf = (p: Pending): string | null => {
  if (!p.plainMessages) return null
  const messages = new Set<string>()
  for (let i = 0; i < p.starts.length; i++) {
    const msg = plainMessage(p.buf, p.starts[i]!, p.ends[i]!)
    if (msg === undefined) return null
    messages.add(msg)
  }
  return JSON.stringify([...messages])
}

const encodeBlock = (p: Pending): { data: Uint8Array; minMs: number; maxMs: number } => {
  const n = p.ms.length
  let sorted = true
  for (let i = 1; i < n && sorted; i++)
    sorted = p.ms[i - 1]! < p.ms[i]! || (p.ms[i - 1] === p.ms[i] && p.ns[i - 1]! <= p.ns[i]!)
  const order: Array<number> = []
  for (let i = 0; i < n; i++) order.push(i)
  if (!sorted) order.sort((a, b) => p.ms[a]! - p.ms[b]! || p.ns[a]! - p.ns[b]! || a - b)
  let size = 0
  for (let i = 0; i < n; i++) size += p.ends[i]! - p.starts[i]!
  const columns = header + n * 16
  const total = columns + size
  if (scratch.byteLength < total && total <= scratchLimit) scratch = new ArrayBuffer(Math.min(2 * total, scratchLimit))
  const buffer = total <= scratch.byteLength ? scratch : new ArrayBuffer(total)
  const raw = new Uint8Array(buffer, 0, total)
  new Uint32Array(buffer, 0, 2).set([n, p.plainMessages ? plainMessagesFlag : 0])
  const ms = new Float64Array(buffer, header, n)
  const ns = new Uint32Array(buffer, header + n * 8, n)
  const ends = new Uint32Array(buffer, header + n * 12, n)
  // Records that lie back to back in `buf` (a scope's, in time order: the usual case) are
  // copied as one run.
  let at = columns
  let runStart = -1
  let runEnd = -1
  for (let k = 0; k < n; k++) {
    const i = order[k]!
    ms[k] = p.ms[i]!
    ns[k] = p.ns[i]!
    if (p.starts[i] !== runEnd) {
      if (runStart >= 0) raw.set(p.buf.subarray(runStart, runEnd), at)
      at += runEnd - runStart
      runStart = p.starts[i]!
    }
    runEnd = p.ends[i]!
    ends[k] = at - columns + runEnd - runStart
  }
  if (runStart >= 0) raw.set(p.buf.subarray(runStart, runEnd), at)
  return { data: zlib.deflateRawSync(raw, { level: 1 }), minMs: ms[0]!, maxMs: ms[n - 1]! }
}

// Inflated in chunks of 64 KiB, not zlib's 16: a block of a few hundred records then takes
// one or two, and inflating costs half as much (bigger chunks cost more to allocate than they save).
const inflateChunk = 64 * 1024

const decodeBlock = (data: Uint8Array): Block => {
  const inflated = zlib.inflateRawSync(data, { chunkSize: inflateChunk })
  // The typed-array views need an aligned start: copied when it is not.
  const raw = inflated.byteOffset % 8 === 0 ? inflated : Uint8Array.from(inflated)
  const at = raw.byteOffset
  const words = new Uint32Array(raw.buffer, at, 2)
  const count = words[0]!
  const flags = words[1]!
  const columns = header + count * 16
  return {
    count,
    size: raw.byteLength,
    plainMessages: (flags & plainMessagesFlag) !== 0,
    ms: new Float64Array(raw.buffer, at + header, count),
    ns: new Uint32Array(raw.buffer, at + header + count * 8, count),
    ends: new Uint32Array(raw.buffer, at + header + count * 12, count),
    bytes: raw.subarray(columns)
  }
}

const maxVerdicts = 10_000

// What the cache of decoded blocks holds at most: about 150,000 records of the usual size.
const cacheBytes = 32 * 1024 * 1024

const recordStart = (block: Block, i: number) => (i === 0 ? 0 : block.ends[i - 1]!)

// A time as whole milliseconds and nanoseconds within, from Unix nanoseconds.
const split = (ns: bigint): { ms: number; ns: number } => {
  let ms = ns / 1_000_000n
  if (ms * 1_000_000n > ns) ms -= 1n
  return { ms: Number(ms), ns: Number(ns - ms * 1_000_000n) }
}

const compare = (msA: number, nsA: number, msB: number, nsB: number) => msA - msB || nsA - nsB

// A position in an open block during a scan, moving from its newest record back.
interface Cursor {
  readonly id: number
  readonly stream: Stream
  readonly block: Block
  i: number
}

// Newer record first; among equal times the later block, then the later record.
const before = (a: Cursor, b: Cursor) =>
  compare(a.block.ms[a.i]!, a.block.ns[a.i]!, b.block.ms[b.i]!, b.block.ns[b.i]!) > 0 ||
  (a.block.ms[a.i] === b.block.ms[b.i] && a.block.ns[a.i] === b.block.ns[b.i] && a.id > b.id)

// A binary heap of cursors, the next record to visit on top.
const push = (heap: Array<Cursor>, c: Cursor) => {
  let i = heap.push(c) - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!before(heap[i]!, heap[parent]!)) break
    ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
    i = parent
  }
}

const pop = (heap: Array<Cursor>): Cursor => {
  const top = heap[0]!
  const last = heap.pop()!
  if (heap.length > 0) {
    heap[0] = last
    let i = 0
    while (true) {
      const l = 2 * i + 1
      const r = l + 1
      let best = i
      if (l < heap.length && before(heap[l]!, heap[best]!)) best = l
      if (r < heap.length && before(heap[r]!, heap[best]!)) best = r
      if (best === i) break
      ;[heap[i], heap[best]] = [heap[best]!, heap[i]!]
      i = best
    }
  }
  return top
}

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
  let records = 0

  const register = (s: Stream) => {
    streamsByKey.set(s.stream, s)
    streamsById.set(s.id, s)
    if (s.id >= nextStream) nextStream = s.id + 1
  }

  const covered = new Map<number, { min: number; max: number }>()
  const spans = db.prepare(
    "SELECT stream, min(min_ms) AS min_ms, max(max_ms) AS max_ms, sum(count) AS n FROM log_blocks GROUP BY stream"
  )
  for (const row of spans.iterate()) {
    covered.set(row.stream as number, { min: row.min_ms as number, max: row.max_ms as number })
    records += row.n as number
  }
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
  const insertBlock: StatementSync = db.prepare(
    "INSERT INTO log_blocks (stream, min_ms, max_ms, count, data, messages) VALUES (?, ?, ?, ?, ?, ?)"
  )

  // The resource array is shared by the records of one resource: resolve its stream and
  // measure its fields once.
  const resolved = new WeakMap<ReadonlyArray<string>, { stream: Stream; size: RecordSize }>()
  const streamFor = (batch: Batch, resource: ReadonlyArray<string>) => {
    const cached = resolved.get(resource)
    if (cached !== undefined) return cached
    const tags: Array<[string, string]> = []
    let bytes = 0
    let longestName = 0
    for (let i = 0; i < resource.length; i += 2) {
      const name = Buffer.byteLength(resource[i]!, "utf8")
      bytes += name + Buffer.byteLength(resource[i + 1]!, "utf8") + 6
      longestName = Math.max(longestName, name)
      if (resource[i + 1] !== "") tags.push([resource[i]!, resource[i + 1]!])
    }
    const { stream, streamId } = streamOf(tags)
    let s = streamsByKey.get(stream) ?? batch.newStreams.find((n) => n.stream === stream)
    if (s === undefined) {
      s = {
        id: nextStream + batch.newStreams.length,
        stream,
        streamId,
        fields: Object.fromEntries(tags),
        minMs: Infinity,
        maxMs: -Infinity
      }
      batch.newStreams.push(s)
    }
    const entry = { stream: s, size: { fields: resource.length / 2, bytes, longestName } }
    resolved.set(resource, entry)
    return entry
  }

  const add: LogStore["add"] = (batch, resource, info, ms, nsInMs, buf, start, end) => {
    const { stream, size: common } = streamFor(batch, resource)
    if (
      Math.max(common.longestName, info.longestName) > limits.fieldNameBytes ||
      common.fields + info.fields > limits.fields ||
      common.bytes + info.bytes > limits.recordBytes
    ) {
      batch.dropped++
      return
    }
    let pending = batch.pending.get(stream)
    if (pending === undefined)
      batch.pending.set(stream, (pending = { stream, buf, ms: [], ns: [], starts: [], ends: [], plainMessages: true }))
    pending.plainMessages &&= info.plainMessage
    pending.ms.push(ms)
    pending.ns.push(nsInMs)
    pending.starts.push(start)
    pending.ends.push(end)
    batch.stored++
  }

  const write = (batch: Batch) => {
    for (const s of batch.newStreams) insertStream.run(s.id, s.stream, s.streamId, JSON.stringify(s.fields))
    for (const p of batch.pending.values()) {
      const { data, minMs, maxMs } = encodeBlock(p)
      insertBlock.run(p.stream.id, minMs, maxMs, p.ms.length, data, messagesOf(p))
    }
  }

  const apply = (batch: Batch) => {
    for (const s of batch.newStreams) register(s)
    for (const p of batch.pending.values()) {
      for (const ms of p.ms) {
        if (ms < p.stream.minMs) p.stream.minMs = ms
        if (ms > p.stream.maxMs) p.stream.maxMs = ms
      }
    }
    records += batch.stored
  }

  // A record as the LogsQL engine reads it: the stream's fields, then its own (empty
  // values dropped, the last of a repeated name kept), then `_time` and the stream's ids.
  const rowOf = (stream: Stream, block: Block, i: number): LogRow => {
    const ms = block.ms[i]!
    const ns = block.ns[i]!
    const fields = recordFields(block.bytes, recordStart(block, i), block.ends[i]!)
    const entries: Array<[string, string]> = []
    for (let i = 0; i < fields.length; i += 2) if (fields[i + 1] !== "") entries.push([fields[i]!, fields[i + 1]!])
    const own = Object.fromEntries(entries)
    if (own._msg === undefined && stream.fields._msg === undefined) own._msg = defaultMsg
    return {
      timeNs: BigInt(ms) * 1_000_000n + BigInt(ns),
      fields: {
        ...stream.fields,
        ...own,
        _time: rfc3339Nano(ms, ns),
        _stream: stream.stream,
        _stream_id: stream.streamId
      }
    }
  }

  // Blocks overlapping a range, newest (by their newest record) first; their data is read
  // when the scan reaches them.
  const listAll = db.prepare(
    "SELECT id, stream, max_ms, messages FROM log_blocks WHERE max_ms >= ? AND min_ms <= ? ORDER BY max_ms DESC, id DESC"
  )
  const listStreams = db.prepare(
    "SELECT id, stream, max_ms, messages FROM log_blocks WHERE stream IN (SELECT value FROM json_each(?)) AND max_ms >= ? AND min_ms <= ? ORDER BY max_ms DESC, id DESC"
  )
  const blockData = db.prepare("SELECT data FROM log_blocks WHERE id = ?")
  listAll.setReturnArrays(true)
  listStreams.setReturnArrays(true)
  // Decoded blocks, least recently read first, up to `cacheBytes` of them: every logs panel of
  // a dashboard, and every refresh, reads the same newest blocks. A block never changes once
  // written; retention, which rewrites and deletes blocks, empties the cache.
  const cache = new Map<number, Block>()
  let cachedBytes = 0
  const load = (id: number): Block => {
    const cached = cache.get(id)
    if (cached !== undefined) {
      cache.delete(id)
      cache.set(id, cached)
      return cached
    }
    const block = decodeBlock(blockData.get(id)!.data as Uint8Array)
    cache.set(id, block)
    cachedBytes += block.size
    for (const [oldest, evicted] of cache) {
      if (cachedBytes <= cacheBytes) break
      cache.delete(oldest)
      cachedBytes -= evicted.size
    }
    return block
  }

  const scan: LogSource["scan"] = (range, visit) => {
    const from = split(range.startNs)
    const to = split(range.endNs)
    if (compare(from.ms, from.ns, to.ms, to.ns) > 0) return
    let listed: Iterator<unknown>
    if (range.streams === undefined) listed = listAll.iterate(from.ms, to.ms)
    else {
      const ids = range.streams.flatMap((s) => {
        const known = streamsByKey.get(s)
        return known === undefined ? [] : [known.id]
      })
      if (ids.length === 0) return
      listed = listStreams.iterate(JSON.stringify(ids), from.ms, to.ms)
    }
    const message = range.message
    // Messages repeat: the hint's verdict on each is kept for the scan (up to a bound).
    const verdicts = new Map<string, boolean>()
    const passes = (msg: string): boolean => {
      let verdict = verdicts.get(msg)
      if (verdict === undefined) {
        verdict = message!(msg)
        if (verdicts.size < maxVerdicts) verdicts.set(msg, verdict)
      }
      return verdict
    }
    const skips = (c: Cursor): boolean => {
      if (message === undefined || !c.block.plainMessages) return false
      const messages = (c.block.messages ??= [])
      let msg = messages[c.i]
      if (msg === undefined)
        msg = messages[c.i] = plainMessage(c.block.bytes, recordStart(c.block, c.i), c.block.ends[c.i]!) ?? null
      return msg !== null && !passes(msg)
    }
    // A listed block none of whose messages passes is not read at all.
    const skipsBlock = (messages: string | null) =>
      message !== undefined && messages !== null && !(JSON.parse(messages) as Array<string>).some(passes)
    // A block is opened before any record older than its newest is visited, so the heap
    // always holds the newest record not yet visited.
    const heap: Array<Cursor> = []
    try {
      let next = listed.next()
      while (true) {
        while (!next.done) {
          const [id, streamId, maxMs, messages] = next.value as [number, number, number, string | null]
          if (heap.length > 0 && maxMs < heap[0]!.block.ms[heap[0]!.i]!) break
          if (skipsBlock(messages)) {
            next = listed.next()
            continue
          }
          const block = load(id)
          // The newest record not after the range's end.
          let i = block.count - 1
          while (i >= 0 && compare(block.ms[i]!, block.ns[i]!, to.ms, to.ns) > 0) i--
          if (i >= 0 && compare(block.ms[i]!, block.ns[i]!, from.ms, from.ns) >= 0)
            push(heap, { id, stream: streamsById.get(streamId)!, block, i })
          next = listed.next()
        }
        if (heap.length === 0) return
        const c = pop(heap)
        // A record whose message fails the hint is skipped undecoded.
        if (!skips(c) && !visit(rowOf(c.stream, c.block, c.i))) return
        c.i--
        if (c.i >= 0 && compare(c.block.ms[c.i]!, c.block.ns[c.i]!, from.ms, from.ns) >= 0) push(heap, c)
      }
    } finally {
      listed.return?.()
    }
  }

  const streamBlocks = db.prepare(
    "SELECT id, min_ms, max_ms FROM log_blocks WHERE stream = ? AND max_ms >= ? AND min_ms <= ?"
  )
  const streams: LogSource["streams"] = (range) => {
    const from = split(range.startNs)
    const to = split(range.endNs)
    const inRange = (ms: number, ns: number) =>
      compare(ms, ns, from.ms, from.ns) >= 0 && compare(ms, ns, to.ms, to.ns) <= 0
    const hasRecords = (s: Stream) => {
      for (const row of streamBlocks.iterate(s.id, from.ms, to.ms)) {
        // Wholly inside by its milliseconds alone, or else looked into.
        if ((row.min_ms as number) > from.ms && (row.max_ms as number) < to.ms) return true
        const block = load(row.id as number)
        for (let i = 0; i < block.count; i++) if (inRange(block.ms[i]!, block.ns[i]!)) return true
      }
      return false
    }
    const out: Array<string> = []
    for (const s of streamsById.values()) {
      if (s.maxMs < from.ms || s.minMs > to.ms) continue
      if (hasRecords(s)) out.push(s.stream)
    }
    return out.toSorted()
  }

  // Blocks wholly older than the cutoff go; a block straddling it is rewritten without its
  // older records.
  const countOld = db.prepare("SELECT coalesce(sum(count), 0) AS n FROM log_blocks WHERE max_ms < ?")
  const deleteOld = db.prepare("DELETE FROM log_blocks WHERE max_ms < ?")
  const straddling = db.prepare("SELECT id, stream, data FROM log_blocks WHERE min_ms < ? AND max_ms >= ?")
  const rewrite = db.prepare("UPDATE log_blocks SET min_ms = ?, count = ?, data = ? WHERE id = ?")
  const deleteBefore = (cutoffMs: number) => {
    cache.clear()
    cachedBytes = 0
    records -= countOld.get(cutoffMs)!.n as number
    deleteOld.run(cutoffMs)
    for (const row of straddling.all(cutoffMs, cutoffMs)) {
      const block = decodeBlock(row.data as Uint8Array)
      const kept: Pending = {
        stream: streamsById.get(row.stream as number)!,
        buf: block.bytes,
        ms: [],
        ns: [],
        starts: [],
        ends: [],
        plainMessages: block.plainMessages
      }
      for (let i = 0; i < block.count; i++) {
        if (block.ms[i]! < cutoffMs) continue
        kept.ms.push(block.ms[i]!)
        kept.ns.push(block.ns[i]!)
        kept.starts.push(recordStart(block, i))
        kept.ends.push(block.ends[i]!)
      }
      records -= block.count - kept.ms.length
      const { data, minMs } = encodeBlock(kept)
      rewrite.run(minMs, kept.ms.length, data, row.id as number)
    }
  }

  return {
    scan,
    streams,
    batch: () => ({ pending: new Map(), newStreams: [], stored: 0, dropped: 0 }),
    add,
    write,
    apply,
    deleteBefore,
    stats: () => ({ streams: streamsById.size, records })
  }
}
