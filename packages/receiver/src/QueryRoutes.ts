/**
 * The query side of the receiver as HTTP routes, in the shapes Grafana's Prometheus and
 * VictoriaLogs datasources read: the PromQL API on the metrics port, the LogsQL API (live
 * tail included) on the logs port, both over the {@link Store}.
 *
 * @since 0.1.0
 */
import { Effect, Schedule, Stream } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as CheckRoute from "./check/Route.ts"
import * as VmExport from "./export/VmExport.ts"
import * as LogsQLApi from "./logsql/Api.ts"
import * as PromqlApi from "./promql/HttpApi.ts"
import type * as Server from "./Server.ts"
import { Store } from "./Store.ts"

// Grafana sends queries as GET or as a POST form; both carry the same parameters.
const params = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const all = new URL(request.url, "http://receiver").searchParams
  if (request.method === "POST" && /application\/x-www-form-urlencoded/i.test(request.headers["content-type"] ?? "")) {
    for (const [name, value] of new URLSearchParams(yield* request.text)) all.append(name, value)
  }
  return all
})

const respond = (response: { readonly status: number; readonly body: string }, contentType: string) =>
  HttpServerResponse.text(response.body, { status: response.status, contentType })

// Both methods, as VictoriaMetrics and VictoriaLogs take queries as GET parameters or a POST form.
const getAndPost = <E, R>(
  path: HttpRouter.PathInput,
  handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) => (["GET", "POST"] as const).map((method) => HttpRouter.route(method, path, handler))

const promql = (
  path: HttpRouter.PathInput,
  handle: (
    store: Store["Service"],
    params: URLSearchParams,
    route: Record<string, string | undefined>
  ) => PromqlApi.Response
) =>
  getAndPost(
    path,
    Effect.gen(function* () {
      const store = yield* Store
      const route = yield* HttpRouter.params
      const response = handle(store, yield* params, route)
      return respond(response, response.contentType)
    })
  )

const nowNs = () => BigInt(Date.now()) * 1_000_000n

const logsql = (path: HttpRouter.PathInput, handle: (typeof LogsQLApi.handlers)[string]) =>
  getAndPost(
    path,
    Effect.gen(function* () {
      const store = yield* Store
      const answer = handle(yield* params, store.logs, nowNs())
      if (answer._tag === "Response") {
        return HttpServerResponse.text(answer.body, { status: answer.status, headers: answer.headers })
      }
      // A live tail: what arrived since the last poll, every `refreshMs`, until the client leaves.
      const encoder = new TextEncoder()
      const polls = Stream.fromEffectSchedule(
        Effect.sync(() => encoder.encode(answer.poll(nowNs()))),
        Schedule.spaced(answer.refreshMs)
      ).pipe(Stream.filter((chunk) => chunk.byteLength > 0))
      return HttpServerResponse.stream(polls, { status: answer.status, headers: answer.headers })
    })
  )

/**
 * Grafana asks which Prometheus it talks to; VictoriaMetrics answers as this.
 *
 * @since 0.1.0
 * @category routes
 */
export const buildInfo = { version: "2.24.0", revision: "gastown-otel-receiver" } as const

/**
 * Every query route, per port.
 *
 * @since 0.1.0
 * @category routes
 */
export const routes: Server.Routes = {
  metrics: [
    ...promql("/api/v1/query", (store, p) => PromqlApi.query(store.metrics, p, Date.now())),
    ...promql("/api/v1/query_range", (store, p) => PromqlApi.queryRange(store.metrics, p, Date.now())),
    ...promql("/api/v1/series", (store, p) => PromqlApi.series(store.metrics, p, Date.now())),
    ...promql("/api/v1/labels", (store, p) => PromqlApi.labels(store.metrics, p, Date.now())),
    ...promql("/api/v1/label/:name/values", (store, p, route) =>
      PromqlApi.labelValues(store.metrics, route["name"] ?? "", p, Date.now())
    ),
    HttpRouter.route(
      "GET",
      "/api/v1/status/buildinfo",
      HttpServerResponse.json({ status: "success", data: buildInfo }).pipe(Effect.orDie)
    ),
    ...VmExport.routes,
    CheckRoute.route
  ],
  // Every LogsQL path starts with "/select/logsql/".
  logs: Object.entries(LogsQLApi.handlers).flatMap(([path, handle]) => logsql(path as `/${string}`, handle))
}
