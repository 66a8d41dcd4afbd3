import * as OtelLogger from "@effect/opentelemetry/OtelLogger"
import * as OtelResource from "@effect/opentelemetry/Resource"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import * as OpenTelemetrySdk from "@gastown-otel/telemetry/OpenTelemetrySdk"
import { metrics } from "@opentelemetry/api"
import { logs, SeverityNumber } from "@opentelemetry/api-logs"
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor
} from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  MetricReader,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import { Effect, Layer } from "effect"
import * as Strict from "./support/Strict.ts"

// A pull reader: the test collects when it wants, as a Prometheus scrape would.
class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
}

const makeSdk = () => {
  const reader = new TestReader()
  const exporter = new InMemoryLogRecordExporter()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] })
  const collectScopes = Effect.promise(() => reader.collect()).pipe(
    Effect.map(({ resourceMetrics }) => resourceMetrics.scopeMetrics)
  )
  const collect = collectScopes.pipe(Effect.map((scopes) => scopes.flatMap((s) => s.metrics)))
  return { meterProvider, loggerProvider, exporter, collect, collectScopes }
}

const find = (all: ReadonlyArray<MetricData>, name: string): MetricData => {
  const found = all.filter((m) => m.descriptor.name === name)
  assert.strictEqual(found.length, 1, `one ${name} metric`)
  return found[0]!
}

const pointWith = (metric: MetricData, attributes: Record<string, string>) => {
  const points = metric.dataPoints as ReadonlyArray<{ attributes: Record<string, unknown>; value: unknown }>
  const point = points.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
  assert.isDefined(point, `${metric.descriptor.name} point with ${JSON.stringify(attributes)}`)
  return point!
}

const bdCall = (status: "ok" | "error", duration_ms: number): Catalogue.Event => ({
  _tag: "bd.call",
  subcommand: "list",
  args: "list --json --token=hunter2",
  duration_ms,
  status,
  ...(status === "error" ? { error: "exit 1" } : {})
})

const layerLabels = { "gt.role": "mol/witness", "gt.run_id": "run-1" } as const
const regionLabels = { "gt.rig": "mol", "gt.agent": "jana" } as const
const metricLabels = { "gt.role": "mol/witness", "gt.rig": "mol", "gt.agent": "jana" }

const emitAll = Effect.gen(function* () {
  yield* Telemetry.emit(bdCall("ok", 3))
  yield* Telemetry.emit(bdCall("ok", 700))
  yield* Telemetry.emit(bdCall("error", 12))
  yield* Telemetry.emit({
    _tag: "bd.ai.request",
    model: "claude-haiku",
    input_tokens: 1200,
    output_tokens: 340,
    duration_ms: 850,
    status: "ok"
  })
  yield* Telemetry.emit({
    _tag: "bd.ai.request",
    model: "claude-haiku",
    input_tokens: 800,
    output_tokens: 60,
    duration_ms: 400,
    status: "ok"
  })
  yield* Telemetry.emit({ _tag: "bd.issue_count", status: "open", count: 9 })
  yield* Telemetry.emit({ _tag: "bd.issue_count", status: "open", count: 7 })
  yield* Telemetry.emit({ _tag: "bd.db.lock_wait", wait_ms: 4, exclusive: true })
  return yield* Effect.currentSpan
}).pipe(Effect.withSpan("bd sync"), Labels.withLabels(regionLabels))

describe("OpenTelemetrySdk.layer", () => {
  it.effect("records every catalogue metric into one SDK instrument, with its unit, description and labels", () => {
    const sdk = makeSdk()
    return Effect.gen(function* () {
      yield* emitAll
      const all = yield* sdk.collect
      const spec = (name: string) => Catalogue.metrics.find((m) => m.name === name)!

      const calls = find(all, "gastown_bd_calls_total")
      assert.deepInclude(calls.descriptor, {
        name: "gastown_bd_calls_total",
        unit: "{call}",
        description: spec("gastown_bd_calls_total").description
      })
      assert.strictEqual(calls.dataPointType, DataPointType.SUM)
      assert.strictEqual(calls.aggregationTemporality, AggregationTemporality.CUMULATIVE)
      assert.deepStrictEqual(pointWith(calls, { status: "ok" }).attributes, {
        ...metricLabels,
        subcommand: "list",
        status: "ok"
      })
      assert.strictEqual(pointWith(calls, { status: "ok" }).value, 2)
      assert.strictEqual(pointWith(calls, { status: "error" }).value, 1)

      const input = find(all, "bd_ai_input_tokens_total")
      assert.deepInclude(input.descriptor, { unit: "{token}", description: "Model input tokens, by model" })
      assert.strictEqual(pointWith(input, { model: "claude-haiku" }).value, 2000)
      assert.strictEqual(pointWith(find(all, "bd_ai_output_tokens_total"), { model: "claude-haiku" }).value, 400)

      const duration = find(all, "gastown_bd_duration_ms") as HistogramMetricData
      assert.deepInclude(duration.descriptor, { unit: "ms", description: spec("gastown_bd_duration_ms").description })
      assert.strictEqual(duration.dataPointType, DataPointType.HISTOGRAM)
      const ok = duration.dataPoints.find((p) => p.attributes["status"] === "ok")!
      assert.include(ok.value, { count: 2, sum: 703, min: 3, max: 700 })
      assert.deepStrictEqual(ok.value.buckets.boundaries, spec("gastown_bd_duration_ms").boundaries)

      const lockWait = find(all, "bd_db_lock_wait_ms") as HistogramMetricData
      assert.deepStrictEqual(lockWait.dataPoints[0]!.attributes, { ...metricLabels, exclusive: "true" })
      assert.include(lockWait.dataPoints[0]!.value, { count: 1, sum: 4 })
      assert.deepStrictEqual(lockWait.dataPoints[0]!.value.buckets.boundaries, spec("bd_db_lock_wait_ms").boundaries)

      const issues = find(all, "bd_issue_count")
      assert.deepInclude(issues.descriptor, { unit: "{issue}", description: "Issues by status" })
      assert.strictEqual(issues.dataPointType, DataPointType.GAUGE)
      assert.strictEqual(pointWith(issues, { status: "open" }).value, 7)

      // Only what was used became an instrument, under our scope.
      assert.deepStrictEqual(
        (yield* sdk.collectScopes).map((s) => s.scope.name),
        ["@gastown-otel/telemetry"]
      )
      assert.deepStrictEqual(all.map((m) => m.descriptor.name).toSorted(), [
        "bd_ai_input_tokens_total",
        "bd_ai_output_tokens_total",
        "bd_ai_request_duration_ms",
        "bd_db_lock_wait_ms",
        "bd_issue_count",
        "gastown_bd_calls_total",
        "gastown_bd_duration_ms"
      ])
    }).pipe(Effect.provide(OpenTelemetrySdk.layer({ ...sdk, labels: layerLabels })))
  })

  it.effect(
    "emits one log record per event: body, severity, redacted attributes, labels, the Effect span's ids",
    () => {
      const sdk = makeSdk()
      return Effect.gen(function* () {
        const before = Date.now()
        const span = yield* emitAll
        const after = Date.now()
        const records = sdk.exporter.getFinishedLogRecords()
        assert.deepStrictEqual(
          records.map((r) => [r.body, r.severityText, r.severityNumber]),
          [
            ["bd.call", "INFO", SeverityNumber.INFO],
            ["bd.call", "INFO", SeverityNumber.INFO],
            ["bd.call", "ERROR", SeverityNumber.ERROR],
            ["bd.ai.request", "INFO", SeverityNumber.INFO],
            ["bd.ai.request", "INFO", SeverityNumber.INFO],
            ["bd.issue_count", "INFO", SeverityNumber.INFO],
            ["bd.issue_count", "INFO", SeverityNumber.INFO],
            ["bd.db.lock_wait", "INFO", SeverityNumber.INFO]
          ]
        )
        assert.deepStrictEqual(records[2]!.attributes, {
          subcommand: "list",
          args: "list --json --token=[REDACTED]",
          duration_ms: 12,
          status: "error",
          error: "exit 1",
          "gt.role": "mol/witness",
          "gt.rig": "mol",
          "gt.agent": "jana",
          "gt.run_id": "run-1"
        })
        assert.include(records[3]!.attributes, { model: "claude-haiku", input_tokens: 1200, output_tokens: 340 })
        for (const r of records) {
          assert.strictEqual(r.spanContext?.traceId, span.traceId)
          assert.strictEqual(r.spanContext?.spanId, span.spanId)
          assert.strictEqual(r.instrumentationScope.name, "@gastown-otel/telemetry")
        }
        // The record carries the emit time (wall clock, as HrTime).
        const [seconds, nanos] = records[0]!.hrTime
        assert.isAtLeast(seconds * 1000 + nanos / 1e6, before - 1)
        assert.isAtMost(seconds * 1000 + nanos / 1e6, after + 1)
      }).pipe(Effect.provide(OpenTelemetrySdk.layer({ ...sdk, labels: layerLabels })))
    }
  )

  it.effect("outside any span a log record has no span context", () => {
    const sdk = makeSdk()
    return Effect.gen(function* () {
      yield* Telemetry.emit({ _tag: "nudge", target: "jana", status: "ok" })
      assert.isUndefined(sdk.exporter.getFinishedLogRecords()[0]!.spanContext)
    }).pipe(Effect.provide(OpenTelemetrySdk.layer(sdk)))
  })

  it.effect("strict: an invalid event is an InvalidEvent defect and nothing reaches the SDK", () => {
    const sdk = makeSdk()
    return Effect.gen(function* () {
      yield* Strict.emitInvalid
      assert.deepStrictEqual(yield* sdk.collect, [])
      assert.deepStrictEqual(sdk.exporter.getFinishedLogRecords(), [])
    }).pipe(Effect.provide(OpenTelemetrySdk.layer({ ...sdk, strict: true })))
  })

  it.effect("lenient (the default): an invalid event is dropped, never a failure; valid ones still pass", () => {
    const sdk = makeSdk()
    return Effect.gen(function* () {
      yield* Telemetry.emit({ _tag: "nope" } as unknown as Catalogue.Event)
      yield* Telemetry.emit({ _tag: "done", exit_type: "QUIT", status: "ok" } as unknown as Catalogue.Event)
      yield* Telemetry.emit(bdCall("ok", 1))
      assert.deepStrictEqual((yield* sdk.collect).map((m) => m.descriptor.name).toSorted(), [
        "gastown_bd_calls_total",
        "gastown_bd_duration_ms"
      ])
      assert.deepStrictEqual(
        sdk.exporter.getFinishedLogRecords().map((r) => r.body),
        ["bd.call"]
      )
    }).pipe(Effect.provide(OpenTelemetrySdk.layer(sdk)))
  })

  it.effect("defaults to the global providers; flush force-flushes them", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => {
        // Batching that would not export for a minute: only a flush gets data out now.
        const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
        const logExporter = new InMemoryLogRecordExporter()
        metrics.setGlobalMeterProvider(
          new MeterProvider({
            readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })]
          })
        )
        logs.setGlobalLoggerProvider(
          new LoggerProvider({
            processors: [new BatchLogRecordProcessor({ exporter: logExporter, scheduledDelayMillis: 60_000 })]
          })
        )
        return { metricExporter, logExporter }
      }),
      ({ logExporter, metricExporter }) =>
        Effect.gen(function* () {
          yield* Telemetry.emit(bdCall("ok", 5))
          assert.deepStrictEqual(logExporter.getFinishedLogRecords(), [])
          yield* Telemetry.flush
          const exported = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
          assert.strictEqual(pointWith(find(exported, "gastown_bd_calls_total"), { status: "ok" }).value, 1)
          assert.deepStrictEqual(
            logExporter.getFinishedLogRecords().map((r) => r.body),
            ["bd.call"]
          )
        }).pipe(Effect.provide(OpenTelemetrySdk.layer())),
      () =>
        Effect.sync(() => {
          metrics.disable()
          logs.disable()
        })
    )
  )
})

describe("OpenTelemetrySdk.layerEffectOpenTelemetry", () => {
  it.effect("logs through @effect/opentelemetry's OtelLoggerProvider, with its resource", () => {
    const sdk = makeSdk()
    return Effect.gen(function* () {
      const span = yield* Telemetry.emit(bdCall("ok", 2)).pipe(
        Effect.andThen(Effect.currentSpan),
        Effect.withSpan("gt prime")
      )
      const record = sdk.exporter.getFinishedLogRecords()[0]!
      assert.strictEqual(record.body, "bd.call")
      assert.strictEqual(record.resource.attributes[Resource.keys.serviceName], "gt")
      assert.strictEqual(record.spanContext?.spanId, span.spanId)
      const calls = find(yield* sdk.collect, "gastown_bd_calls_total")
      assert.strictEqual(pointWith(calls, { status: "ok" }).value, 1)
    }).pipe(
      Effect.provide(
        OpenTelemetrySdk.layerEffectOpenTelemetry({ meterProvider: sdk.meterProvider }).pipe(
          Layer.provide(OtelLogger.layerLoggerProvider(new SimpleLogRecordProcessor({ exporter: sdk.exporter }))),
          Layer.provide(OtelResource.layer({ serviceName: "gt" }))
        )
      )
    )
  })
})
