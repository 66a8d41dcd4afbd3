/**
 * The `Telemetry` service: `emit(event)` validates a catalogue event and derives its
 * metric updates, its log record and a span event, carrying the current gt.* labels.
 *
 * @since 0.1.0
 */
import { type Catalogue, type Derive, type Correlation, Resource, type SelfEvents } from "@gastown-otel/schema"
import { Console, Context, type Duration, Effect, Layer, type Scope, Tracer } from "effect"
import { hostname } from "node:os"
import * as TelemetryConfig from "./TelemetryConfig.ts"
import * as Labels from "./Labels.ts"
import * as UnixNanos from "./internal/UnixNanos.ts"
import * as Emit from "./internal/Emit.ts"
import * as Limits from "./internal/Limits.ts"
import * as Totals from "./internal/Totals.ts"
import type { LogRecordData, MetricData } from "./OtlpData.ts"
import * as Recorder from "./internal/Recorder.ts"

/**
 * What the service offers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Shape {
  /** Records one event. Never fails: an invalid event is counted and dropped (a defect in strict mode). */
  readonly emit: (event: Catalogue.Event) => Effect.Effect<void>
  /** Exports everything recorded so far. Never fails. */
  readonly flush: Effect.Effect<void>
  /**
   * {@link Shape.flush}, then says what came of it: what was sent, what is still spooled
   * and why. Costs a look at the spool's remaining files on top of a flush.
   */
  readonly flushReport: Effect.Effect<FlushReport>
}

/**
 * Requests to one endpoint that a flush could not deliver, and why.
 *
 * @since 0.1.0
 * @category models
 */
export interface Unsent {
  readonly signal: "metrics" | "logs" | "traces"
  /** The endpoint, without credentials. */
  readonly url: string
  readonly requests: number
  /** Metric points, log records or spans in those requests. */
  readonly records: number
  /**
   * Why, in words that name the URL: the backend is unreachable or unavailable, refused
   * the credentials or rejected the request, or the request needs credentials (header
   * names, URL userinfo) that this process is not configured with.
   */
  readonly reason: string
}

/**
 * What a flush did. `Off`: telemetry is off. `Delegated`: the application's OpenTelemetry
 * SDK exports (the bridge) and does not say. `Flushed`: whether there is a spool, what was
 * sent, what waits in the spool for a later command or flush, what was lost, and how many
 * spooled requests wait for endpoints this process is not configured for.
 *
 * @since 0.1.0
 * @category models
 */
export type FlushReport =
  | { readonly _tag: "Off" }
  | { readonly _tag: "Delegated" }
  | {
      readonly _tag: "Flushed"
      /** `false`: no state directory could be used, so there is no spool to send from or keep in. */
      readonly spool: boolean
      readonly sent: { readonly requests: number; readonly records: number }
      readonly spooled: ReadonlyArray<Unsent>
      /** Rejected by the backend, or not sent and with no spool to keep them. */
      readonly dropped: ReadonlyArray<Unsent>
      /** Spooled requests for endpoints this process is not configured for: one that is sends them. */
      readonly elsewhere: number
    }

/**
 * The service key.
 *
 * @since 0.1.0
 * @category services
 */
export class Telemetry extends Context.Service<Telemetry, Shape>()("@gastown-otel/telemetry/Telemetry") {}

/**
 * Records one event with the current service.
 *
 * @since 0.1.0
 * @category accessors
 * @example
 * ```ts
 * yield* Telemetry.emit({ _tag: "sling", bead: "gt-42", target: "mol/polecats/jana", status: "ok" })
 * ```
 */
export const emit = (event: Catalogue.Event): Effect.Effect<void, never, Telemetry> =>
  Telemetry.use((t) => t.emit(event))

/**
 * Exports everything recorded so far.
 *
 * @since 0.1.0
 * @category accessors
 */
export const flush: Effect.Effect<void, never, Telemetry> = Telemetry.use((t) => t.flush)

/**
 * Exports everything recorded so far and everything spooled for this process's endpoints,
 * and reports what came of it.
 *
 * @since 0.1.0
 * @category accessors
 * @example
 * ```ts
 * const report = yield* Telemetry.flushReport
 * if (report._tag === "Flushed") for (const unsent of report.spooled) yield* Console.error(unsent.reason)
 * ```
 */
export const flushReport: Effect.Effect<FlushReport, never, Telemetry> = Telemetry.use((t) => t.flushReport)

/**
 * Options of the live exporter.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly metricsUrl: string
  readonly logsUrl: string
  /**
   * Spans are exported here (OTLP protobuf) when set: {@link layer} then provides a tracer whose ended spans
   * are spooled and sent like metrics and logs.
   */
  readonly tracesUrl?: string | undefined
  /** Resource attributes: service.name, service.version, host.name and the user's own. */
  readonly resource: Readonly<Record<string, string>>
  /** Correlation labels set once for everything the process records. */
  readonly labels?: Correlation.Labels | undefined
  readonly headers?:
    | {
        readonly metrics?: Readonly<Record<string, string>>
        readonly logs?: Readonly<Record<string, string>>
        readonly traces?: Readonly<Record<string, string>>
      }
    | undefined
  readonly derive?: Derive.Options | undefined
  /** Invalid events are defects instead of counted drops. */
  readonly strict?: boolean | undefined
  /** Per-request timeout. Default 10 s (OTEL_EXPORTER_OTLP_TIMEOUT). */
  readonly timeout?: Duration.Input | undefined
  /** The most sending at exit may add to the host's exit. Default `TelemetryConfig.defaultFlushTimeoutMs`. */
  readonly shutdownTimeout?: Duration.Input | undefined
  /**
   * Where counter totals shared by the host's processes and the spool of unsent requests
   * live. Without it, counters are per process and unsent telemetry is dropped.
   */
  readonly stateDir?: string | undefined
  /** Size cap of the spool. Default 16 MiB. */
  readonly maxSpoolBytes?: number | undefined
  /** Periodic export for long-running processes; CLIs export once, at exit. */
  readonly exportInterval?: Duration.Input | undefined
}

// Loaded on first use: a process with telemetry off never imports the exporter (nor opens a socket).
const exporter = Effect.promise(() => import("./internal/Exporter.ts"))

/**
 * The live service as a scoped effect: records in memory, exports OTLP/HTTP protobuf to
 * VictoriaMetrics and VictoriaLogs on an interval (when `exportInterval` is set) and when
 * the scope closes, within `shutdownTimeout`; what is not sent waits in the spool. Spans
 * need the tracer that {@link layer} provides.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Shape, never, Scope.Scope> =>
  Effect.flatMap(exporter, (live) => Effect.map(live.make(options), ({ service }) => service))

/**
 * The live layer: {@link make} as the `Telemetry` service, the labels of `options`, and,
 * when a traces URL is set, a `Tracer` whose ended spans the same exporter encodes, spools
 * and sends with the metrics and logs. It flushes when the layer's scope closes (normal
 * exit, failure, interruption by SIGINT/SIGTERM under `NodeRuntime.runMain`).
 *
 * The type needs nothing although the exporter uses `node:net`, `node:fs` and signal
 * handlers directly: this package runs on Node only (see `engines`), and the exporter works on
 * the host's exit path, where it must load fast and stay within a fixed budget, so it does
 * not go through platform services a caller would have to provide.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Telemetry> =>
  Layer.effectContext(
    Effect.flatMap(exporter, (live) =>
      Effect.map(live.make(options), ({ service, tracer }) => {
        const context = Context.make(Telemetry, service)
        return tracer === undefined ? context : Context.add(context, Tracer.Tracer, tracer)
      })
    )
  ).pipe(Layer.provideMerge(Labels.layer(options.labels)))

/**
 * Telemetry off: every call is a no-op and nothing is loaded or opened.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<Telemetry> = Layer.succeed(Telemetry, {
  emit: () => Effect.void,
  flush: Effect.void,
  flushReport: Effect.succeed({ _tag: "Off" } as const)
})

/**
 * What the in-memory layer has recorded: the events as emitted, and the OTLP metrics
 * and log records they derived, as the live layer would export them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorded {
  readonly events: ReadonlyArray<Catalogue.Event>
  readonly metrics: ReadonlyArray<MetricData>
  readonly logs: ReadonlyArray<LogRecordData>
  readonly dropped: ReadonlyMap<SelfEvents.DropReason, number>
}

/**
 * Access to what {@link layerMemory} recorded.
 *
 * @since 0.1.0
 * @category services
 */
export class TelemetryMemory extends Context.Service<TelemetryMemory, { readonly recorded: Effect.Effect<Recorded> }>()(
  "@gastown-otel/telemetry/TelemetryMemory"
) {}

/**
 * Records everything in memory for tests; `TelemetryMemory.recorded` reads it back.
 * Strict by default: an invalid event is a defect.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: {
  readonly labels?: Correlation.Labels | undefined
  readonly derive?: Derive.Options | undefined
  readonly strict?: boolean | undefined
}): Layer.Layer<Telemetry | TelemetryMemory> =>
  Layer.effectContext(
    Effect.sync(() => {
      const recorder = Recorder.make({ derive: options?.derive })
      const totals = new Map<string, Totals.SeriesTotal>()
      const start = UnixNanos.now()
      const events: Array<Catalogue.Event> = []
      const logs: Array<LogRecordData> = []
      const metrics = new Map<string, MetricData>()
      const collect = Effect.sync(() => {
        const drained = recorder.drain()
        logs.push(...drained.logs)
        for (const m of Totals.pointsFrom(totals, drained.series, start, UnixNanos.now())) {
          const previous = metrics.get(m.name)
          // Keep the newest point of every series, as a backend would show it.
          const points = new Map<string, unknown>()
          for (const p of [...(previous?.points ?? []), ...m.points]) points.set(JSON.stringify(p.attributes), p)
          metrics.set(m.name, { ...m, points: [...points.values()] } as MetricData)
        }
      })
      const telemetry: Shape = {
        emit: Emit.make(recorder, { strict: options?.strict ?? true, onEvent: (e) => events.push(e) }),
        flush: collect,
        // Kept in memory: nothing goes over a wire, nothing waits, there is no spool.
        flushReport: collect.pipe(
          Effect.as({
            _tag: "Flushed",
            spool: false,
            sent: { requests: 0, records: 0 },
            spooled: [],
            dropped: [],
            elsewhere: 0
          } as const)
        )
      }
      return Context.make(Telemetry, telemetry).pipe(
        Context.add(TelemetryMemory, {
          recorded: collect.pipe(
            Effect.map(() => ({
              events: [...events],
              metrics: [...metrics.values()],
              logs: [...logs],
              dropped: new Map(recorder.dropped())
            }))
          )
        })
      )
    })
  ).pipe(Layer.provideMerge(Labels.layer(options?.labels)))

/**
 * The configuration {@link layerConfig} read, for code that passes telemetry on to
 * child processes (`ChildEnvironment.bdVariables`, `ChildEnvironment.claudeVariables`). Off unless a layer set it.
 *
 * @since 0.1.0
 * @category references
 */
export const ActiveConfig = Context.Reference<TelemetryConfig.TelemetryConfig>("@gastown-otel/telemetry/ActiveConfig", {
  defaultValue: () => ({ _tag: "Off", reason: "not-configured" })
})

/**
 * Options of {@link layerConfig} that the environment does not give.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  /** The host program's version, sent as `service.version`. */
  readonly version: string
  /** A long-running gt process reports as `gastown-daemon` and exports on an interval. */
  readonly daemon?: boolean | undefined
}

/**
 * Options of the live layer from a configuration that turned telemetry on.
 *
 * @since 0.1.0
 * @category accessors
 */
export const optionsFromConfig = (config: TelemetryConfig.On, options: ConfigOptions): Options => {
  const attributes = Limits.resource(config.resourceAttributes).kept
  const serviceName =
    options.daemon && config.serviceName === Resource.serviceNames.gt
      ? Resource.serviceNames.daemon
      : config.serviceName
  return {
    metricsUrl: config.metricsUrl,
    logsUrl: config.logsUrl,
    tracesUrl: config.tracesUrl,
    headers: config.headers,
    resource: {
      ...Object.fromEntries(attributes),
      [Resource.keys.serviceName]: serviceName,
      [Resource.keys.serviceVersion]: options.version,
      [Resource.keys.hostName]: hostname()
    },
    labels: config.labels,
    derive: { includeContent: config.bdOutput, contentLimitBytes: config.bdContentLimit },
    strict: config.strict,
    timeout: config.timeoutMs,
    stateDir: config.stateDir,
    shutdownTimeout: config.flushTimeoutMs,
    exportInterval: options.daemon ? "10 seconds" : undefined
  }
}

/**
 * Reads the configuration (docs/contract.md#configuration) from the environment through `Config` and picks the
 * live layer, or the no-op layer when telemetry is off (no URL set, `OTEL_SDK_DISABLED=true`, or an invalid
 * value, which is printed once on stderr). The correlation labels are set either way.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (program: TelemetryConfig.Program, options: ConfigOptions): Layer.Layer<Telemetry> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const config = yield* TelemetryConfig.orOff(program)
      const active = Layer.succeed(ActiveConfig, config)
      if (config._tag === "On") {
        const live = optionsFromConfig(config, options)
        const dropped = config.resourceAttributes.filter(([key]) => !(key in live.resource))
        if (dropped.length > 0) {
          yield* Console.error(
            `OTEL_RESOURCE_ATTRIBUTES: left out ${dropped.length} attribute(s) (over ${Limits.maxResourceAttributes}, or a key over ${Limits.victoriaLogs.maxFieldNameBytes} bytes)`
          )
        }
        return Layer.merge(layer(live), active)
      }
      // Reading the labels cannot really fail (any string is a value); if it ever did, the
      // program runs unlabelled rather than not at all.
      const labels = yield* TelemetryConfig.labels(program).pipe(Effect.orElseSucceed(() => ({})))
      return Layer.mergeAll(layerNoop, Labels.layer(labels), active)
    })
  )
