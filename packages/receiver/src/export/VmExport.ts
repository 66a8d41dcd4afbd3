/**
 * `/api/v1/export` as VictoriaMetrics answers it: the raw samples of every series matching a
 * `match[]` selector in `[start, end]` (default: all time), one JSON line per series (or per
 * `max_rows_per_line` samples of it), `{"metric":{…},"values":[…],"timestamps":[…]}`. The
 * same lines are what `/api/v1/import` takes, so a receiver's samples move to a real
 * VictoriaMetrics unchanged. Staleness markers (NaN) have no JSON number and are left out.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { Labels, Matcher, SampleSource } from "../metrics/Series.ts"
import * as PromqlApi from "../promql/HttpApi.ts"
import { badParameter, PromqlError } from "../promql/PromqlError.ts"
import { Store } from "../Store.ts"

/**
 * The route's path.
 *
 * @since 0.1.0
 * @category routes
 */
export const path = "/api/v1/export"

/**
 * One export line, parsed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Line {
  readonly metric: Labels
  readonly values: ReadonlyArray<number>
  readonly timestamps: ReadonlyArray<number>
}

/**
 * The export lines of every series matching any of `selectors` with samples in the range,
 * each series once; `maxRowsPerLine` (0: no limit) splits a long series over several lines.
 *
 * @since 0.1.0
 * @category exporting
 */
export const lines = function* (
  source: SampleSource,
  selectors: ReadonlyArray<ReadonlyArray<Matcher>>,
  startMs: number,
  endMs: number,
  maxRowsPerLine = 0
): Generator<string> {
  const done = new Set<string>()
  for (const matchers of selectors) {
    for (const series of source.select(matchers, startMs, endMs)) {
      const metric = PromqlApi.metricJson(series.labels)
      if (done.has(metric)) continue
      done.add(metric)
      let values: Array<number> = []
      let timestamps: Array<number> = []
      const flush = () =>
        `{"metric":${metric},"values":${JSON.stringify(values)},"timestamps":${JSON.stringify(timestamps)}}`
      for (let i = 0; i < series.timestamps.length; i++) {
        const value = series.values[i]!
        if (!Number.isFinite(value)) continue
        values.push(value)
        timestamps.push(series.timestamps[i]!)
        if (maxRowsPerLine > 0 && values.length === maxRowsPerLine) {
          yield flush()
          values = []
          timestamps = []
        }
      }
      if (values.length > 0) yield flush()
    }
  }
}

/**
 * Reads the request: `match[]` (required), `start`, `end`, `max_rows_per_line`.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseParams = (params: URLSearchParams, nowMs: number) => {
  const { endMs, selectors, startMs } = PromqlApi.parseSeriesParams(params, nowMs, "labels")
  if (selectors.length === 0) throw badParameter("missing `match[]` arg")
  const raw = params.get("max_rows_per_line") ?? ""
  const maxRowsPerLine = raw === "" ? 0 : Number(raw)
  if (!Number.isInteger(maxRowsPerLine) || maxRowsPerLine < 0) {
    throw badParameter(`cannot parse "max_rows_per_line"=${JSON.stringify(raw)}`)
  }
  return { selectors, startMs, endMs, maxRowsPerLine }
}

const encoder = new TextEncoder()

/**
 * The route, over the {@link Store}: GET or a POST form, as VictoriaMetrics takes it.
 *
 * @since 0.1.0
 * @category routes
 */
export const routes = (["GET", "POST"] as const).map((method) =>
  HttpRouter.route(
    method,
    path,
    Effect.gen(function* () {
      const store = yield* Store
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = new URL(request.url, "http://receiver").searchParams
      if (method === "POST") for (const [k, v] of new URLSearchParams(yield* request.text)) params.append(k, v)
      let parsed: ReturnType<typeof parseParams>
      try {
        parsed = parseParams(params, Date.now())
      } catch (e) {
        if (!(e instanceof PromqlError)) throw e
        const answer = PromqlApi.errorResponse(e)
        return HttpServerResponse.text(answer.body, { status: answer.status, contentType: answer.contentType })
      }
      const body = Stream.fromIterable(
        lines(store.metrics, parsed.selectors, parsed.startMs, parsed.endMs, parsed.maxRowsPerLine)
      ).pipe(Stream.map((line) => encoder.encode(`${line}\n`)))
      return HttpServerResponse.stream(body, { contentType: "application/stream+json" })
    }).pipe(Effect.orDie)
  )
)
