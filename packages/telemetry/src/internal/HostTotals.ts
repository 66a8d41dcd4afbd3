// Counters that stay correct across short-lived processes
// (docs/contract.md#counters-across-short-lived-processes). Every gt/bd command is its own process, so a
// per-process cumulative counter reads 1, 1, 1… in the backend. Instead, the running totals of each series live
// in a state file on the host; a flush adds its deltas to them under a lock and stamps the points with a time
// taken under the same lock, strictly after the previous flush's. Whatever order pushes arrive in, the stored
// samples ordered by time form one counter that grows by exactly what was counted, with no per-process series,
// on any Prometheus-compatible backend.
import { Catalogue } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Tally from "./Tally.ts"
import * as Totals from "./Totals.ts"
import * as UnixNanos from "./UnixNanos.ts"
import { withLock } from "./Lock.ts"
import * as PrivateDir from "./PrivateDir.ts"
import type { Series } from "./Recorder.ts"

interface StoredTotal extends Tally.Stored {
  readonly start: string
  /** When a flush last touched the series, in Unix ms: idle series expire. */
  readonly seen: number
}

interface State {
  readonly lastTimeUnixNano: string
  readonly series: Record<string, StoredTotal>
}

const read = (file: string): State => {
  try {
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as State
    if (typeof state.lastTimeUnixNano === "string" && typeof state.series === "object") return state
  } catch {
    // Missing or unreadable (a torn write cannot happen: writes are renames): start over.
  }
  return { lastTimeUnixNano: "0", series: {} }
}

const write = (file: string, state: State) => {
  const tmp = `${file}.${process.pid}.tmp`
  // Left by a killed process whose pid this one reuses: never written into, only replaced.
  fs.rmSync(tmp, { force: true })
  PrivateDir.writeNew(tmp, JSON.stringify(state))
  fs.renameSync(tmp, file)
}

const toTotal = (s: StoredTotal): Totals.SeriesTotal & { seen: number } => ({
  seen: s.seen ?? 0,
  start: BigInt(s.start),
  ...Tally.fromStored(s)
})

const fromTotal = (t: Totals.SeriesTotal, seen: number): StoredTotal => ({
  start: String(t.start),
  seen,
  ...Tally.toStored(t)
})

const nanosPerMs = 1_000_000n

// The state stays small (it is read and rewritten under the lock by every flush): a
// series idle for 30 days expires (seen again, it starts over, which a backend reads as a
// counter reset), and past 10,000 series the least recently seen go first.
const maxIdleMs = 30 * 24 * 3600 * 1000
const maxSeries = 10_000

const kept = (totals: Map<string, Totals.SeriesTotal & { seen: number }>, nowMs: number) =>
  [...totals]
    .filter(([, t]) => nowMs - t.seen <= maxIdleMs)
    .toSorted(([, a], [, b]) => b.seen - a.seen)
    .slice(0, maxSeries)

/**
 * Host-wide cumulative state in `file` (one per backend and resource). `lockWaitMs`
 * bounds how long a flush waits for another process; without the lock its deltas are
 * parked for the next flush and it returns no points.
 */
// Deltas whose flush could not take the lock in time are parked beside the state, one file
// per flush, and folded in by the next flush that holds the lock, whichever process that
// is: an exit during a long contention loses nothing.
interface Parked extends Tally.Stored {
  readonly key: string
  readonly metric: string
  readonly attributes: Series["attributes"]
}

const metricsByName = new Map(Catalogue.metrics.map((m) => [m.name, m]))

const park = (dir: string, deltas: ReadonlyArray<Series>) => {
  const parked: Array<Parked> = deltas.map((d) => ({
    key: d.key,
    metric: d.metric.name,
    attributes: d.attributes,
    ...Tally.toStored(d)
  }))
  const name = `parked-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`
  PrivateDir.writeNew(path.join(dir, `${name}.tmp`), JSON.stringify(parked))
  fs.renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name))
}

// Every parked file, and its deltas turned back into series. The files are removed by the caller
// once the state that adds them up is written: a failed write leaves them for the next flush.
const unpark = (dir: string): { readonly files: ReadonlyArray<string>; readonly series: ReadonlyArray<Series> } => {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("parked-") && f.endsWith(".json"))
    .map((f) => path.join(dir, f))
  const series = files.flatMap((file) => {
    let parked: ReadonlyArray<Parked> = []
    try {
      parked = JSON.parse(fs.readFileSync(file, "utf8")) as ReadonlyArray<Parked>
    } catch {
      // Unreadable: nothing can be recovered from it.
    }
    return parked.flatMap((p): ReadonlyArray<Series> => {
      const metric = metricsByName.get(p.metric)
      if (metric === undefined) return []
      return [{ key: p.key, metric, attributes: p.attributes, ...Tally.fromStored(p), dirty: true }]
    })
  })
  return { files, series }
}

// One point per series and flush: deltas of the same series (parked and fresh) add up.
const merged = (deltas: ReadonlyArray<Series>): ReadonlyArray<Series> => {
  const byKey = new Map<string, Series>()
  for (const d of deltas) {
    const seen = byKey.get(d.key)
    if (seen === undefined) byKey.set(d.key, { ...d, buckets: [...d.buckets] })
    else Tally.add(seen, d, d.metric.kind === "gauge")
  }
  return [...byKey.values()]
}

export const make = (
  file: string,
  lockWaitMs: number,
  processStartUnixNano: bigint,
  now: () => bigint = UnixNanos.now
): Totals.Totals => ({
  points: (deltas) =>
    Effect.gen(function* () {
      // Made (and checked) by the exporter; made again, as privately, if it was removed since.
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: PrivateDir.dirMode })
      const result = yield* withLock(
        `${file}.lock`,
        lockWaitMs,
        Effect.sync(() => {
          const state = read(file)
          // Whole milliseconds, strictly after the previous flush: VictoriaMetrics stores ms,
          // and a clock that jumped back must not reorder this flush before the previous one.
          const lastMs = BigInt(state.lastTimeUnixNano) / nanosPerMs
          const clockMs = now() / nanosPerMs
          const time = (clockMs > lastMs ? clockMs : lastMs + 1n) * nanosPerMs
          const nowMs = Number(time / nanosPerMs)
          const totals = new Map(Object.entries(state.series).map(([k, v]) => [k, toTotal(v)]))
          const parked = unpark(path.dirname(file))
          const all = merged([...parked.series, ...deltas])
          const metrics = Totals.pointsFrom(totals, all, processStartUnixNano, time)
          for (const d of all) totals.get(d.key)!.seen = nowMs
          write(file, {
            lastTimeUnixNano: String(time),
            series: Object.fromEntries(kept(totals, nowMs).map(([k, t]) => [k, fromTotal(t, t.seen)]))
          })
          for (const parkedFile of parked.files) fs.rmSync(parkedFile, { force: true })
          return metrics
        })
      )
      if (result !== undefined) return result
      park(path.dirname(file), deltas)
      return []
    })
})
