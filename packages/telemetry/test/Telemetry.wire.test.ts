// What the live layer sends, decoded with the official OTLP protobuf definitions.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Endpoints, Resource } from "@gastown-otel/schema"
import { Labels, Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import { Arbitrary, Effect, Tracer } from "effect"
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
const tracesPath = Endpoints.paths.traces
const CUMULATIVE = 2

const labels = { "gt.role": "mol/polecats/jana", "gt.rig": "mol", "gt.agent": "jana", "gt.run_id": "run-7" }

const liveLayer = (url: string, extra?: Partial<Telemetry.Options>) =>
  Telemetry.layer({
    metricsUrl: url + metricsPath,
    logsUrl: url + logsPath,
    resource: {
      [Resource.keys.serviceName]: Resource.serviceNames.gt,
      [Resource.keys.serviceVersion]: "1.2.3",
      [Resource.keys.hostName]: "test-host"
    },
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

// The proto's enums: SpanKind INTERNAL = 1, CLIENT = 3; StatusCode OK = 1, ERROR = 2.
const SPAN_KIND_INTERNAL = 1
const SPAN_KIND_CLIENT = 3
const STATUS_OK = 1
const STATUS_ERROR = 2

const only = <A>(xs: ReadonlyArray<A>): A => {
  assert.strictEqual(xs.length, 1)
  return xs[0]!
}

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
        [Resource.keys.serviceName]: Resource.serviceNames.gt,
        [Resource.keys.serviceVersion]: "1.2.3",
        [Resource.keys.hostName]: "test-host"
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
      assert.strictEqual(
        attributesOf(resourceLogs.resource!.attributes)[Resource.keys.serviceName],
        Resource.serviceNames.gt
      )
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

      // Spans: the region's span, with the labels as attributes and one event per emit, each
      // carrying its log record's attributes, typed alike.
      const traces = decodeTraces(server.byPath(tracesPath)[0]!.body)
      const resourceSpans = traces.resourceSpans[0]!
      assert.deepStrictEqual(
        attributesOf(resourceSpans.resource!.attributes),
        attributesOf(resourceMetrics.resource!.attributes)
      )
      const scopeSpans = resourceSpans.scopeSpans[0]!
      assert.strictEqual(scopeSpans.scope?.name, resourceLogs.scopeLogs[0]!.scope?.name)
      const root = only(scopeSpans.spans)
      assert.strictEqual(root.name, "gt status")
      assert.strictEqual(idHex(root.traceId), span.traceId)
      assert.strictEqual(idHex(root.spanId), span.spanId)
      assert.isUndefined(root.parentSpanId)
      assert.strictEqual(root.kind, SPAN_KIND_INTERNAL)
      assert.deepStrictEqual(root.status, { code: STATUS_OK })
      assert.isTrue(BigInt(root.startTimeUnixNano!) <= BigInt(root.endTimeUnixNano!))
      assert.deepStrictEqual(attributesOf(root.attributes), labels)
      assert.deepStrictEqual(
        root.events.map((e) => e.name),
        events.map((e) => e._tag)
      )
      root.events.forEach((event, i) => {
        assert.deepStrictEqual(event.attributes, records[i]!.attributes, event.name)
        assert.strictEqual(event.timeUnixNano, records[i]!.timeUnixNano, event.name)
      })
    })
  )

  it.live("nested spans, one failed: parent ids, kinds, the ERROR status and its exception event, in one request", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      // gt sling > bd (client) > bd list, which fails; then bd list again (client), which does not.
      const failing = Telemetry.emit({ _tag: "nudge", target: "jana", status: "error" }).pipe(
        Effect.andThen(Effect.fail(new Error("bd list: exit status 1"))),
        Labels.withSpan("bd list", { attributes: { attempt: 2 } }),
        Effect.withSpan("bd", { kind: "client" })
      )
      const ids = yield* Effect.gen(function* () {
        const outer = yield* Effect.currentSpan
        const inner = yield* failing.pipe(
          Effect.catch(() => Effect.currentSpan.pipe(Effect.withSpan("bd list", { kind: "client" })))
        )
        return { outer, inner }
      }).pipe(
        Labels.withSpan("gt sling"),
        Effect.provide(liveLayer(server.url, { tracesUrl: server.url + tracesPath }))
      )
      const spans = decodeTraces(only(server.byPath(tracesPath)).body).resourceSpans[0]!.scopeSpans[0]!.spans
      assert.deepStrictEqual(
        spans.map((s) => s.name),
        ["bd list", "bd", "bd list", "gt sling"],
        "in the order they ended"
      )
      const [failed, client, retried, root] = spans
      assert.strictEqual(idHex(root!.spanId), ids.outer.spanId)
      for (const child of [failed!, client!, retried!]) assert.strictEqual(child.traceId, root!.traceId)
      assert.strictEqual(idHex(client!.parentSpanId), ids.outer.spanId)
      assert.strictEqual(failed!.parentSpanId, client!.spanId)
      assert.strictEqual(idHex(retried!.parentSpanId), ids.outer.spanId)
      assert.strictEqual(idHex(retried!.spanId), ids.inner.spanId)
      assert.strictEqual(client!.kind, SPAN_KIND_CLIENT)
      assert.strictEqual(failed!.kind, SPAN_KIND_INTERNAL)
      assert.deepStrictEqual(failed!.status, { code: STATUS_ERROR, message: "bd list: exit status 1" })
      assert.deepStrictEqual(attributesOf(failed!.attributes), { ...labels, attempt: 2 })
      assert.strictEqual(attributeTypes(failed!.attributes)["attempt"], "int")
      assert.deepStrictEqual(
        failed!.events.map((e) => e.name),
        ["nudge", Resource.spanKeys.exceptionEvent]
      )
      const exception = attributesOf(failed!.events[1]!.attributes)
      assert.strictEqual(exception[Resource.spanKeys.exceptionMessage], "bd list: exit status 1")
      assert.include(String(exception[Resource.spanKeys.exceptionStacktrace]), "bd list: exit status 1")
      assert.strictEqual(failed!.events[1]!.timeUnixNano, failed!.endTimeUnixNano)
      assert.deepStrictEqual(client!.status, { code: STATUS_ERROR, message: "bd list: exit status 1" })
      assert.deepStrictEqual(root!.status, { code: STATUS_OK })
      // The record emitted in the failed span carries its ids.
      const record = decodeLogs(only(server.byPath(logsPath)).body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
      assert.strictEqual(record.spanId, failed!.spanId)
      assert.strictEqual(record.traceId, failed!.traceId)
    })
  )

  it.live("without a traces URL: no tracer, no traces request; spans stay Effect's own", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const tracer = yield* Effect.tracer.pipe(Labels.withSpan("gt status"), Effect.provide(liveLayer(server.url)))
      assert.strictEqual(tracer, Tracer.nativeTracer)
      assert.deepStrictEqual(server.byPath(tracesPath), [])
      assert.strictEqual(server.byPath(logsPath).length + server.byPath(metricsPath).length, 0, "nothing emitted")
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
