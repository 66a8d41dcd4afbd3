/**
 * The Prometheus HTTP API of VictoriaMetrics as pure functions: read the parameters of
 * `/api/v1/query`, `/api/v1/query_range`, `/api/v1/series`, `/api/v1/labels` and
 * `/api/v1/label/<name>/values`, run them against a {@link SampleSource}, and answer the
 * JSON VictoriaMetrics answers (Grafana's Prometheus data source reads it). The HTTP server
 * mounts them; they never throw.
 *
 * Errors are answered as VictoriaMetrics 1.79 answers them: status 422 and
 * `{"status":"error","errorType":"422","error":"..."}`.
 *
 * @since 0.1.0
 */
import type { Labels, Matcher, SampleSource } from "../metrics/Series.ts"
import * as Duration from "./Duration.ts"
import * as Engine from "./Engine.ts"
import { parseOrThrow } from "./Parser.ts"
import { badParameter, evaluation, PromqlError } from "./PromqlError.ts"

/**
 * What a handler answers: a status and a JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly status: number
  readonly contentType: "application/json"
  readonly body: string
}

/**
 * Request parameters: the query string and form fields, repeated names kept (`match[]`).
 *
 * @since 0.1.0
 * @category models
 */
export type Params = URLSearchParams

const maxTimeMs = Math.trunc(Number.MAX_SAFE_INTEGER / 1e3) * 1e3
const maxDurationMs = 100 * 365 * 24 * 3600 * 1000
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const decimal = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * Reads a time parameter: Unix seconds with decimals (`1700000000.5`), RFC 3339
 * (`2026-11-30T07:00:00Z`), or a duration before now (`5m` or `-5m`). A missing value is
 * `defaultMs` cut to whole seconds.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseTime = (params: Params, name: string, defaultMs: number, nowMs: number): number => {
  const raw = params.get(name)
  if (raw === null || raw === "") return defaultMs - (defaultMs % 1000)
  let ms: number
  if (decimal.test(raw)) ms = Math.trunc(Number(raw) * 1e3)
  else if (rfc3339.test(raw)) ms = Date.parse(raw.toUpperCase())
  else {
    const d = Duration.parseMs(raw)
    if (d === undefined || Number.isNaN(d))
      throw badParameter(`cannot parse ${JSON.stringify(name)}=${JSON.stringify(raw)}`)
    ms = nowMs - Math.abs(d)
  }
  if (Number.isNaN(ms)) throw badParameter(`cannot parse ${JSON.stringify(name)}=${JSON.stringify(raw)}`)
  return Math.min(Math.max(ms, 0), maxTimeMs)
}

/**
 * Reads a duration parameter: seconds with decimals (`15`, `0.5`) or a duration (`1m`,
 * `1h30m`). It must be positive and under 100 years.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseDuration = (params: Params, name: string, defaultMs: number): number => {
  const raw = params.get(name)
  if (raw === null || raw === "") return defaultMs
  const ms = Duration.parseMs(raw)
  if (ms === undefined || Number.isNaN(ms))
    throw badParameter(`cannot parse ${JSON.stringify(name)}=${JSON.stringify(raw)}`)
  if (ms <= 0 || ms > maxDurationMs) {
    throw badParameter(`${JSON.stringify(name)}=${ms}ms is out of allowed range [0 ... ${maxDurationMs}]`)
  }
  return ms
}

const requireQuery = (params: Params): string => {
  const query = params.get("query")
  if (query === null || query === "") throw badParameter("missing `query` arg")
  return query
}

/**
 * The parameters of `/api/v1/query`.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseQueryParams = (
  params: Params,
  nowMs: number
): { readonly query: string; readonly timeMs: number; readonly stepMs: number } => ({
  query: requireQuery(params),
  timeMs: parseTime(params, "time", nowMs, nowMs),
  stepMs: parseDuration(params, "step", Engine.defaultStepMs)
})

/**
 * The parameters of `/api/v1/query_range`.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseQueryRangeParams = (
  params: Params,
  nowMs: number
): { readonly query: string; readonly startMs: number; readonly endMs: number; readonly stepMs: number } => ({
  query: requireQuery(params),
  startMs: parseTime(params, "start", nowMs - Engine.defaultStepMs, nowMs),
  endMs: parseTime(params, "end", nowMs, nowMs),
  stepMs: parseDuration(params, "step", Engine.defaultStepMs)
})

/**
 * The series selectors of `match[]` (one matcher list each) and the time range of
 * `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/<name>/values`. `/api/v1/series`
 * requires a selector and defaults to the last five minutes; the label endpoints default to
 * all time.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseSeriesParams = (
  params: Params,
  nowMs: number,
  endpoint: "series" | "labels"
): { readonly selectors: ReadonlyArray<ReadonlyArray<Matcher>>; readonly startMs: number; readonly endMs: number } => {
  let startMs = parseTime(params, "start", 0, nowMs)
  let endMs = Math.min(parseTime(params, "end", nowMs, nowMs), nowMs + 2 * 24 * 3600 * 1000)
  if (endMs < startMs) endMs = startMs
  const raw = [...params.getAll("match[]"), ...params.getAll("match")]
  if (endpoint === "series" && raw.length === 0) throw badParameter("missing `match[]` arg")
  if (endpoint === "series" && startMs === 0) startMs = endMs - Engine.defaultStepMs
  const selectors = raw.map((m) => {
    const expr = parseOrThrow(m)
    if (expr._tag !== "Selector") throw badParameter(`cannot parse match[]=${m}: expecting a series selector`)
    return expr.matchers
  })
  return { selectors, startMs, endMs }
}

// Go's shortest round-trip digits in plain decimal notation (never an exponent).
const plain = (v: number): string => {
  const s = String(v)
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)
  if (m === null) return s
  const [, sign, head, tail = "", exp] = m
  const digits = head! + tail
  const e = Number(exp)
  if (e >= 0) return sign + digits + "0".repeat(Math.max(0, e - tail.length))
  return `${sign}0.${"0".repeat(-e - 1)}${digits}`
}

/**
 * A sample value as VictoriaMetrics writes it: `NaN`, `+Inf`, `-Inf`, integers without a
 * fraction, other numbers in their shortest exact decimal form without an exponent.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatValue = (v: number): string => {
  if (Number.isNaN(v)) return "NaN"
  if (v === Infinity) return "+Inf"
  if (v === -Infinity) return "-Inf"
  if (Object.is(v, -0)) return "0"
  return plain(v)
}

/**
 * A series' labels as the JSON object VictoriaMetrics writes: `__name__` first, the rest sorted.
 *
 * @since 0.1.0
 * @category formatting
 */
export const metricJson = (labels: Labels): string => {
  const names = Object.keys(labels).toSorted()
  const ordered = names.includes("__name__") ? ["__name__", ...names.filter((n) => n !== "__name__")] : names
  return `{${ordered.map((n) => `${JSON.stringify(n)}:${JSON.stringify(labels[n])}`).join(",")}}`
}

const point = (timeMs: number, value: number) => `[${formatValue(timeMs / 1e3)},"${formatValue(value)}"]`

/**
 * The JSON of a query result, as `/api/v1/query` and `/api/v1/query_range` answer it.
 *
 * @since 0.1.0
 * @category formatting
 */
export const resultJson = (result: Engine.Result): string => {
  const items =
    result.resultType === "vector"
      ? result.result.map((s) => `{"metric":${metricJson(s.labels)},"value":${point(s.timeMs, s.value)}}`)
      : result.result.map(
          (s) =>
            `{"metric":${metricJson(s.labels)},"values":[${s.timestampsMs.map((t, k) => point(t, s.values[k]!)).join(",")}]}`
        )
  return `{"status":"success","data":{"resultType":"${result.resultType}","result":[${items.join(",")}]}}`
}

/**
 * The answer to an error.
 *
 * @since 0.1.0
 * @category formatting
 */
export const errorResponse = (error: PromqlError): Response => ({
  status: 422,
  contentType: "application/json",
  body: JSON.stringify({ status: "error", errorType: "422", error: error.message })
})

const success = (data: string): Response => ({
  status: 200,
  contentType: "application/json",
  body: `{"status":"success","data":${data}}`
})

const answer = (f: () => Response): Response => {
  try {
    return f()
  } catch (e) {
    return errorResponse(e instanceof PromqlError ? e : evaluation(e instanceof Error ? e.message : String(e)))
  }
}

/**
 * `/api/v1/query`.
 *
 * @since 0.1.0
 * @category handlers
 */
export const query = (source: SampleSource, params: Params, nowMs: number): Response =>
  answer(() => {
    const p = parseQueryParams(params, nowMs)
    return { status: 200, contentType: "application/json", body: resultJson(Engine.instantOrThrow(source, p.query, p)) }
  })

/**
 * `/api/v1/query_range`.
 *
 * @since 0.1.0
 * @category handlers
 */
export const queryRange = (source: SampleSource, params: Params, nowMs: number): Response =>
  answer(() => {
    const p = parseQueryRangeParams(params, nowMs)
    return { status: 200, contentType: "application/json", body: resultJson(Engine.rangeOrThrow(source, p.query, p)) }
  })

const seriesLabels = (source: SampleSource, params: Params, nowMs: number, endpoint: "series" | "labels") => {
  const { selectors, startMs, endMs } = parseSeriesParams(params, nowMs, endpoint)
  const all = (selectors.length === 0 ? [[]] : selectors).flatMap((m) => source.series(m, startMs, endMs))
  const unique = new Map<string, Labels>()
  for (const labels of all) unique.set(metricJson(labels), labels)
  return unique
}

/**
 * `/api/v1/series`: the labels of every series matching a `match[]` selector.
 *
 * @since 0.1.0
 * @category handlers
 */
export const series = (source: SampleSource, params: Params, nowMs: number): Response =>
  answer(() => success(`[${[...seriesLabels(source, params, nowMs, "series").keys()].toSorted().join(",")}]`))

/**
 * `/api/v1/labels`: every label name, `__name__` included, sorted.
 *
 * @since 0.1.0
 * @category handlers
 */
export const labels = (source: SampleSource, params: Params, nowMs: number): Response =>
  answer(() => {
    const names = new Set<string>()
    for (const l of seriesLabels(source, params, nowMs, "labels").values()) for (const n of Object.keys(l)) names.add(n)
    return success(JSON.stringify([...names].toSorted()))
  })

/**
 * `/api/v1/label/<name>/values`: every value of one label, sorted.
 *
 * @since 0.1.0
 * @category handlers
 */
export const labelValues = (source: SampleSource, name: string, params: Params, nowMs: number): Response =>
  answer(() => {
    const values = new Set<string>()
    for (const l of seriesLabels(source, params, nowMs, "labels").values()) {
      const v = l[name]
      if (v !== undefined && v !== "") values.add(v)
    }
    return success(JSON.stringify([...values].toSorted()))
  })
