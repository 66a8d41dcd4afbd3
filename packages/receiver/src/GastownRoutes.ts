/**
 * The JSON routes of the receiver's page, on the metrics port under `/api/gastown/`:
 *
 * | path | answers |
 * | --- | --- |
 * | `GET /api/gastown/traces?limit=&rig=&role=&agent=` | the recent traces, newest first |
 * | `GET /api/gastown/traces/<trace id>` | one trace's spans in tree order and its log records (404 if unknown) |
 * | `GET /api/gastown/agents?start=&end=&rig=&role=&agent=` | per rig, role and agent: bd calls, errors, sessions, last activity |
 * | `GET /api/gastown/changes` | server-sent events: what the store holds, each time it changes |
 *
 * `rig`, `role` and `agent` are regexes as Grafana puts the variables into PromQL (`mol`,
 * `(jana|toast)`, `.*` for All), matched against the whole label value. `start` and `end` are
 * Unix milliseconds (default: the last hour).
 *
 * @since 0.1.0
 */
import { Effect, Schedule, Stream } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Agents from "./agents/Agents.ts"
import * as LabelParams from "./internal/LabelParams.ts"
import type * as Api from "./page/Api.ts"
import { PromqlError } from "./promql/PromqlError.ts"
import type * as Server from "./Server.ts"
import { Store } from "./Store.ts"
import * as TraceView from "./traces/TraceView.ts"

const searchParams = Effect.map(
  HttpServerRequest.HttpServerRequest,
  (request) => new URL(request.url, "http://receiver").searchParams
)

const badRequest = (message: string) => HttpServerResponse.text(message + "\n", { status: 400 })

// Answers `body` as JSON, or 400 naming a label pattern that does not compile.
const json = <A>(body: () => A) =>
  Effect.try({ try: body, catch: (e) => e }).pipe(
    Effect.flatMap((value) => HttpServerResponse.json(value)),
    Effect.catch((e) => (e instanceof PromqlError ? Effect.succeed(badRequest(e.message)) : Effect.die(e)))
  )

const integer = (params: URLSearchParams, name: string, fallback: number): number => {
  const value = Number(params.get(name) ?? "")
  return params.get(name) === null || !Number.isFinite(value) ? fallback : Math.trunc(value)
}

const traces = HttpRouter.route(
  "GET",
  "/api/gastown/traces",
  Effect.gen(function* () {
    const store = yield* Store
    const params = yield* searchParams
    return yield* json((): Api.Traces => ({
      traces: TraceView.recent(store.traces, {
        filter: LabelParams.filter(params),
        labelKeys: LabelParams.labelKeys,
        limit: Math.min(Math.max(integer(params, "limit", 50), 1), 1000)
      })
    }))
  })
)

const trace = HttpRouter.route(
  "GET",
  "/api/gastown/traces/:id",
  Effect.gen(function* () {
    const store = yield* Store
    const id = (yield* HttpRouter.params)["id"] ?? ""
    const found = TraceView.detail(store.traces, store.logs, id.toLowerCase())
    return found === undefined
      ? HttpServerResponse.text(`no trace ${id}\n`, { status: 404 })
      : yield* HttpServerResponse.json(found)
  })
)

const hourMs = 3_600_000

const agents = HttpRouter.route(
  "GET",
  "/api/gastown/agents",
  Effect.gen(function* () {
    const store = yield* Store
    const params = yield* searchParams
    const now = Date.now()
    const endMs = integer(params, "end", now)
    const startMs = integer(params, "start", endMs - hourMs)
    if (startMs > endMs) return badRequest(`start ${startMs} is after end ${endMs}`)
    return yield* json((): Api.Agents => ({
      agents: Agents.agents(store.logs, {
        startNs: BigInt(startMs) * 1_000_000n,
        endNs: BigInt(endMs) * 1_000_000n + 999_999n,
        filter: LabelParams.filter(params),
        labelKeys: LabelParams.labelKeys
      })
    }))
  })
)

/**
 * How often the change feed looks at the store, and how often it sends a keep-alive comment
 * when nothing changed.
 *
 * @since 0.1.0
 * @category constants
 */
export const changeFeed = { pollMs: 500, keepAliveMs: 15_000 } as const

const encoder = new TextEncoder()

const changes = HttpRouter.route(
  "GET",
  "/api/gastown/changes",
  Effect.gen(function* () {
    const store = yield* Store
    let last = ""
    let quietMs = 0
    const poll = Effect.sync(() => {
      const current: Api.Changes = {
        samples: store.metrics.stats().samples,
        records: store.logs.stats().records,
        spans: store.traces.written()
      }
      const data = JSON.stringify(current)
      if (data !== last) {
        last = data
        quietMs = 0
        return encoder.encode(`event: change\ndata: ${data}\n\n`)
      }
      quietMs += changeFeed.pollMs
      if (quietMs < changeFeed.keepAliveMs) return new Uint8Array(0)
      quietMs = 0
      return encoder.encode(": keep-alive\n\n")
    })
    const events = Stream.fromEffectSchedule(poll, Schedule.spaced(changeFeed.pollMs)).pipe(
      Stream.filter((chunk) => chunk.byteLength > 0)
    )
    return HttpServerResponse.stream(events, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }
    })
  })
)

/**
 * The routes, for the metrics port.
 *
 * @since 0.1.0
 * @category routes
 */
export const routes: Server.Routes = { metrics: [traces, trace, agents, changes] }
