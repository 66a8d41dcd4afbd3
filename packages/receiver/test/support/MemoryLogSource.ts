// An in-memory LogSource for tests and the benchmark: rows kept oldest to newest, scanned
// backwards from the end of the range, the stream hint honoured with a set lookup and the
// message hint by skipping every row that fails it (so engine tests check the hints); per stream,
// its sorted timestamps answer which streams have rows in a range.
import type { LogRow, LogSource } from "../../src/logs/LogRow.ts"

export interface MemoryLogSource extends LogSource {
  /** Adds rows (any order), as ingestion would. */
  readonly add: (rows: Iterable<LogRow>) => void
  /** How many rows scans have visited so far, to check that a limit stops a scan early. */
  readonly visited: () => number
}

const byTime = (a: LogRow, b: LogRow) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0)

export const make = (initial: Iterable<LogRow> = []): MemoryLogSource => {
  let rows: Array<LogRow> = []
  let times = new Map<string, Array<bigint>>()
  let visited = 0

  // The index after the last element with time <= t.
  const upperBound = <A>(xs: ReadonlyArray<A>, time: (a: A) => bigint, t: bigint): number => {
    let lo = 0
    let hi = xs.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (time(xs[mid]!) <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const rowTime = (row: LogRow) => row.timeNs
  const itself = (t: bigint) => t

  const add = (more: Iterable<LogRow>) => {
    rows = [...rows, ...more].toSorted(byTime)
    times = new Map()
    for (const row of rows) {
      const stream = row.fields["_stream"] ?? ""
      let ts = times.get(stream)
      if (ts === undefined) times.set(stream, (ts = []))
      ts.push(row.timeNs)
    }
  }
  add(initial)

  return {
    add,
    visited: () => visited,
    scan: (range, visit) => {
      const streams = range.streams === undefined ? undefined : new Set(range.streams)
      for (let i = upperBound(rows, rowTime, range.endNs) - 1; i >= 0; i--) {
        const row = rows[i]!
        if (row.timeNs < range.startNs) return
        visited++
        if (streams !== undefined && !streams.has(row.fields["_stream"] ?? "")) continue
        if (range.message !== undefined && !range.message(row.fields["_msg"] ?? "")) continue
        if (!visit(row)) return
      }
    },
    streams: (range) =>
      [...times]
        .filter(([, ts]) => {
          const i = upperBound(ts, itself, range.endNs)
          return i > 0 && ts[i - 1]! >= range.startNs
        })
        .map(([stream]) => stream)
  }
}
