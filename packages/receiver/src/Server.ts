/**
 * The receiver's HTTP servers: the VictoriaMetrics port (8428) and the VictoriaLogs port
 * (9428), answering the same OTLP paths as the real stack so the same `GT_OTEL_*` and
 * `BD_OTEL_*` URLs work, on 127.0.0.1 unless told otherwise.
 *
 * | port | path | |
 * | --- | --- | --- |
 * | metrics | `POST /opentelemetry/api/v1/push`, `POST /opentelemetry/v1/metrics` | OTLP metrics |
 * | logs | `POST /insert/opentelemetry/v1/logs` | OTLP logs |
 * | both | `POST /v1/traces` | OTLP traces (any port a traces URL may point at) |
 * | both | `GET /health` | `OK` |
 * | metrics | `GET /api/v1/labels`, `GET /api/v1/label/<name>/values` | label listings |
 *
 * OTLP requests must be protobuf (OTLP/JSON is answered 415, as both backends refuse it),
 * optionally gzip- or deflate-encoded, at most {@link defaultMaxRequestBytes} before and
 * after decompression (413 beyond). Malformed protobuf is answered 400 and nothing is
 * stored; a storage failure 503, which exporters retry. More routes (the query APIs) are
 * mounted per port through {@link Routes}.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Endpoints } from "@gastown-otel/schema"
import { ByteSize, Context, Effect, Layer } from "effect"
import { HttpIncomingMessage, HttpRouter, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import * as NetAddress from "effect/net/NetAddress"
import type { SocketAddress } from "effect/net/NetAddress"
import * as http from "node:http"
import * as zlib from "node:zlib"
import { type Signal, Store } from "./Store.ts"

/**
 * VictoriaMetrics' and VictoriaLogs' default `-opentelemetry.maxRequestSize`: 64 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxRequestBytes = 64 * 1024 * 1024

/**
 * The request header carrying the exporter's stable batch id (see the telemetry README,
 * "nothing lost, nothing spooled twice").
 *
 * @since 0.1.0
 * @category constants
 */
export const batchHeader = Endpoints.batchHeader

/**
 * The OTLP ingest paths, per signal.
 *
 * @since 0.1.0
 * @category constants
 */
export const paths = {
  metrics: [Endpoints.paths.metrics, Endpoints.paths.metricsOtlp],
  logs: [Endpoints.paths.logs],
  traces: [Endpoints.paths.traces]
} as const

/**
 * Routes mounted beside the ingest routes, per port: where the PromQL and LogsQL handlers
 * go (`/api/v1/query` on `metrics`, `/select/logsql/query` on `logs`). They may use
 * {@link Store}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Routes {
  readonly metrics?: ReadonlyArray<HttpRouter.Route<any, Store>> | undefined
  readonly logs?: ReadonlyArray<HttpRouter.Route<any, Store>> | undefined
}

/**
 * Server options; defaults as the real stack's ports.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly host?: string | undefined
  readonly metricsPort?: number | undefined
  readonly logsPort?: number | undefined
  readonly maxRequestBytes?: number | undefined
}

/**
 * Where the servers listen, once bound (port 0 picks a free port).
 *
 * @since 0.1.0
 * @category services
 */
export class Receiver extends Context.Service<Receiver, { readonly metricsUrl: string; readonly logsUrl: string }>()(
  "@gastown-otel/receiver/Receiver"
) {}

const text = (status: number, body: string) => HttpServerResponse.text(body + "\n", { status })

const isJson = (contentType: string | undefined) => /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType ?? "")

const decoders: Record<string, ((body: Uint8Array, options: zlib.ZlibOptions) => Uint8Array) | undefined> = {
  "": (body) => body,
  identity: (body) => body,
  gzip: zlib.gunzipSync,
  "x-gzip": zlib.gunzipSync,
  deflate: zlib.inflateSync
}

const ingest = (signal: Signal, maxBytes: number) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const contentType = request.headers["content-type"]
    if (isJson(contentType)) {
      return text(415, `OTLP/JSON is not supported: send OTLP/HTTP protobuf (Content-Type: application/x-protobuf)`)
    }
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > maxBytes) return text(413, `request of ${declared} bytes is over the ${maxBytes}-byte limit`)
    const raw = yield* request.arrayBuffer.pipe(
      Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBytes)),
      Effect.map((buffer) => ({ ok: true as const, body: new Uint8Array(buffer) })),
      Effect.catch((error: HttpServerError.HttpServerError) =>
        Effect.succeed({
          ok: false as const,
          tooLarge: error.reason._tag === "RequestParseError" && error.reason.reason === "BodyTooLarge"
        })
      )
    )
    if (!raw.ok) {
      return raw.tooLarge
        ? text(413, `request body over the ${maxBytes}-byte limit`)
        : text(400, "cannot read the request body")
    }
    const encoding = (request.headers["content-encoding"] ?? "").trim().toLowerCase()
    const decoder = decoders[encoding]
    if (decoder === undefined)
      return text(415, `unsupported Content-Encoding ${encoding}: send identity, gzip or deflate`)
    let body: Uint8Array
    try {
      // The output is limited: a small gzip body cannot expand past the limit.
      body = decoder(raw.body, { maxOutputLength: maxBytes })
    } catch (error) {
      if (error instanceof RangeError)
        return text(413, `request body over the ${maxBytes}-byte limit once decompressed`)
      return text(400, `cannot decompress the ${encoding} body: ${String(error)}`)
    }
    const store = yield* Store
    return yield* store.ingest(signal, body, request.headers[batchHeader]).pipe(
      Effect.map(() =>
        HttpServerResponse.uint8Array(new Uint8Array(0), { status: 200, contentType: "application/x-protobuf" })
      ),
      Effect.catchTag("IngestError", (error) =>
        Effect.succeed(text(error.reason === "Malformed" ? 400 : 503, error.message))
      )
    )
  })

const health = HttpRouter.route("GET", "/health", text(200, "OK"))

const ingestRoutes = (signal: Signal, maxBytes: number) =>
  paths[signal].map((path) => HttpRouter.route("POST", path, ingest(signal, maxBytes)))

const listen = Effect.fnUntraced(function* (
  host: string,
  port: number,
  routes: ReadonlyArray<HttpRouter.Route<any, Store>>
) {
  const server = yield* NodeHttpServer.make(() => http.createServer(), { host, port })
  const app = yield* HttpRouter.toHttpEffect(HttpRouter.addAll(routes))
  yield* server.serve(app)
  return server.address
})

const urlOf = (address: SocketAddress): string => NetAddress.formatUrlUnsafe(address)

/**
 * Binds both ports and serves until the scope closes. With equal ports one server answers
 * both route sets.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function* (options: Options = {}, routes: Routes = {}) {
  const host = options.host ?? "127.0.0.1"
  const maxBytes = options.maxRequestBytes ?? defaultMaxRequestBytes
  const metricsPort = options.metricsPort ?? Endpoints.ports.metrics
  const logsPort = options.logsPort ?? Endpoints.ports.logs
  const common = [health, ...ingestRoutes("traces", maxBytes)]
  const metricsRoutes = [...ingestRoutes("metrics", maxBytes), ...(routes.metrics ?? [])]
  const logsRoutes = [...ingestRoutes("logs", maxBytes), ...(routes.logs ?? [])]
  if (metricsPort === logsPort && metricsPort !== 0) {
    // A route both sets carry (the LogsQL API, which the page reads on the metrics port) once.
    const all = [...common, ...metricsRoutes, ...logsRoutes]
    const unique = all.filter((r, i) => all.findIndex((o) => o.method === r.method && o.path === r.path) === i)
    const url = urlOf(yield* listen(host, metricsPort, unique))
    return Receiver.of({ metricsUrl: url, logsUrl: url })
  }
  const metrics = yield* listen(host, metricsPort, [...common, ...metricsRoutes])
  const logs = yield* listen(host, logsPort, [...common, ...logsRoutes])
  return Receiver.of({ metricsUrl: urlOf(metrics), logsUrl: urlOf(logs) })
})

/**
 * The servers as a layer; needs the {@link Store}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}, routes: Routes = {}): Layer.Layer<Receiver, ServeError, Store> =>
  Layer.effect(Receiver, make(options, routes))
