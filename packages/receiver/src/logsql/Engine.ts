/**
 * The LogsQL evaluator over a {@link LogSource}: the time range comes from the top-level `_time`
 * filters and the caller's range, top-level stream filters pick the streams to scan, every filter
 * is compiled once to a predicate, and pipes run as a chain that stops the scan as soon as a limit
 * is met. Rows arrive newest first, so `| sort by (_time) desc | limit N` needs no sorting.
 *
 * @since 0.1.0
 */
import type { LogRow, LogSource } from "../logs/LogRow.ts"
import type * as Ast from "./Ast.ts"
import * as Compile from "./internal/compile.ts"
import { compareValues } from "./internal/order.ts"
import * as Stats from "./internal/stats.ts"
import { timeBounds } from "./Parser.ts"

/**
 * A result row: a log record (with its time) or a row a pipe made, such as a stats row (without).
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly timeNs: bigint | undefined
  readonly fields: { readonly [name: string]: string }
}

/**
 * The time range of the request (`start`/`end`), inclusive, in Unix nanoseconds; open when left out.
 *
 * @since 0.1.0
 * @category models
 */
export interface Range {
  readonly startNs?: bigint | undefined
  readonly endNs?: bigint | undefined
}

/**
 * What a query returns: the rows, and the order of their fields when the query fixes it (it ends
 * with `fields` or `stats`); otherwise VictoriaLogs prints fields in name order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly rows: ReadonlyArray<Row>
  readonly fieldOrder: ReadonlyArray<string> | undefined
}

interface Stage {
  readonly push: (row: Row) => boolean
  readonly end: () => void
}

type SortPipe = Extract<Ast.Pipe, { _tag: "Sort" }>

const isNewestFirst = (sort: SortPipe): boolean =>
  sort.by.length === 1 && sort.by[0]!.field === "_time" && sort.by[0]!.desc !== sort.desc

const fieldValue = (row: Row, field: string): string => row.fields[field] ?? ""

const sortComparator = (sort: SortPipe): ((a: Row, b: Row) => number) => {
  const keys = (a: Row, b: Row): ReadonlyArray<Ast.SortBy> =>
    sort.by.length > 0
      ? sort.by
      : [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])]
          .toSorted()
          .map((field) => ({ field, desc: false }))
  return (a, b) => {
    for (const key of keys(a, b)) {
      let c: number
      if (key.field === "_time" && a.timeNs !== undefined && b.timeNs !== undefined) {
        c = a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0
      } else {
        c = compareValues(fieldValue(a, key.field), fieldValue(b, key.field))
      }
      if (c !== 0) return key.desc !== sort.desc ? -c : c
    }
    return 0
  }
}

// Whether a `fields` list (names, or prefixes ending in `*`) keeps a field.
const keeps = (fields: ReadonlyArray<string>, name: string): boolean =>
  fields.some((f) => f === name || (f.endsWith("*") && name.startsWith(f.slice(0, -1))))

const projector = (fields: ReadonlyArray<string>): ((row: Row) => Row) => {
  const exact = fields.filter((f) => !f.endsWith("*"))
  const prefixes = fields.filter((f) => f.endsWith("*")).map((f) => f.slice(0, -1))
  const keepsTime = keeps(fields, "_time")
  return (row) => {
    const out: Record<string, string> = {}
    for (const name of exact) {
      const v = row.fields[name]
      if (v !== undefined) out[name] = v
    }
    if (prefixes.length > 0) {
      for (const name in row.fields) if (prefixes.some((p) => name.startsWith(p))) out[name] = row.fields[name]!
    }
    return { timeNs: keepsTime ? row.timeNs : undefined, fields: out }
  }
}

const limitStage = (n: number, offset: number, next: Stage): Stage => {
  let skipped = 0
  let passed = 0
  return {
    push: (row) => {
      if (skipped < offset) {
        skipped++
        return true
      }
      if (passed >= n) return false
      passed++
      return next.push(row) && passed < n
    },
    end: next.end
  }
}

const stage = (pipe: Ast.Pipe, ordered: boolean, next: Stage): Stage => {
  switch (pipe._tag) {
    case "Limit":
      return limitStage(pipe.n, 0, next)
    case "Offset":
      return limitStage(Infinity, pipe.n, next)
    case "Filter": {
      const p = Compile.compile(pipe.filter)
      return { push: (row) => !p(row) || next.push(row), end: next.end }
    }
    case "Fields": {
      const project = projector(pipe.fields)
      return { push: (row) => next.push(project(row)), end: next.end }
    }
    case "Sort": {
      if (ordered && isNewestFirst(pipe)) return limitStage(pipe.limit ?? Infinity, pipe.offset, next)
      const rows: Array<Row> = []
      const compare = sortComparator(pipe)
      return {
        push: (row) => {
          rows.push(row)
          return true
        },
        end: () => {
          rows.sort(compare)
          const end = pipe.limit === undefined ? rows.length : pipe.offset + pipe.limit
          for (const row of rows.slice(pipe.offset, end)) if (!next.push(row)) break
          next.end()
        }
      }
    }
    case "Stats": {
      const stats = Stats.make(pipe)
      return {
        push: (row) => {
          stats.push(row)
          return true
        },
        end: () => {
          for (const row of stats.rows()) if (!next.push(row)) break
          next.end()
        }
      }
    }
  }
}

// Whether the rows entering each pipe are still newest first, as the scan delivers them.
const orderedBefore = (pipes: ReadonlyArray<Ast.Pipe>): ReadonlyArray<boolean> => {
  const out: Array<boolean> = []
  let ordered = true
  for (const p of pipes) {
    out.push(ordered)
    if (p._tag === "Stats") ordered = false
    else if (p._tag === "Sort") ordered = isNewestFirst(p)
  }
  return out
}

const chain = (pipes: ReadonlyArray<Ast.Pipe>, sink: Stage): Stage => {
  const ordered = orderedBefore(pipes)
  let next = sink
  for (let i = pipes.length - 1; i >= 0; i--) next = stage(pipes[i]!, ordered[i]!, next)
  return next
}

const collector = (): Stage & { readonly rows: Array<Row> } => {
  const rows: Array<Row> = []
  return {
    rows,
    push: (row) => {
      rows.push(row)
      return true
    },
    end: () => {}
  }
}

/**
 * The field order a query fixes: that of its last `fields` or `stats` pipe, looking past pipes
 * that keep fields as they are (`limit`, `offset`, `sort`, `filter`).
 *
 * @since 0.1.0
 * @category evaluation
 */
export const fieldOrder = (pipes: ReadonlyArray<Ast.Pipe>): ReadonlyArray<string> | undefined => {
  for (let i = pipes.length - 1; i >= 0; i--) {
    const p = pipes[i]!
    if (p._tag === "Fields") return p.fields
    if (p._tag === "Stats") return [...p.by.map((b) => b.field), ...p.funcs.map((f) => f.name)]
    if (p._tag !== "Limit" && p._tag !== "Offset" && p._tag !== "Sort" && p._tag !== "Filter") return undefined
  }
  return undefined
}

/**
 * The time range a scan needs: the request's range narrowed by the query's top-level `_time`
 * filters; `undefined` when it is empty.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const timeRange = (
  filter: Ast.Filter,
  range: Range = {}
): { readonly startNs: bigint; readonly endNs: bigint } | undefined => {
  let startNs = range.startNs ?? timeBounds.minNs
  let endNs = range.endNs ?? timeBounds.maxNs
  for (const f of filter._tag === "And" ? filter.filters : [filter]) {
    if (f._tag !== "Time") continue
    if (f.startNs > startNs) startNs = f.startNs
    if (f.endNs < endNs) endNs = f.endNs
  }
  return startNs <= endNs ? { startNs, endNs } : undefined
}

// The fields a filter reads (`_time` for time filters, `_stream` for stream filters).
const fieldsRead = (f: Ast.Filter): ReadonlyArray<string> => {
  switch (f._tag) {
    case "Any":
      return []
    case "Time":
      return ["_time"]
    case "Stream":
      return ["_stream"]
    case "Not":
      return fieldsRead(f.filter)
    case "And":
    case "Or":
      return f.filters.flatMap(fieldsRead)
    default:
      return [f.field]
  }
}

// The top-level filters that read `_msg` alone, as a test of the message: the scan's hint.
const messageTest = (filters: ReadonlyArray<Ast.Filter>): ((msg: string) => boolean) | undefined => {
  const own = filters.filter((f) => {
    const read = fieldsRead(f)
    return read.length > 0 && read.every((name) => name === "_msg")
  })
  if (own.length === 0) return undefined
  const test = Compile.compile(own.length === 1 ? own[0]! : { _tag: "And", filters: own })
  return (msg) => test({ timeNs: undefined, fields: { _msg: msg } })
}

/**
 * Evaluates a query over a source within a time range.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const run = (query: Ast.Query, source: LogSource, range: Range = {}): Output => {
  const sink = collector()
  const head = chain(query.pipes, sink)
  const scan = timeRange(query.filter, range)
  if (scan !== undefined) {
    const top = query.filter._tag === "And" ? query.filter.filters : [query.filter]
    // The range already holds the top-level time filters; the rest is checked per row.
    const rest = top.filter((f) => f._tag !== "Time")
    const predicate = Compile.compile(
      rest.length === 0 ? { _tag: "Any" } : rest.length === 1 ? rest[0]! : { _tag: "And", filters: rest }
    )
    const streamFilters = rest.filter((f): f is Extract<Ast.Filter, { _tag: "Stream" }> => f._tag === "Stream")
    let streams: ReadonlyArray<string> | undefined
    if (streamFilters.length > 0) {
      const matchers = streamFilters.map(Compile.streamMatcher)
      streams = source.streams(scan).filter((s) => matchers.every((m) => m(s)))
    }
    if (streams === undefined || streams.length > 0) {
      source.scan({ ...scan, streams, message: messageTest(rest) }, (row) => !predicate(row) || head.push(row))
    }
  }
  head.end()
  return { rows: sink.rows, fieldOrder: fieldOrder(query.pipes) }
}

/**
 * Live tailing: the rows of each new batch that the query selects, shaped by its pipes. Live
 * tailing takes queries whose pipes are `fields` and `filter` only (VictoriaLogs refuses others);
 * see {@link untailable}.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const tail = (query: Ast.Query): ((rows: Iterable<LogRow>) => Array<Row>) => {
  const predicate = Compile.compile(query.filter)
  return (rows) => {
    const sink = collector()
    const head = chain(query.pipes, sink)
    for (const row of rows) if (predicate(row) && !head.push(row)) break
    head.end()
    return sink.rows
  }
}

/**
 * Why a query cannot be live-tailed (a pipe other than `fields`/`filter`, or `fields` dropping
 * `_time`), or `undefined` when it can.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const untailable = (query: Ast.Query): string | undefined => {
  for (const p of query.pipes) {
    if (p._tag === "Fields") {
      if (!keeps(p.fields, "_time")) {
        return "its fields pipe drops _time, which live tailing needs"
      }
    } else if (p._tag !== "Filter") {
      return `live tailing cannot use a ${p._tag.toLowerCase()} pipe`
    }
  }
  return undefined
}

/**
 * Whether the newest N records can be asked of the query (`limit=N` at `/select/logsql/query`):
 * its pipes neither aggregate, reorder nor cut the rows, and keep `_time`.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const canReturnLastN = (query: Ast.Query): boolean =>
  query.pipes.every((p) => p._tag === "Filter" || (p._tag === "Fields" && keeps(p.fields, "_time")))
