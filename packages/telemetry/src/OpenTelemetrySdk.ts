/**
 * The `Telemetry` service for apps that already run the OpenTelemetry JS SDK: events are
 * validated and derived as by the other layers, then recorded into the app's meter and
 * logger providers, so they leave through its readers, processors, views and resource.
 *
 * @since 0.1.0
 */
import type { OtelLoggerProvider } from "@effect/opentelemetry/OtelLogger"
import { type Catalogue, Derive, type Correlation } from "@gastown-otel/schema"
import type * as Api from "@opentelemetry/api"
import type * as ApiLogs from "@opentelemetry/api-logs"
import { Effect, Layer } from "effect"
import * as Labels from "./Labels.ts"
import * as Emit from "./internal/Emit.ts"
import * as LabelGuard from "./internal/LabelGuard.ts"
import * as InstrumentationScope from "./internal/InstrumentationScope.ts"
import * as UnixNanos from "./internal/UnixNanos.ts"
import { type Shape, Telemetry } from "./Telemetry.ts"

/**
 * Options of the bridge layers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default: the global one (`metrics.getMeterProvider()`) when the layer is built. */
  readonly meterProvider?: Api.MeterProvider | undefined
  /** Default: the global one (`logs.getLoggerProvider()`) when the layer is built. */
  readonly loggerProvider?: ApiLogs.LoggerProvider | undefined
  /** Invalid events are defects instead of dropped. Default `false`, as in the live layer. */
  readonly strict?: boolean | undefined
  /** Correlation labels set once for everything the process records. */
  readonly labels?: Correlation.Labels | undefined
  readonly derive?: Derive.Options | undefined
}

type Write = (value: number, attributes: Api.Attributes, context: Api.Context) => void

const makeInstrument = (api: typeof Api, meter: Api.Meter, metric: Catalogue.Metric): Write => {
  const options: Api.MetricOptions = {
    description: metric.description,
    unit: metric.unit,
    valueType: metric.valueType === "int" ? api.ValueType.INT : api.ValueType.DOUBLE
  }
  switch (metric.kind) {
    case "counter": {
      const counter = meter.createCounter(metric.name, options)
      return (value, attributes, context) => counter.add(value, attributes, context)
    }
    case "gauge": {
      const gauge = meter.createGauge(metric.name, options)
      return (value, attributes, context) => gauge.record(value, attributes, context)
    }
    case "histogram": {
      // Advice, not a view: the app's own views still win, as the SDK specifies.
      const histogram = meter.createHistogram(
        metric.name,
        metric.boundaries === undefined
          ? options
          : { ...options, advice: { explicitBucketBoundaries: [...metric.boundaries] } }
      )
      return (value, attributes, context) => histogram.record(value, attributes, context)
    }
  }
}

// HrTime keeps the nanosecond precision a millisecond number would lose.
const toHrTime = (unixNano: bigint): Api.HrTime => [
  Number(unixNano / 1_000_000_000n),
  Number(unixNano % 1_000_000_000n)
]

const forceFlush = (provider: object): Promise<unknown> | undefined =>
  "forceFlush" in provider && typeof provider.forceFlush === "function" ? provider.forceFlush() : undefined

const make = (options: Options | undefined): Effect.Effect<Shape> =>
  // Loaded on build: a process that never uses the bridge does not import the OTel API.
  Effect.promise(() => Promise.all([import("@opentelemetry/api"), import("@opentelemetry/api-logs")])).pipe(
    Effect.map(([api, apiLogs]): Shape => {
      const meterProvider = options?.meterProvider ?? api.metrics.getMeterProvider()
      const loggerProvider = options?.loggerProvider ?? apiLogs.logs.getLoggerProvider()
      const meter = meterProvider.getMeter(InstrumentationScope.scope.name, InstrumentationScope.scope.version)
      const logger = loggerProvider.getLogger(InstrumentationScope.scope.name, InstrumentationScope.scope.version)
      // Created on first use: a CLI run touches a few of the catalogue's metrics, and the
      // SDK would keep (and maybe export) every instrument it was asked for.
      const instruments = new Map<string, Write>()
      const instrument = (metric: Catalogue.Metric): Write => {
        let write = instruments.get(metric.name)
        if (write === undefined) {
          write = makeInstrument(api, meter, metric)
          instruments.set(metric.name, write)
        }
        return write
      }

      // The SDK has no place for our drop counts: folds happen, uncounted.
      const guard = LabelGuard.make(() => undefined)
      const sink: Emit.Sink = {
        record: (event, labels, span, timeMillis, spanAttributes) => {
          // The Effect span as the OTel parent: the log record (and exemplars) carry its ids.
          const context =
            span === undefined
              ? api.context.active()
              : api.trace.setSpanContext(api.context.active(), {
                  traceId: span.traceId,
                  spanId: span.spanId,
                  traceFlags: span.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE
                })
          for (const update of guard(Derive.metricUpdates(event, labels))) {
            const attributes: Api.Attributes = {}
            update.metric.labelKeys.forEach((key, i) => {
              const value = update.labelValues[i]
              if (value !== undefined) attributes[key] = value
            })
            instrument(update.metric)(update.value, attributes, context)
          }
          const derived = Derive.logRecord(event, labels, options?.derive)
          const attributes = Object.fromEntries(derived.attributes.map((a) => [a.key, a.value]))
          logger.emit({
            body: derived.body,
            severityNumber: Derive.severityNumber[derived.severity],
            severityText: derived.severity,
            attributes,
            timestamp: toHrTime(UnixNanos.fromMillis(timeMillis)),
            context
          })
          return spanAttributes ? attributes : undefined
        },
        // The app's SDK has no place for our drop counts; lenient mode just drops.
        drop: () => {}
      }

      const flush = Effect.tryPromise(() => Promise.all([forceFlush(meterProvider), forceFlush(loggerProvider)])).pipe(
        Effect.ignore
      )
      return {
        emit: Emit.make(sink, { strict: options?.strict ?? false }),
        // The app owns the providers' lifecycle (shutdown); a flush only pushes what is pending.
        flush,
        flushReport: flush.pipe(Effect.as({ _tag: "Delegated" } as const))
      }
    })
  )

/**
 * Records into the OTel SDK's providers: the given ones, else the global ones. Instruments
 * and logger use the InstrumentationScope.scope `@gastown-otel/telemetry`.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * ```ts
 * // After the app's `new NodeSDK({ ... }).start()`:
 * program.pipe(Effect.provide(OpenTelemetrySdk.layer({ labels: { "gt.rig": "mol" } })))
 * ```
 */
export const layer = (options?: Options): Layer.Layer<Telemetry> =>
  Layer.effect(Telemetry, make(options)).pipe(Layer.provideMerge(Labels.layer(options?.labels)))

/**
 * {@link layer} with the logger provider of `@effect/opentelemetry` (`OtelLoggerProvider`),
 * so an app built on its layers gets our log records through its provider and resource.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEffectOpenTelemetry = (
  options?: Omit<Options, "loggerProvider">
): Layer.Layer<Telemetry, never, OtelLoggerProvider> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const OtelLogger = yield* Effect.promise(() => import("@effect/opentelemetry/OtelLogger"))
      const loggerProvider = yield* OtelLogger.OtelLoggerProvider
      return layer({ ...options, loggerProvider })
    })
  )
