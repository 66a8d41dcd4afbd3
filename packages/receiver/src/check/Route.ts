/**
 * `GET /api/gastown/check` on the metrics port: the {@link Check} report over the store as
 * JSON, for the web page's coverage and anyone else. Parameters: `since` (a duration back from
 * `end`, default `1h`), or `start`; `end` (default now). Times and durations are read as the
 * PromQL API reads them (Unix seconds, RFC 3339, `5m`); a bad one is answered 422 in the
 * Prometheus error shape.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as PromqlApi from "../promql/HttpApi.ts"
import { PromqlError } from "../promql/PromqlError.ts"
import { Store } from "../Store.ts"
import * as Check from "./Check.ts"

/**
 * The route's path.
 *
 * @since 0.1.0
 * @category routes
 */
export const path = "/api/gastown/check"

/**
 * The default look-back: one hour.
 *
 * @since 0.1.0
 * @category routes
 */
export const defaultSinceMs = 3_600_000

/**
 * Answers one request.
 *
 * @since 0.1.0
 * @category routes
 */
export const handle = (sources: Check.Sources, params: URLSearchParams, nowMs: number): PromqlApi.Response => {
  try {
    const endMs = PromqlApi.parseTime(params, "end", nowMs, nowMs)
    const sinceMs = PromqlApi.parseDuration(params, "since", defaultSinceMs)
    const startMs = PromqlApi.parseTime(params, "start", endMs - sinceMs, nowMs)
    const report = Check.run(sources, { startMs, endMs })
    return { status: 200, contentType: "application/json", body: JSON.stringify(report) }
  } catch (e) {
    if (e instanceof PromqlError) return PromqlApi.errorResponse(e)
    throw e
  }
}

/**
 * The route, over the {@link Store}.
 *
 * @since 0.1.0
 * @category routes
 */
export const route = HttpRouter.route(
  "GET",
  path,
  Effect.gen(function* () {
    const store = yield* Store
    const request = yield* HttpServerRequest.HttpServerRequest
    const answer = handle(store, new URL(request.url, "http://receiver").searchParams, Date.now())
    return HttpServerResponse.text(answer.body, { status: answer.status, contentType: answer.contentType })
  })
)
