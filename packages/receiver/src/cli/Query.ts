/**
 * `gastown-otel query 'PROMQL'`: asks the metrics side (the receiver, or a real
 * VictoriaMetrics) through the Prometheus API. An instant query prints an aligned table
 * (the labels that differ between series as columns, then the value; labels shared by every
 * series on one line above); `--range 1h [--step 1m]` prints one sparkline per series with
 * its minimum, maximum and last value. `--json` prints the server's answer as it came. A
 * refused query prints the server's message and exits 1.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { HttpClientRequest } from "effect/http"
import { fail } from "./internal/Failure.ts"
import * as Format from "./internal/Format.ts"
import * as Options from "./internal/Options.ts"
import * as Remote from "./internal/Remote.ts"

const Point = Schema.Tuple([Schema.Number, Schema.String])
const Metric = Schema.Record(Schema.String, Schema.String)

/**
 * The `data` of a Prometheus API query answer.
 *
 * @since 0.1.0
 * @category models
 */
export const Data = Schema.Union([
  Schema.Struct({
    resultType: Schema.Literal("vector"),
    result: Schema.Array(Schema.Struct({ metric: Metric, value: Point }))
  }),
  Schema.Struct({
    resultType: Schema.Literal("matrix"),
    result: Schema.Array(Schema.Struct({ metric: Metric, values: Schema.Array(Point) }))
  }),
  Schema.Struct({ resultType: Schema.Literals(["scalar", "string"]), result: Point })
])

/**
 * @since 0.1.0
 * @category models
 */
export type Data = typeof Data.Type

const Answer = Schema.Struct({ status: Schema.Literal("success"), data: Data })

// A sample value as the API spells it.
const numberOf = (text: string): number => (text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text))

const noSeries = "(no series)"

// The labels every series shares, on one line above the table.
const commonLine = (common: Record<string, string>): Array<string> =>
  Object.keys(common).length === 0 ? [] : [`every series: ${Format.labelsText(common)}`]

/**
 * The lines an instant query's answer prints.
 *
 * @since 0.1.0
 * @category formatting
 */
export const instantLines = (data: Data): Array<string> => {
  switch (data.resultType) {
    case "scalar":
    case "string":
      return [data.result[1]]
    case "matrix":
      return rangeLines(data, undefined)
    case "vector": {
      if (data.result.length === 0) return [noSeries]
      const { common, varying } = Format.splitCommon(data.result.map((r) => r.metric))
      const rows = data.result.map((r) => [...varying.map((name) => r.metric[name] ?? ""), r.value[1]])
      return [...commonLine(common), ...Format.table([...varying, "value"], rows, new Set([varying.length]))]
    }
  }
}

/**
 * The requested window of a range query, to place each point in its step.
 *
 * @since 0.1.0
 * @category models
 */
export interface Window {
  readonly startMs: number
  readonly endMs: number
  readonly stepMs: number
}

/**
 * The lines a range query's answer prints: per series, its distinguishing labels, a
 * sparkline of its values by step (gaps where it has none) and its minimum, maximum and last.
 *
 * @since 0.1.0
 * @category formatting
 */
export const rangeLines = (
  data: Extract<Data, { readonly resultType: "matrix" }>,
  window: Window | undefined
): Array<string> => {
  if (data.result.length === 0) return [noSeries]
  const { common, varying } = Format.splitCommon(data.result.map((r) => r.metric))
  const times = data.result.flatMap((r) => r.values.map(([t]) => t * 1000))
  const startMs = window?.startMs ?? Math.min(...times)
  const endMs = window?.endMs ?? Math.max(...times)
  const stepMs = window?.stepMs ?? 1000
  const slots = Math.floor((endMs - startMs) / stepMs) + 1
  const rows = data.result.map((r) => {
    const values: Array<number | undefined> = Array.from({ length: slots }, () => undefined)
    for (const [t, v] of r.values) {
      const slot = Math.round((t * 1000 - startMs) / stepMs)
      if (slot >= 0 && slot < slots) values[slot] = numberOf(v)
    }
    const finite = r.values.map(([, v]) => numberOf(v)).filter(Number.isFinite)
    const id = Format.labelsText(
      Object.fromEntries(varying.flatMap((n) => (r.metric[n] === undefined ? [] : [[n, r.metric[n]]])))
    )
    const stat = (f: (xs: Array<number>) => number) => (finite.length === 0 ? "" : Format.shortNumber(f(finite)))
    return [
      id,
      Format.sparkline(values),
      stat((xs) => Math.min(...xs)),
      stat((xs) => Math.max(...xs)),
      stat((xs) => xs[xs.length - 1]!)
    ]
  })
  return [...commonLine(common), ...Format.table(["series", "", "min", "max", "last"], rows, new Set([2, 3, 4]))]
}

/**
 * Points a range query asks for when no step is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPoints = 60

const decodeAnswer = (body: string, url: string) =>
  Effect.try({
    try: () => Schema.decodeUnknownSync(Answer)(JSON.parse(body)).data,
    catch: () => fail(`unexpected answer from ${url}: ${body.slice(0, 200)}`)
  })

/**
 * The `query` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "query",
  {
    promql: Argument.String("promql").pipe(Argument.withDescription("A PromQL (MetricsQL) query")),
    range: Options.duration("range", "Query a range ending now, e.g. 1h: one sparkline per series").pipe(Flag.optional),
    step: Options.duration("step", `Step of a range query (default: the range over ${defaultPoints})`).pipe(
      Flag.optional
    ),
    json: Options.json,
    url: Options.url
  },
  Effect.fnUntraced(function* (input) {
    const nowMs = yield* Clock.currentTimeMillis
    if (Option.isNone(input.range)) {
      const url = `${input.url}/api/v1/query`
      const request = HttpClientRequest.get(url).pipe(
        HttpClientRequest.setUrlParams({ query: input.promql, time: String(nowMs / 1000) })
      )
      const body = yield* Remote.text(request)
      if (input.json) return yield* Console.log(body.trimEnd())
      for (const line of instantLines(yield* decodeAnswer(body, url))) yield* Console.log(line)
      return
    }
    const rangeMs = input.range.value
    const stepMs = Option.getOrElse(input.step, () => Math.max(1000, Math.ceil(rangeMs / defaultPoints / 1000) * 1000))
    const window = { startMs: nowMs - rangeMs, endMs: nowMs, stepMs }
    const url = `${input.url}/api/v1/query_range`
    const request = HttpClientRequest.get(url).pipe(
      HttpClientRequest.setUrlParams({
        query: input.promql,
        start: String(window.startMs / 1000),
        end: String(window.endMs / 1000),
        step: `${stepMs / 1000}s`
      })
    )
    const body = yield* Remote.text(request)
    if (input.json) return yield* Console.log(body.trimEnd())
    const data = yield* decodeAnswer(body, url)
    const lines = data.resultType === "matrix" ? rangeLines(data, window) : instantLines(data)
    for (const line of lines) yield* Console.log(line)
  })
).pipe(
  Command.withDescription(
    "Run a PromQL query against the metrics side: a table of the latest values, or with --range a sparkline per series"
  ),
  Command.withShortDescription("Run a PromQL query: a table, or sparklines with --range")
)
