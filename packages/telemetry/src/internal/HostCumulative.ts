// Counters that stay correct across short-lived processes (SPEC §4). Every gt/bd command
// is its own process, so a per-process cumulative counter reads 1, 1, 1… in the backend.
// Instead, the running totals of each series live in a state file on the host; a flush
// adds its deltas to them under a lock and stamps the points with a time taken under the
// same lock, strictly after the previous flush's. Whatever order pushes arrive in, the
// stored samples ordered by time form one counter that grows by exactly what was counted,
// with no per-process series, on any Prometheus-compatible backend.
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { type Cumulative, pointsFrom, type Total } from "./Cumulative.ts"
import { nowUnixNano } from "./Clock.ts"
import { withLock } from "./Lock.ts"

interface StoredTotal {
  readonly start: string
  /** When a flush last touched the series, in Unix ms: idle series expire. */
  readonly seen: number
  readonly value: number
  readonly count: number
  readonly sum: number
  readonly min: number | null
  readonly max: number | null
  readonly buckets: ReadonlyArray<number>
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
  fs.writeFileSync(tmp, JSON.stringify(state))
  fs.renameSync(tmp, file)
}

const toTotal = (s: StoredTotal): Total & { seen: number } => ({
  seen: s.seen ?? 0,
  start: BigInt(s.start),
  value: s.value,
  count: s.count,
  sum: s.sum,
  min: s.min ?? Infinity,
  max: s.max ?? -Infinity,
  buckets: [...s.buckets]
})

const fromTotal = (t: Total, seen: number): StoredTotal => ({
  start: String(t.start),
  seen,
  value: t.value,
  count: t.count,
  sum: t.sum,
  min: Number.isFinite(t.min) ? t.min : null,
  max: Number.isFinite(t.max) ? t.max : null,
  buckets: t.buckets
})

const nanosPerMs = 1_000_000n

// The state stays small (it is read and rewritten under the lock by every flush): a
// series idle for 30 days expires (seen again, it starts over, which a backend reads as a
// counter reset), and past 10,000 series the least recently seen go first.
const maxIdleMs = 30 * 24 * 3600 * 1000
const maxSeries = 10_000

const kept = (totals: Map<string, Total & { seen: number }>, nowMs: number) =>
  [...totals]
    .filter(([, t]) => nowMs - t.seen <= maxIdleMs)
    .toSorted(([, a], [, b]) => b.seen - a.seen)
    .slice(0, maxSeries)

/**
 * Host-wide cumulative state in `file` (one per backend and resource). `lockWaitMs`
 * bounds how long a flush waits for another process; without the lock it fails, and
 * the caller keeps its deltas for the next flush.
 */
export const make = (
  file: string,
  lockWaitMs: number,
  processStartUnixNano: bigint,
  now: () => bigint = nowUnixNano
): Cumulative => ({
  points: (deltas) =>
    Effect.gen(function* () {
      fs.mkdirSync(path.dirname(file), { recursive: true })
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
          const metrics = pointsFrom(totals, deltas, processStartUnixNano, time)
          for (const d of deltas) totals.get(d.key)!.seen = nowMs
          write(file, {
            lastTimeUnixNano: String(time),
            series: Object.fromEntries(kept(totals, nowMs).map(([k, t]) => [k, fromTotal(t, t.seen)]))
          })
          return metrics
        })
      )
      if (result === undefined) return yield* Effect.fail("lock-timeout" as const)
      return result
    })
})
