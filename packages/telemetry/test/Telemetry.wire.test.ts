// What the live layer sends, decoded with the official OTLP protobuf definitions.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Resource } from "@gastown-otel/schema"
import { Labels, Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import { Arbitrary, Effect } from "effect"
import { CaptureServer } from "@gastown-otel/testkit"
import {
  attributesOf,
  attributeTypes,
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  type DecodedMetric,
  type DecodedNumberPoint,
  idHex
} from "@gastown-otel/testkit/OtlpDecode"

const metricsPath = new URL(TelemetryConfig.defaultUrls.metrics).pathname
const logsPath = new URL(TelemetryConfig.defaultUrls.logs).pathname
const tracesPath = "/v1/traces"
const CUMULATIVE = 2

const labels = { "gt.role": "mol/polecats/jana", "gt.rig": "mol", "gt.agent": "jana", "gt.run_id": "run-7" }

const liveLayer = (url: string, extra?: Partial<Telemetry.Options>) =>
  Telemetry.layer({
    metricsUrl: url + metricsPath,
    logsUrl: url + logsPath,
    resource: { "service.name": Resource.serviceNames.gt, "service.version": "1.2.3", "host.name": "test-host" },
    labels,
    strict: true,
    ...extra
  })

// One valid value of every catalogue event, generated from its schema.
const everyEvent = Effect.forEach(Catalogue.entries, (entry) =>
  Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: 1, seed: entry.spec.name }).pipe(
    Effect.map(([value]) => value as Catalogue.Event)
  )
)

const kindOf = (m: DecodedMetric) => (m.sum ? "counter" : m.histogram ? "histogram" : m.gauge ? "gauge" : "none")
const pointsOf = (m: DecodedMetric) => m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.gauge?.dataPoints ?? []

describe("Telemetry.layer on the wire", () => {
  it.live("every catalogue event: metrics, log records and spans as the catalogue says", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const events = yield* everyEvent
      const span = yield* Effect.gen(function* () {
        for (const event of events) yield* Telemetry.emit(event)
        return yield* Effect.currentSpan
      }).pipe(
        Labels.withSpan("gt status"),
        Effect.provide(liveLayer(server.url, { tracesUrl: server.url + tracesPath }))
      )

      // Paths, method, content type: what VictoriaMetrics and VictoriaLogs accept.
      for (const path of [metricsPath, logsPath, tracesPath]) {
        const requests = server.byPath(path)
        assert.strictEqual(requests.length, 1, path)
        assert.strictEqual(requests[0]!.method, "POST")
        assert.strictEqual(requests[0]!.headers["content-type"], "application/x-protobuf")
      }

      // Metrics.
      const metricsRequest = decodeMetrics(server.byPath(metricsPath)[0]!.body)
      const resourceMetrics = metricsRequest.resourceMetrics[0]!
      assert.deepStrictEqual(attributesOf(resourceMetrics.resource!.attributes), {
        "service.name": "gastown",
        "service.version": "1.2.3",
        "host.name": "test-host"
      })
      const sent = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)
      assert.deepStrictEqual(
        sent.map((m) => m.name).toSorted(),
        Catalogue.metrics.map((m) => m.name).toSorted(),
        "one metric per catalogue metric"
      )
      for (const spec of Catalogue.metrics) {
        const metric = sent.find((m) => m.name === spec.name)!
        assert.strictEqual(kindOf(metric), spec.kind, spec.name)
        assert.strictEqual(metric.unit, spec.unit, spec.name)
        assert.strictEqual(metric.description, spec.description, spec.name)
        if (metric.sum) {
          assert.isTrue(metric.sum.isMonotonic, spec.name)
          assert.strictEqual(metric.sum.aggregationTemporality, CUMULATIVE, spec.name)
        }
        if (metric.histogram) assert.strictEqual(metric.histogram.aggregationTemporality, CUMULATIVE, spec.name)
        const [point] = pointsOf(metric)
        const event = events.find((e) => e._tag === spec.event)! as unknown as Record<string, unknown>
        const expectedLabels: Record<string, string> = {}
        for (const key of Correlation.metricKeys)
          if (key in labels) expectedLabels[key] = labels[key as keyof typeof labels]
        for (const field of spec.labels) expectedLabels[field] = String(event[field]).toWellFormed()
        assert.deepStrictEqual(attributesOf(point!.attributes), expectedLabels, spec.name)
        assert.isDefined(point!.startTimeUnixNano)
        assert.isTrue(BigInt(point!.timeUnixNano!) >= BigInt(point!.startTimeUnixNano!), spec.name)
        const value = spec.value === undefined ? 1 : (event[spec.value] as number)
        if ("count" in point!) {
          assert.strictEqual(point.count, "1", spec.name)
          assert.strictEqual(point.sum, value, spec.name)
          assert.deepStrictEqual(point.explicitBounds, spec.boundaries, spec.name)
          const bucket = spec.boundaries!.findIndex((b) => value <= b)
          const expectedBuckets = spec.boundaries!.map(() => "0").concat("0")
          expectedBuckets[bucket === -1 ? spec.boundaries!.length : bucket] = "1"
          assert.deepStrictEqual(point.bucketCounts, expectedBuckets, spec.name)
        } else {
          assert.strictEqual(Number((point as DecodedNumberPoint).asInt), value, spec.name)
        }
      }

      // Logs: one record per event, typed attributes, severity, the span's ids.
      const logsRequest = decodeLogs(server.byPath(logsPath)[0]!.body)
      const resourceLogs = logsRequest.resourceLogs[0]!
      assert.strictEqual(attributesOf(resourceLogs.resource!.attributes)["service.name"], "gastown")
      const records = resourceLogs.scopeLogs.flatMap((s) => s.logRecords)
      assert.deepStrictEqual(
        records.map((r) => r.body?.stringValue),
        events.map((e) => e._tag)
      )
      const wireType = { string: "string", int: "int", double: "double", boolean: "bool" } as const
      records.forEach((record, i) => {
        const event = events[i]! as unknown as Record<string, unknown>
        const entry = Catalogue.byName.get(events[i]!._tag)!
        const isError = entry.statusField ? event[entry.statusField] === "error" : entry.spec.severity === "ERROR"
        assert.strictEqual(record.severityText, isError ? "ERROR" : "INFO")
        assert.strictEqual(record.severityNumber, isError ? 17 : 9)
        assert.strictEqual(idHex(record.traceId), span.traceId)
        assert.strictEqual(idHex(record.spanId), span.spanId)
        const types = attributeTypes(record.attributes)
        const values = attributesOf(record.attributes)
        for (const field of entry.fields) {
          if (event[field.name] === undefined) {
            assert.notProperty(types, field.name)
            continue
          }
          assert.strictEqual(types[field.name], wireType[field.type], `${entry.spec.name}.${field.name}`)
          if (field.type !== "string") assert.strictEqual(values[field.name], event[field.name])
        }
        for (const [key, value] of Object.entries(labels)) assert.strictEqual(values[key], value)
      })

      // Spans: the region's span, with the labels as attributes and one event per emit.
      const traces = decodeTraces(server.byPath(tracesPath)[0]!.body)
      const spans = traces.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
      const root = spans.find((s) => s.name === "gt status")!
      assert.strictEqual(idHex(root.spanId), span.spanId)
      assert.include(attributesOf(root.attributes), labels)
      assert.deepStrictEqual(
        root.events.map((e) => e.name),
        events.map((e) => e._tag)
      )
    })
  )

  it.live("a bd.call in detail: redacted args, truncated output, the ERROR record", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      yield* Telemetry.emit({
        _tag: "bd.call",
        subcommand: "update",
        args: "update gt-1 --token=s3cr3t-value --status closed",
        duration_ms: 41.5,
        status: "error",
        stdout: "x".repeat(3000),
        stderr: "Error: database is locked",
        error: "exit status 1"
      }).pipe(Effect.provide(liveLayer(server.url)))
      const record = decodeLogs(server.byPath(logsPath)[0]!.body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
      const values = attributesOf(record.attributes)
      assert.strictEqual(values["args"], "update gt-1 --token=[REDACTED] --status closed")
      assert.strictEqual(values["stdout"], "x".repeat(2048) + "…")
      assert.strictEqual(values["stdout_truncated"], true)
      assert.strictEqual(values["stderr"], "Error: database is locked")
      assert.strictEqual(values["error"], "exit status 1")
      assert.strictEqual(values["duration_ms"], 41.5)
      assert.strictEqual(record.severityText, "ERROR")
      assert.isUndefined(record.traceId, "no span, no trace id")
    })
  )

  it.live("counters accumulate within a process: cumulative points, one series per label set", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      yield* Effect.gen(function* () {
        for (let i = 0; i < 5; i++) yield* Telemetry.emit({ _tag: "nudge", target: `t${i}`, status: "ok" })
        yield* Telemetry.flush
        yield* Telemetry.emit({ _tag: "nudge", target: "t5", status: "ok" })
        yield* Telemetry.emit({ _tag: "nudge", target: "t6", status: "error" })
      }).pipe(Effect.provide(liveLayer(server.url)))
      const pushes = server.byPath(metricsPath).map((r) => decodeMetrics(r.body))
      assert.strictEqual(pushes.length, 2)
      const series = pushes.map((p) =>
        p.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.sum!.dataPoints.map((d) => [
          attributesOf(d.attributes)["status"],
          d.asInt,
          d.startTimeUnixNano
        ])
      )
      assert.deepStrictEqual(
        series.map((points) => points.map(([status, value]) => [status, value])),
        [
          [["ok", "5"]],
          [
            ["ok", "6"],
            ["error", "1"]
          ]
        ]
      )
      assert.strictEqual(series[0]![0]![2], series[1]![0]![2], "same start time across pushes")
    })
  )

  it.live("histograms accumulate across pushes: count, sum and buckets keep growing", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const call = (duration_ms: number): Catalogue.Event => ({
        _tag: "bd.call",
        subcommand: "list",
        args: "",
        duration_ms,
        status: "ok"
      })
      yield* Effect.gen(function* () {
        yield* Telemetry.emit(call(3))
        yield* Telemetry.flush
        yield* Telemetry.emit(call(700))
        yield* Telemetry.emit(call(4))
      }).pipe(Effect.provide(liveLayer(server.url)))
      const spec = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "histogram")!
      const points = server.byPath(metricsPath).map((r) => {
        const metric = decodeMetrics(r.body).resourceMetrics[0]!.scopeMetrics[0]!.metrics.find(
          (m) => m.name === spec.name
        )!
        return metric.histogram!.dataPoints[0]!
      })
      const bucketOf = (v: number) => spec.boundaries!.findIndex((b) => v <= b)
      const expected = (values: ReadonlyArray<number>) =>
        spec.boundaries!.concat(Infinity).map((_, i) => String(values.filter((v) => bucketOf(v) === i).length))
      assert.deepStrictEqual(
        points.map((p) => [p.count, p.sum, p.min, p.max, p.bucketCounts]),
        [
          ["1", 3, 3, 3, expected([3])],
          ["3", 707, 3, 700, expected([3, 700, 4])]
        ]
      )
    })
  )

  it.live("with headers from OTEL_EXPORTER_OTLP_*_HEADERS on each signal", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      yield* Telemetry.emit({ _tag: "nudge", target: "x", status: "ok" }).pipe(
        Effect.provide(liveLayer(server.url, { headers: { metrics: { "x-scope": "m" }, logs: { "x-scope": "l" } } }))
      )
      assert.strictEqual(server.byPath(metricsPath)[0]!.headers["x-scope"], "m")
      assert.strictEqual(server.byPath(logsPath)[0]!.headers["x-scope"], "l")
    })
  )
})
