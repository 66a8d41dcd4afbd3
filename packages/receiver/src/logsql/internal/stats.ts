// The stats pipe (lib/logstorage/pipe_stats.go and stats_*.go): rows grouped by the `by`
// values (a missing field groups as ""; `_time` may be cut into buckets), one accumulator per
// function. count() counts rows, count(f, …) rows where one of the fields is non-empty,
// count_uniq the distinct non-empty value tuples, sum/avg the values that read as numbers
// (NaN when none), min/max in VictoriaLogs' value order over non-empty values. Without `by`,
// no input still gives one row.
import type * as Ast from "../Ast.ts"
import type { Row } from "../Engine.ts"
import { formatFloat, parseNumber } from "./number.ts"
import { compareValues } from "./order.ts"
import { formatTime, parseRfc3339 } from "./time.ts"

interface Accumulator {
  readonly add: (row: Row) => void
  readonly result: () => string
}

// The field names a function reads for one row: its arguments, or every field for `*`.
const fieldsOf = (fields: ReadonlyArray<string>): ((row: Row) => ReadonlyArray<string>) =>
  fields.includes("*") ? (row) => Object.keys(row.fields).toSorted() : () => fields

const accumulator = (f: Ast.StatsFunc): (() => Accumulator) => {
  const names = fieldsOf(f.fields)
  const all = f.fields.includes("*")
  switch (f.fn) {
    case "count":
      return () => {
        let n = 0
        return {
          add: all
            ? () => n++
            : (row) => {
                if (f.fields.some((name) => (row.fields[name] ?? "") !== "")) n++
              },
          result: () => String(n)
        }
      }
    case "count_uniq":
      return () => {
        const seen = new Set<string>()
        return {
          add: (row) => {
            const values = names(row).map((name) => row.fields[name] ?? "")
            if (values.every((v) => v === "")) return
            seen.add(values.length === 1 ? values[0]! : JSON.stringify(values))
          },
          result: () => String(seen.size)
        }
      }
    case "sum":
    case "avg":
      return () => {
        let sum = NaN
        let count = 0
        return {
          add: (row) => {
            for (const name of names(row)) {
              const x = parseNumber(row.fields[name] ?? "")
              if (x === undefined) continue
              sum = count === 0 ? x : sum + x
              count++
            }
          },
          result: () => formatFloat(f.fn === "sum" ? sum : count === 0 ? NaN : sum / count)
        }
      }
    case "min":
    case "max":
      return () => {
        let best: string | undefined
        const sign = f.fn === "min" ? 1 : -1
        return {
          add: (row) => {
            for (const name of names(row)) {
              const v = row.fields[name] ?? ""
              if (v !== "" && (best === undefined || sign * compareValues(v, best) < 0)) best = v
            }
          },
          result: () => best ?? ""
        }
      }
  }
}

// A `by` entry's grouping key for a row, and how a key prints. `_time` buckets group by their
// start, printed as RFC 3339 once per group rather than once per row.
const groupingOf = (
  by: Ast.StatsBy
): { readonly key: (row: Row) => string; readonly print: (key: string) => string } => {
  const { bucketNs, field } = by
  if (bucketNs === undefined) return { key: (row) => row.fields[field] ?? "", print: (key) => key }
  const offset = by.offsetNs ?? 0n
  // Rows come in time order, so most fall in the bucket of the row before: bigint arithmetic
  // (which allocates) only runs when a row leaves it.
  let from = 1n
  let to = 0n
  let current = ""
  return {
    key: (row) => {
      const t = row.timeNs ?? parseRfc3339(row.fields["_time"] ?? "")
      if (t === undefined) return ""
      if (t >= from && t < to) return current
      let r = (t - offset) % bucketNs
      if (r < 0n) r += bucketNs
      from = t - r
      to = from + bucketNs
      current = String(from)
      return current
    },
    print: (key) => (key === "" ? "" : formatTime(BigInt(key)))
  }
}

interface Group {
  readonly values: ReadonlyArray<string>
  readonly accumulators: ReadonlyArray<Accumulator>
}

// Groups live in a tree of maps, one level per `by` entry, so finding a row's group builds no
// key string.
type Level = Map<string, Level | Group>

export const make = (pipe: Extract<Ast.Pipe, { _tag: "Stats" }>) => {
  const groupings = pipe.by.map(groupingOf)
  const keys = groupings.map((g) => g.key)
  const makers = pipe.funcs.map(accumulator)
  const root: Level = new Map()
  const groups: Array<Group> = []
  const last = keys.length - 1
  const push = (row: Row): void => {
    let level = root
    for (let i = 0; i < last; i++) {
      const v = keys[i]!(row)
      let next = level.get(v) as Level | undefined
      if (next === undefined) level.set(v, (next = new Map()))
      level = next
    }
    const v = last < 0 ? "" : keys[last]!(row)
    let g = level.get(v) as Group | undefined
    if (g === undefined) {
      g = { values: keys.map((k) => k(row)), accumulators: makers.map((m) => m()) }
      level.set(v, g)
      groups.push(g)
    }
    for (const a of g.accumulators) a.add(row)
  }
  const rows = (): Array<Row> => {
    if (groups.length === 0 && pipe.by.length === 0) groups.push({ values: [], accumulators: makers.map((m) => m()) })
    return groups.map((g) => {
      const fields: Record<string, string> = {}
      pipe.by.forEach((b, i) => (fields[b.field] = groupings[i]!.print(g.values[i]!)))
      pipe.funcs.forEach((f, i) => (fields[f.name] = g.accumulators[i]!.result()))
      return { timeNs: undefined, fields }
    })
  }
  return { push, rows }
}
