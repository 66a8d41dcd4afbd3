/**
 * Samples: an in-memory index for queries over SQLite as the durable log. Every series
 * keeps its timestamps and values in growable typed arrays; a label index (name → value →
 * series ids) narrows matchers. SQLite holds the series' labels and, per ingested request,
 * one block of samples (series ids, timestamps, values as columns, deflated); at start the
 * blocks are replayed into memory.
 *
 * One sample per series and millisecond, as VictoriaMetrics deduplicates: of two samples
 * with the same timestamp the bigger value stays, and a number beats a NaN (a staleness
 * marker). A resent point is therefore stored once.
 *
 * @since 0.1.0
 */
import type { DatabaseSync, StatementSync } from "node:sqlite"
import * as zlib from "node:zlib"
import type { Labels, Matcher, SampleSource, SeriesSamples } from "./Series.ts"

/**
 * Samples decoded from one request, as parallel columns.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  readonly keys: Array<string>
  readonly labels: Array<ReadonlyArray<string>>
  readonly ms: Array<number>
  readonly values: Array<number>
}

/**
 * An empty batch to fill.
 *
 * @since 0.1.0
 * @category constructors
 */
export const emptyBatch = (): Batch => ({ keys: [], labels: [], ms: [], values: [] })

/**
 * What the store offers beyond {@link SampleSource}: label listings for `/api/v1/labels`
 * and `/api/v1/label/<name>/values`, and ingest.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricStore extends SampleSource {
  /** Label names of the series matching `matchers` (every series when empty) with samples in the range, sorted. */
  readonly labelNames: (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => ReadonlyArray<string>
  /** Values of label `name` over the same selection, sorted. */
  readonly labelValues: (
    name: string,
    matchers: ReadonlyArray<Matcher>,
    startMs: number,
    endMs: number
  ) => ReadonlyArray<string>
  /**
   * Writes a batch into the current transaction; returns what {@link MetricStore.apply}
   * makes visible after the commit (nothing changes in memory before: a rolled back batch
   * is simply dropped).
   */
  readonly write: (batch: Batch) => Pending
  /** Makes a committed batch visible to queries. */
  readonly apply: (pending: Pending) => void
  /** Drops samples older than `cutoffMs` (memory and disk); call inside a transaction, then `applyRetention`. */
  readonly deleteBefore: (cutoffMs: number) => void
  readonly applyRetention: (cutoffMs: number) => void
  /** Series and samples held. */
  readonly stats: () => { readonly series: number; readonly samples: number }
}

/**
 * A written, not yet visible batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pending {
  readonly newSeries: ReadonlyArray<{
    readonly id: number
    readonly key: string
    readonly labels: ReadonlyArray<string>
  }>
  readonly ids: Uint32Array
  readonly ms: Float64Array
  readonly values: Float64Array
}

interface SeriesData {
  readonly id: number
  readonly labels: Labels
  ts: Float64Array
  vals: Float64Array
  n: number
  sorted: boolean
}

// VictoriaMetrics' rule for samples sharing a timestamp: a number over a NaN, then the bigger.
const merge = (earlier: number, later: number): number => {
  if (Number.isNaN(later)) return earlier
  if (Number.isNaN(earlier)) return later
  return earlier > later ? earlier : later
}

const append = (s: SeriesData, ms: number, value: number) => {
  const n = s.n
  if (n > 0 && s.sorted) {
    const last = s.ts[n - 1]!
    if (ms === last) {
      s.vals[n - 1] = merge(s.vals[n - 1]!, value)
      return
    }
    if (ms < last) s.sorted = false
  }
  if (n === s.ts.length) {
    const capacity = Math.max(8, n * 2)
    const ts = new Float64Array(capacity)
    ts.set(s.ts)
    const vals = new Float64Array(capacity)
    vals.set(s.vals)
    s.ts = ts
    s.vals = vals
  }
  s.ts[n] = ms
  s.vals[n] = value
  s.n = n + 1
}

// Out-of-order arrivals are put in order lazily, on the first read: a stable sort by time,
// then one sample per millisecond.
const normalize = (s: SeriesData) => {
  if (s.sorted) return
  const order = Array.from({ length: s.n }, (_, i) => i).toSorted((a, b) => s.ts[a]! - s.ts[b]! || a - b)
  const ts = new Float64Array(Math.max(8, s.n))
  const vals = new Float64Array(ts.length)
  let n = 0
  for (const i of order) {
    const t = s.ts[i]!
    if (n > 0 && ts[n - 1] === t) vals[n - 1] = merge(vals[n - 1]!, s.vals[i]!)
    else {
      ts[n] = t
      vals[n] = s.vals[i]!
      n++
    }
  }
  s.ts = ts
  s.vals = vals
  s.n = n
  s.sorted = true
}

// First index with ts[i] >= ms.
const lowerBound = (ts: Float64Array, n: number, ms: number) => {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ts[mid]! < ms) lo = mid + 1
    else hi = mid
  }
  return lo
}

const range = (s: SeriesData, startMs: number, endMs: number): [number, number] => {
  normalize(s)
  return [lowerBound(s.ts, s.n, startMs), lowerBound(s.ts, s.n, endMs + 1)]
}

const regexCache = new Map<string, RegExp>()
// Anchored, as in PromQL: the whole value must match.
const regex = (source: string): RegExp => {
  let re = regexCache.get(source)
  if (re === undefined) {
    re = new RegExp(`^(?:${source})$`, "s")
    if (regexCache.size < 10_000) regexCache.set(source, re)
  }
  return re
}

const matches = (labels: Labels, m: Matcher): boolean => {
  const value = labels[m.name] ?? ""
  switch (m.op) {
    case "=":
      return value === m.value
    case "!=":
      return value !== m.value
    case "=~":
      return regex(m.value).test(value)
    case "!~":
      return !regex(m.value).test(value)
  }
}

const blockHeader = 8

// One request's samples as columns: [count, 0] u32, then series ids as differences from the
// one before (i32, padded to 8 bytes), timestamps as differences (f64), and values with
// their bytes grouped (every value's first byte, then every second byte, …). An export's
// series are mostly consecutive ids at one timestamp, and values share their high bytes:
// deflate makes little of what is left.
const encodeBlock = (ids: Uint32Array, ms: Float64Array, values: Float64Array): Uint8Array => {
  const n = ids.length
  const idBytes = Math.ceil((n * 4) / 8) * 8
  const raw = new ArrayBuffer(blockHeader + idBytes + n * 16)
  new Uint32Array(raw, 0, 1)[0] = n
  const idSteps = new Int32Array(raw, blockHeader, n)
  const msSteps = new Float64Array(raw, blockHeader + idBytes, n)
  for (let i = 0; i < n; i++) {
    idSteps[i] = (ids[i]! - (i === 0 ? 0 : ids[i - 1]!)) | 0
    msSteps[i] = ms[i]! - (i === 0 ? 0 : ms[i - 1]!)
  }
  const from = new Uint8Array(values.buffer, values.byteOffset, n * 8)
  const to = new Uint8Array(raw, blockHeader + idBytes + n * 8, n * 8)
  for (let i = 0; i < n; i++) for (let k = 0; k < 8; k++) to[k * n + i] = from[i * 8 + k]!
  return zlib.deflateRawSync(new Uint8Array(raw), { level: 1 })
}

const decodeBlock = (data: Uint8Array): { ids: Uint32Array; ms: Float64Array; values: Float64Array } => {
  const raw = zlib.inflateRawSync(data)
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)
  const n = new Uint32Array(buffer, 0, 1)[0]!
  const idBytes = Math.ceil((n * 4) / 8) * 8
  const idSteps = new Int32Array(buffer, blockHeader, n)
  const ms = new Float64Array(buffer, blockHeader + idBytes, n)
  const ids = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    ids[i] = ((i === 0 ? 0 : ids[i - 1]!) + idSteps[i]!) >>> 0
    if (i > 0) ms[i] = ms[i]! + ms[i - 1]!
  }
  const grouped = new Uint8Array(buffer, blockHeader + idBytes + n * 8, n * 8)
  const values = new Float64Array(n)
  const bytes = new Uint8Array(values.buffer)
  for (let i = 0; i < n; i++) for (let k = 0; k < 8; k++) bytes[i * 8 + k] = grouped[k * n + i]!
  return { ids, ms, values }
}

const labelsObject = (pairs: ReadonlyArray<string>): Labels => {
  const entries: Array<[string, string]> = []
  for (let i = 0; i < pairs.length; i += 2) entries.push([pairs[i]!, pairs[i + 1]!])
  return Object.fromEntries(entries)
}

/**
 * Opens the store over `db` (schema in place) and loads every stored sample into memory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (db: DatabaseSync): MetricStore => {
  const byKey = new Map<string, SeriesData>()
  const byId: Array<SeriesData | undefined> = []
  const postings = new Map<string, Map<string, Array<number>>>()
  let nextId = 1
  let samples = 0

  const register = (id: number, key: string, pairs: ReadonlyArray<string>) => {
    const s: SeriesData = {
      id,
      labels: labelsObject(pairs),
      ts: new Float64Array(0),
      vals: new Float64Array(0),
      n: 0,
      sorted: true
    }
    byKey.set(key, s)
    byId[id] = s
    for (let i = 0; i < pairs.length; i += 2) {
      let values = postings.get(pairs[i]!)
      if (values === undefined) postings.set(pairs[i]!, (values = new Map()))
      const ids = values.get(pairs[i + 1]!)
      if (ids === undefined) values.set(pairs[i + 1]!, [id])
      else ids.push(id)
    }
    if (id >= nextId) nextId = id + 1
  }

  const addSamples = (ids: Uint32Array, ms: Float64Array, values: Float64Array) => {
    for (let i = 0; i < ids.length; i++) {
      const s = byId[ids[i]!]
      if (s === undefined) continue
      const before = s.n
      append(s, ms[i]!, values[i]!)
      samples += s.n - before
    }
  }

  for (const row of db.prepare("SELECT id, labels FROM series ORDER BY id").iterate()) {
    const labels = row.labels as string
    register(row.id as number, labels, JSON.parse(labels) as Array<string>)
  }
  for (const row of db.prepare("SELECT data FROM sample_blocks ORDER BY id").iterate()) {
    const block = decodeBlock(row.data as Uint8Array)
    addSamples(block.ids, block.ms, block.values)
  }

  const insertSeries: StatementSync = db.prepare("INSERT INTO series (id, labels) VALUES (?, ?)")
  const insertBlock: StatementSync = db.prepare(
    "INSERT INTO sample_blocks (min_ms, max_ms, count, data) VALUES (?, ?, ?, ?)"
  )

  const candidates = (matchers: ReadonlyArray<Matcher>): Iterable<number> => {
    let best: ReadonlyArray<number> | undefined
    for (const m of matchers) {
      if (m.op !== "=" || m.value === "") continue
      const ids = postings.get(m.name)?.get(m.value) ?? []
      if (best === undefined || ids.length < best.length) best = ids
    }
    if (best !== undefined) return best
    return (function* () {
      for (const s of byId) if (s !== undefined) yield s.id
    })()
  }

  const each = (
    matchers: ReadonlyArray<Matcher>,
    startMs: number,
    endMs: number,
    f: (s: SeriesData, lo: number, hi: number) => void
  ) => {
    for (const id of candidates(matchers)) {
      const s = byId[id]!
      if (!matchers.every((m) => matches(s.labels, m))) continue
      const [lo, hi] = range(s, startMs, endMs)
      if (hi > lo) f(s, lo, hi)
    }
  }

  const select = (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => {
    const out: Array<SeriesSamples> = []
    each(matchers, startMs, endMs, (s, lo, hi) =>
      out.push({ labels: s.labels, timestamps: s.ts.subarray(lo, hi), values: s.vals.subarray(lo, hi) })
    )
    return out
  }

  const series = (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => {
    const out: Array<Labels> = []
    each(matchers, startMs, endMs, (s) => out.push(s.labels))
    return out
  }

  const labelNames = (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => {
    const names = new Set<string>()
    each(matchers, startMs, endMs, (s) => Object.keys(s.labels).forEach((name) => names.add(name)))
    return [...names].toSorted()
  }

  const labelValues = (name: string, matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => {
    const values = new Set<string>()
    each(matchers, startMs, endMs, (s) => {
      const value = s.labels[name]
      if (value !== undefined) values.add(value)
    })
    return [...values].toSorted()
  }

  const write = (batch: Batch): Pending => {
    const n = batch.keys.length
    const ids = new Uint32Array(n)
    const newSeries: Array<Pending["newSeries"][number]> = []
    const fresh = new Map<string, number>()
    let id = nextId
    for (let i = 0; i < n; i++) {
      const key = batch.keys[i]!
      const known = byKey.get(key)?.id ?? fresh.get(key)
      if (known !== undefined) {
        ids[i] = known
        continue
      }
      fresh.set(key, id)
      insertSeries.run(id, key)
      newSeries.push({ id, key, labels: batch.labels[i]! })
      ids[i] = id++
    }
    const ms = Float64Array.from(batch.ms)
    const values = Float64Array.from(batch.values)
    if (n > 0) {
      let min = Infinity
      let max = -Infinity
      for (const t of ms) {
        if (t < min) min = t
        if (t > max) max = t
      }
      insertBlock.run(min, max, n, encodeBlock(ids, ms, values))
    }
    return { newSeries, ids, ms, values }
  }

  const apply = (pending: Pending) => {
    for (const s of pending.newSeries) register(s.id, s.key, s.labels)
    addSamples(pending.ids, pending.ms, pending.values)
  }

  // Blocks wholly older than the cutoff go; a block straddling it stays on disk until it
  // is wholly old, and its old samples are left out when loaded (memory is trimmed exactly).
  const deleteBlocks = db.prepare("DELETE FROM sample_blocks WHERE max_ms < ?")
  const deleteBefore = (cutoffMs: number) => {
    deleteBlocks.run(cutoffMs)
  }
  const applyRetention = (cutoffMs: number) => {
    for (const s of byId) {
      if (s === undefined) continue
      normalize(s)
      const drop = lowerBound(s.ts, s.n, cutoffMs)
      if (drop === 0) continue
      s.ts = s.ts.slice(drop, s.n)
      s.vals = s.vals.slice(drop, s.n)
      s.n -= drop
      samples -= drop
    }
  }

  return {
    select,
    series,
    labelNames,
    labelValues,
    write,
    apply,
    deleteBefore,
    applyRetention,
    stats: () => ({ series: byKey.size, samples })
  }
}
