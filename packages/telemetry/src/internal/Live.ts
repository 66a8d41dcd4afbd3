// The live exporter: drains the recorder on an interval and at scope close, encodes
// OTLP protobuf and POSTs metrics and logs. Loaded lazily: a process with telemetry off
// never imports it (nor node:http).
import { Effect, Layer, Schedule } from "effect"
import { FetchHttpClient } from "effect/http"
import { OtlpSerialization, OtlpTracer } from "effect/observability"
import { type Cumulative, inMemory } from "./Cumulative.ts"
import { makeEmit, nowUnixNano } from "./Core.ts"
import { type Agents, makeAgents, post } from "./Http.ts"
import { logsRequest, metricsRequest } from "./otlp/Encode.ts"
import type { KeyValue, Scope } from "./otlp/Model.ts"
import * as Recorder from "./Recorder.ts"
import { type Options, type Shape, Telemetry } from "../Telemetry.ts"

const scope: Scope = { name: "@gastown-otel/telemetry", version: "0.1.0" }

export const make = Effect.fnUntraced(function* (options: Options) {
  const recorder = Recorder.make({ derive: options.derive })
  const cumulative: Cumulative = inMemory(nowUnixNano())
  const agents: Agents = makeAgents()
  const resource: ReadonlyArray<KeyValue> = Object.entries(options.resource).map(([key, value]) => ({
    key,
    value: { string: value }
  }))
  const metricsUrl = new URL(options.metricsUrl)
  const logsUrl = new URL(options.logsUrl)
  const timeoutMs = options.timeoutMs ?? 10_000

  const send = (url: URL, body: Uint8Array, headers: Readonly<Record<string, string>>) =>
    post(agents, url, body, headers).pipe(
      Effect.timeoutOrElse({
        duration: timeoutMs,
        orElse: () => Effect.succeed({ _tag: "TransportError", message: "timed out" } as const)
      })
    )

  const flush: Effect.Effect<void> = Effect.suspend(() => {
    const { series, logs } = recorder.drain()
    const metrics = cumulative.points(series, nowUnixNano())
    const requests: Array<Effect.Effect<unknown>> = []
    if (metrics.length > 0) {
      requests.push(send(metricsUrl, metricsRequest([{ resource, scope, metrics }]), options.headers?.metrics ?? {}))
    }
    if (logs.length > 0) {
      requests.push(send(logsUrl, logsRequest([{ resource, scope, records: logs }]), options.headers?.logs ?? {}))
    }
    return Effect.all(requests, { concurrency: "unbounded", discard: true })
  })

  yield* Effect.addFinalizer(() =>
    flush.pipe(
      Effect.timeoutOrElse({ duration: options.shutdownTimeoutMs ?? 1_000, orElse: () => Effect.void }),
      Effect.ensuring(Effect.sync(() => agents.destroy()))
    )
  )
  if (options.exportIntervalMs !== undefined) {
    yield* Effect.forkScoped(flush.pipe(Effect.repeat(Schedule.spaced(options.exportIntervalMs))))
  }

  return {
    emit: makeEmit(recorder, { strict: options.strict ?? false }),
    flush
  } satisfies Shape
})

// Spans go through Effect's own OTLP tracer (protobuf), only when a traces URL is set.
const tracerLayer = (options: Options): Layer.Layer<never> => {
  if (options.tracesUrl === undefined) return Layer.empty
  const { "service.name": serviceName, "service.version": serviceVersion, ...attributes } = options.resource
  return OtlpTracer.layer({
    url: options.tracesUrl,
    resource: { serviceName, serviceVersion, attributes },
    headers: options.headers?.traces,
    shutdownTimeout: options.shutdownTimeoutMs ?? 1_000
  }).pipe(Layer.provide([OtlpSerialization.layerProtobuf, FetchHttpClient.layer]))
}

export const layer = (options: Options): Layer.Layer<Telemetry> =>
  Layer.mergeAll(Layer.effect(Telemetry, make(options)), tracerLayer(options))
