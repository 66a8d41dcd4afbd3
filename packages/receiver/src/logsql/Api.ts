/**
 * VictoriaLogs' query endpoints as pure functions of the request parameters, a
 * {@link LogSource} and the current time: `/select/logsql/query`, `/tail`, `/hits`,
 * `/stats_query`, `/stats_query_range`, `/field_names`, `/field_values`, `/streams`,
 * `/stream_ids`, `/stream_field_names`, `/stream_field_values`, with VictoriaLogs' parameters
 * and response shapes (app/vlselect/logsql). The HTTP server mounts them with {@link handlers};
 * parameters come from the query string and, for POST, the form body.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { LogSource } from "../logs/LogRow.ts"
import type * as Ast from "./Ast.ts"
import * as Engine from "./Engine.ts"
import { compareValues } from "./internal/order.ts"
import { parseStream } from "./internal/compile.ts"
import * as Time from "./internal/time.ts"
import { LogsQLError } from "./LogsQLError.ts"
import * as Parser from "./Parser.ts"

/**
 * A complete answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly _tag: "Response"
  readonly status: number
  readonly headers: { readonly [name: string]: string }
  readonly body: string
}

/**
 * A live tail: send `headers`, then what `poll` returns, calling it every `refreshMs` with the
 * current time, until the client goes away.
 *
 * @since 0.1.0
 * @category models
 */
export interface TailStream {
  readonly _tag: "TailStream"
  readonly status: 200
  readonly headers: { readonly [name: string]: string }
  readonly refreshMs: number
  readonly poll: (nowNs: bigint) => string
}

const json = { "Content-Type": "application/json" }

const respond = (body: string, headers: Response["headers"] = json, status = 200): Response => ({
  _tag: "Response",
  status,
  headers,
  body
})

// VictoriaLogs answers a bad request with 400 and the message as text; the stats endpoints
// answer in Prometheus' error shape with 422.
const failure = (e: LogsQLError): Response => respond(e.message, { "Content-Type": "text/plain; charset=utf-8" }, 400)
const prometheusFailure = (e: LogsQLError): Response =>
  respond(JSON.stringify({ status: "error", errorType: "422", error: e.message }), json, 422)

const parameterError = (name: string, value: string, detail: string) =>
  new LogsQLError({ reason: "Parameter", input: `${name}=${value}`, position: name.length + 1, detail })

const timeParam = (params: URLSearchParams, name: string, nowNs: bigint): bigint | undefined => {
  const text = params.get(name) ?? ""
  if (text === "") return undefined
  const t = Time.parseTime(text, nowNs)
  if (t === undefined) throw parameterError(name, text, "expected RFC 3339, Unix time or a duration back from now")
  return t
}

const durationParam = (params: URLSearchParams, name: string, fallback: string): bigint => {
  const text = params.get(name) || fallback
  const d = Time.parseDuration(text)
  if (d === undefined) throw parameterError(name, text, "expected a duration such as 5m or 1h30m")
  return d
}

const countParam = (params: URLSearchParams, name: string): number => {
  const text = params.get(name) ?? ""
  if (text === "") return 0
  if (!/^[+-]?\d+$/.test(text)) throw parameterError(name, text, "expected an integer")
  const n = Number(text)
  if (n < 0) throw parameterError(name, text, "cannot be smaller than 0")
  return n
}

// Start and end widened to whole steps (hits and range stats buckets) exactly as VictoriaLogs
// does it (alignStartEndToStep), including its moving an end that is already on a step boundary
// one step further.
const align = (startNs: bigint, endNs: bigint, step: bigint, offset: bigint): readonly [bigint, bigint] => {
  const s = startNs + offset
  const e = endNs + offset
  const start = s >= 0n ? s - (s % step) : s - (step + (s % step))
  const end = e <= 0n ? e - (e % step) : e + (step - (e % step))
  return [start - offset, end - offset - 1n]
}

interface Common {
  readonly text: string
  /** The query with the extra filters added. */
  readonly query: Ast.Query
  readonly extras: ReadonlyArray<Ast.Filter>
  readonly range: Engine.Range
  readonly timestampNs: bigint
}

const withFilters = (filter: Ast.Filter, extras: ReadonlyArray<Ast.Filter>): Ast.Filter =>
  extras.length === 0
    ? filter
    : { _tag: "And", filters: [...(filter._tag === "And" ? filter.filters : [filter]), ...extras] }

const extraFilters = (params: URLSearchParams, name: string, stream: boolean, nowNs: bigint): Array<Ast.Filter> =>
  params.getAll(name).flatMap((text): Array<Ast.Filter> => {
    if (text === "") return []
    if (!text.startsWith('{"')) return [Result.getOrThrow(Parser.parseFilter(text, { nowNs }))]
    let object: unknown
    try {
      object = JSON.parse(text)
    } catch {
      throw parameterError(name, text, "expected LogsQL or a JSON object of field values")
    }
    return Object.entries(object as Record<string, unknown>).flatMap(([key, v]): Array<Ast.Filter> => {
      const values = typeof v === "string" ? [v] : Array.isArray(v) ? v : undefined
      if (values === undefined || values.some((x) => typeof x !== "string")) {
        throw parameterError(name, text, `the value of ${key} must be a string or an array of strings`)
      }
      if (values.length === 0) return []
      if (stream) {
        const tag: Ast.StreamTagFilter =
          values.length === 1
            ? { name: key, op: "=", value: values[0] }
            : { name: key, op: "=~", value: values.map((x) => x.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")).join("|") }
        return [{ _tag: "Stream", anyOf: [[tag]] }]
      }
      return [
        values.length === 1 ? { _tag: "Exact", field: key, value: values[0] } : { _tag: "In", field: key, values }
      ]
    })
  })

// The arguments every endpoint shares (`query`, `start`, `end` exclusive, `time`, extra filters).
// `step` aligns the range to whole buckets.
const common = (params: URLSearchParams, nowNs: bigint, step?: { readonly step: bigint; readonly offset: bigint }) => {
  let startNs = timeParam(params, "start", nowNs)
  let endNs = timeParam(params, "end", nowNs)
  if (endNs !== undefined) endNs -= 1n
  const time = timeParam(params, "time", nowNs)
  const timestampNs = time !== undefined ? time - 1n : (endNs ?? nowNs)
  const text = params.get("query") ?? ""
  const parsed = Result.getOrThrow(Parser.parse(text, { nowNs: timestampNs }))
  if (step !== undefined && (startNs !== undefined || endNs !== undefined)) {
    const [s, e] = align(startNs ?? Parser.timeBounds.minNs, endNs ?? Parser.timeBounds.maxNs, step.step, step.offset)
    if (startNs !== undefined) startNs = s
    if (endNs !== undefined) endNs = e
  }
  const extras = [
    ...extraFilters(params, "extra_filters", false, timestampNs),
    ...extraFilters(params, "extra_stream_filters", true, timestampNs)
  ]
  return {
    text,
    query: { filter: withFilters(parsed.filter, extras), pipes: parsed.pipes },
    extras,
    range: { startNs, endNs },
    timestampNs
  } satisfies Common
}

// Runs `body`, turning the errors it throws into VictoriaLogs' error answer.
const guard = (body: () => Response, onError: (e: LogsQLError) => Response = failure): Response => {
  try {
    return body()
  } catch (e) {
    if (e instanceof LogsQLError) return onError(e)
    throw e
  }
}

/**
 * One result row as a JSON object, the way VictoriaLogs prints it: empty values left out, fields
 * in name order unless the query fixes their order.
 *
 * @since 0.1.0
 * @category formatting
 */
export const jsonLine = (row: Engine.Row, fieldOrder: ReadonlyArray<string> | undefined): string => {
  const names =
    fieldOrder === undefined
      ? Object.keys(row.fields).toSorted()
      : fieldOrder.flatMap((f) =>
          f.endsWith("*")
            ? Object.keys(row.fields)
                .filter((n) => n.startsWith(f.slice(0, -1)))
                .toSorted()
            : [f]
        )
  let line = ""
  for (const name of names) {
    const v = row.fields[name]
    if (v === undefined || v === "") continue
    line += `${line === "" ? "{" : ","}${quotedName(name)}${JSON.stringify(v)}`
  }
  return line === "" ? "{}" : `${line}}`
}

// Field names repeat from row to row: each is quoted once (up to a bound).
const quotedNames = new Map<string, string>()
const quotedName = (name: string): string => {
  let quoted = quotedNames.get(name)
  if (quoted === undefined) {
    quoted = `${JSON.stringify(name)}:`
    if (quotedNames.size < 10_000) quotedNames.set(name, quoted)
  }
  return quoted
}

const jsonLines = (output: Engine.Output): string => {
  let body = ""
  for (const row of output.rows) {
    const line = jsonLine(row, output.fieldOrder)
    if (line !== "{}") body += `${line}\n`
  }
  return body
}

/**
 * `/select/logsql/query`: the matching records (or pipe results) as JSON lines. `limit=N` gives
 * the N newest (skipping `offset`), newest first; without it, every match.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const query = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
  guard(() => {
    const c = common(params, nowNs)
    const limit = countParam(params, "limit")
    const offset = countParam(params, "offset")
    const pipes: Array<Ast.Pipe> = [...c.query.pipes]
    if (limit > 0) {
      if (Engine.canReturnLastN(c.query)) {
        pipes.push({ _tag: "Sort", by: [{ field: "_time", desc: true }], desc: false, offset, limit })
      } else {
        if (offset > 0) pipes.push({ _tag: "Offset", n: offset })
        pipes.push({ _tag: "Limit", n: limit })
      }
    }
    const output = Engine.run({ ...c.query, pipes }, source, c.range)
    return respond(jsonLines(output), { "Content-Type": "application/stream+json" })
  })

const valuesWithHits = (entries: Iterable<readonly [string, number]>, limit = 0): string => {
  let values = [...entries].toSorted(([a, x], [b, y]) => y - x || compareValues(a, b))
  let zero = false
  if (limit > 0 && values.length > limit) {
    values = values.slice(0, limit)
    zero = true
  }
  return JSON.stringify({ values: values.map(([value, hits]) => ({ value, hits: zero ? 0 : hits })) })
}

const countValues = (rows: ReadonlyArray<Engine.Row>, field: string): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const row of rows) {
    const v = row.fields[field] ?? ""
    counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  return counts
}

/**
 * `/select/logsql/field_names`: every field name in the matching records, with how many records
 * have it.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const fieldNames = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
  guard(() => {
    const c = common(params, nowNs)
    const counts = new Map<string, number>()
    for (const row of Engine.run(c.query, source, c.range).rows) {
      for (const name in row.fields) if (row.fields[name] !== "") counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    return respond(valuesWithHits(counts))
  })

const valuesOf =
  (fixedField: string | undefined) =>
  (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
    guard(() => {
      const field = fixedField ?? params.get("field") ?? ""
      if (field === "") throw parameterError("field", "", "missing 'field' query arg")
      const limit = countParam(params, "limit")
      const c = common(params, nowNs)
      return respond(valuesWithHits(countValues(Engine.run(c.query, source, c.range).rows, field), limit))
    })

/**
 * `/select/logsql/field_values`: the values of `field` in the matching records with their counts
 * (the empty value for records without it); past `limit`, an arbitrary `limit` of them with
 * zeroed hits.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const fieldValues = valuesOf(undefined)

/**
 * `/select/logsql/streams`: the `_stream` values of the matching records with their counts.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const streams = valuesOf("_stream")

/**
 * `/select/logsql/stream_ids`: the `_stream_id` values of the matching records with their counts.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const streamIds = valuesOf("_stream_id")

const streamFields =
  (byValue: boolean) =>
  (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
    guard(() => {
      const field = params.get("field") ?? ""
      if (byValue && field === "") throw parameterError("field", "", "missing 'field' query arg")
      const limit = byValue ? countParam(params, "limit") : 0
      const c = common(params, nowNs)
      const counts = new Map<string, number>()
      for (const [stream, hits] of countValues(Engine.run(c.query, source, c.range).rows, "_stream")) {
        for (const [name, value] of parseStream(stream) ?? []) {
          if (byValue && name !== field) continue
          const key = byValue ? value : name
          counts.set(key, (counts.get(key) ?? 0) + hits)
        }
      }
      return respond(valuesWithHits(counts, limit))
    })

/**
 * `/select/logsql/stream_field_names`: the stream field names of the matching records.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const streamFieldNames = streamFields(false)

/**
 * `/select/logsql/stream_field_values`: the values of stream field `field` in the matching records.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const streamFieldValues = streamFields(true)

const seconds = (ns: bigint): number => Number(ns) / 1e9

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const byTime = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0)

const lastStats = (c: Common): Extract<Ast.Pipe, { _tag: "Stats" }> => {
  const last = c.query.pipes[c.query.pipes.length - 1]
  if (last?._tag !== "Stats") {
    throw new LogsQLError({
      reason: "Syntax",
      input: c.text,
      position: c.text.length,
      detail: "the query must end with a stats pipe"
    })
  }
  return last
}

/**
 * `/select/logsql/stats_query`: the rows of the final stats pipe as a Prometheus instant vector,
 * one sample per result column, labelled by the `by` fields, at `time`.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const statsQuery = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
  guard(() => {
    const c = common(params, nowNs)
    const labels = lastStats(c).by.map((b) => b.field)
    const result = Engine.run(c.query, source, c.range).rows.flatMap((row) => {
      const metric = Object.fromEntries(labels.map((l) => [l, row.fields[l] ?? ""]))
      return Object.keys(row.fields)
        .filter((name) => !labels.includes(name))
        .map((name) => ({ metric: { __name__: name, ...metric }, value: [seconds(c.timestampNs), row.fields[name]] }))
    })
    return respond(JSON.stringify({ status: "success", data: { resultType: "vector", result } }))
  }, prometheusFailure)

/**
 * `/select/logsql/stats_query_range`: the final stats pipe evaluated per `step` bucket of
 * `_time`, as a Prometheus range matrix.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const statsQueryRange = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
  guard(() => {
    const step = durationParam(params, "step", "1d")
    if (step <= 0n) throw parameterError("step", params.get("step") ?? "", "'step' must be bigger than zero")
    const offset = durationParam(params, "offset", "0s")
    const c = common(params, nowNs, { step, offset })
    const stats = lastStats(c)
    if (stats.by.some((b) => b.field === "_time")) {
      throw new LogsQLError({
        reason: "Syntax",
        input: c.text,
        position: 0,
        detail: "the stats pipe cannot group by _time here: the step does"
      })
    }
    const withTime = { ...stats, by: [...stats.by, { field: "_time", bucketNs: step, offsetNs: offset }] }
    const pipes = [...c.query.pipes.slice(0, -1), withTime]
    const labels = stats.by.map((b) => b.field)
    const series = new Map<
      string,
      { order: readonly [number, string, string]; metric: object; points: Array<[bigint, string]> }
    >()
    for (const row of Engine.run({ ...c.query, pipes }, source, c.range).rows) {
      const t = Time.parseRfc3339(row.fields["_time"] ?? "") ?? c.timestampNs
      const metric = Object.fromEntries(labels.map((l) => [l, row.fields[l] ?? ""]))
      stats.funcs.forEach((f, column) => {
        const key = JSON.stringify([column, f.name, metric])
        let s = series.get(key)
        if (s === undefined) {
          s = { order: [column, f.name, JSON.stringify(metric)], metric: { __name__: f.name, ...metric }, points: [] }
          series.set(key, s)
        }
        s.points.push([t, row.fields[f.name] ?? ""])
      })
    }
    const result = [...series.values()]
      .toSorted(
        (a, b) => a.order[0] - b.order[0] || byCodeUnits(a.order[1], b.order[1]) || byCodeUnits(a.order[2], b.order[2])
      )
      .map((s) => ({
        metric: s.metric,
        values: s.points.toSorted(([a], [b]) => byTime(a, b)).map(([t, v]) => [seconds(t), v])
      }))
    return respond(JSON.stringify({ status: "success", data: { resultType: "matrix", result } }))
  }, prometheusFailure)

/**
 * `/select/logsql/hits`: the number of matching records per `step` bucket (optionally per value
 * of each `field`), buckets without records as zeros, for the logs-volume chart.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const hits = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response =>
  guard(() => {
    const step = durationParam(params, "step", "1d")
    if (step <= 0n) throw parameterError("step", params.get("step") ?? "", "'step' must be bigger than zero")
    const offset = durationParam(params, "offset", "0s")
    const fields = params.getAll("field")
    const fieldsLimit = countParam(params, "fields_limit")
    const c = common(params, nowNs, { step, offset })
    const hitsName = fields.includes("hits") ? "hitss" : "hits"
    const countPipe: Ast.Pipe = {
      _tag: "Stats",
      by: [{ field: "_time", bucketNs: step, offsetNs: offset }, ...fields.map((field) => ({ field }))],
      funcs: [{ fn: "count", fields: ["*"], name: hitsName }]
    }
    type Series = { readonly fields: string; buckets: Map<bigint, number>; total: number }
    let series = new Map<string, Series>()
    for (const row of Engine.run({ ...c.query, pipes: [...c.query.pipes, countPipe] }, source, c.range).rows) {
      // Rows a pipe left without a time have no bucket.
      const t = Time.parseRfc3339(row.fields["_time"] ?? "")
      if (t === undefined) continue
      const key = JSON.stringify(Object.fromEntries(fields.map((f) => [f, row.fields[f] ?? ""])))
      let s = series.get(key)
      if (s === undefined) {
        s = { fields: key, buckets: new Map(), total: 0 }
        series.set(key, s)
      }
      const n = Number(row.fields[hitsName])
      s.buckets.set(t, (s.buckets.get(t) ?? 0) + n)
      s.total += n
    }
    if (fieldsLimit > 0 && series.size > fieldsLimit) {
      const ranked = [...series.values()].toSorted((a, b) => b.total - a.total)
      const other: Series = { fields: "{}", buckets: new Map(), total: 0 }
      for (const s of ranked.slice(fieldsLimit)) {
        for (const [t, n] of s.buckets) other.buckets.set(t, (other.buckets.get(t) ?? 0) + n)
        other.total += s.total
      }
      series = new Map([...ranked.slice(0, fieldsLimit).map((s) => [s.fields, s] as const), ["{}", other]])
    }
    // Buckets without records read as zeros between the (aligned) start and end.
    const all = [...series.values()].flatMap((s) => [...s.buckets.keys()])
    if (all.length > 0) {
      const first = c.range.startNs ?? all.reduce((a, b) => (b < a ? b : a))
      const last = c.range.endNs ?? all.reduce((a, b) => (b > a ? b : a))
      const [from, to] = align(first, last, step, offset)
      for (const s of series.values()) for (let t = from; t <= to; t += step) if (!s.buckets.has(t)) s.buckets.set(t, 0)
    }
    const out = [...series.values()]
      .toSorted((a, b) => byCodeUnits(a.fields, b.fields))
      .map((s) => {
        const buckets = [...s.buckets].toSorted(([a], [b]) => byTime(a, b))
        return {
          fields: JSON.parse(s.fields) as object,
          timestamps: buckets.map(([t]) => Time.formatTime(t)),
          values: buckets.map(([, n]) => n),
          total: s.total
        }
      })
    return respond(JSON.stringify({ hits: out }))
  })

/**
 * `/select/logsql/tail`: live tailing. Each poll returns, as JSON lines oldest first, the
 * matching records that arrived up to `offset` (default 1s) before now and were not sent yet,
 * per stream; the first poll goes back `start_offset` (default 5s). Queries with pipes other than
 * `fields`/`filter` are refused, as by VictoriaLogs.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const tail = (params: URLSearchParams, source: LogSource, nowNs: bigint): Response | TailStream => {
  try {
    const refresh = durationParam(params, "refresh_interval", "1s")
    const startOffset = durationParam(params, "start_offset", "5s")
    const offset = durationParam(params, "offset", "1s")
    const c = common(params, nowNs)
    const refusal = Engine.untailable(c.query)
    if (refusal !== undefined) {
      throw new LogsQLError({ reason: "Unsupported", input: c.text, position: 0, detail: refusal })
    }
    const lastSent = new Map<string, bigint>()
    let end = nowNs - offset
    let start = end - startOffset
    const poll = (now: bigint): string => {
      // Relative times in the query count back from the end of each window, as VictoriaLogs re-reads it.
      const q = Result.getOrThrow(Parser.parse(c.text, { nowNs: end }))
      const output = Engine.run({ filter: withFilters(q.filter, c.extras), pipes: q.pipes }, source, {
        startNs: start,
        endNs: end
      })
      const fresh: Array<Engine.Row> = []
      for (const [stream, rows] of Map.groupBy(output.rows, (row) => row.fields["_stream_id"] ?? "")) {
        const last = lastSent.get(stream)
        const unsent = rows
          .filter((r) => r.timeNs !== undefined && (last === undefined || r.timeNs > last))
          .toSorted((a, b) => byTime(a.timeNs!, b.timeNs!))
        if (unsent.length > 0) lastSent.set(stream, unsent[unsent.length - 1]!.timeNs!)
        fresh.push(...unsent)
      }
      fresh.sort((a, b) => byTime(a.timeNs!, b.timeNs!))
      // The next window overlaps this one by 5s, for records that arrive late.
      start = end - 5n * Time.second
      end = now - offset
      return jsonLines({ rows: fresh, fieldOrder: output.fieldOrder })
    }
    return {
      _tag: "TailStream",
      status: 200,
      headers: { "Content-Type": "application/x-ndjson", "Access-Control-Allow-Origin": "*" },
      refreshMs: Number(refresh / 1_000_000n),
      poll
    }
  } catch (e) {
    if (e instanceof LogsQLError) return failure(e)
    throw e
  }
}

/**
 * Every endpoint by path, for the HTTP server to mount.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const handlers: {
  readonly [path: string]: (params: URLSearchParams, source: LogSource, nowNs: bigint) => Response | TailStream
} = {
  "/select/logsql/query": query,
  "/select/logsql/tail": tail,
  "/select/logsql/hits": hits,
  "/select/logsql/stats_query": statsQuery,
  "/select/logsql/stats_query_range": statsQueryRange,
  "/select/logsql/field_names": fieldNames,
  "/select/logsql/field_values": fieldValues,
  "/select/logsql/streams": streams,
  "/select/logsql/stream_ids": streamIds,
  "/select/logsql/stream_field_names": streamFieldNames,
  "/select/logsql/stream_field_values": streamFieldValues
}
