import { Resource } from "@gastown-otel/schema"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { logsRequest, metricsRequest } from "../src/internal/otlp/Encode.ts"
import { tracesRequest } from "../src/internal/otlp/EncodeTraces.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import type * as OtlpData from "../src/OtlpData.ts"
import type { DecodedLogRecord, DecodedMetric, DecodedSpan } from "@gastown-otel/testkit/OtlpDecode"
import {
  attributeTypes,
  attributesOf,
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  idHex
} from "@gastown-otel/testkit/OtlpDecode"

const T0 = 1_764_000_000_123_456_789n
const T1 = 1_764_000_060_987_654_321n
const MAX_U64 = 2n ** 64n - 1n

const DELTA = 1
const CUMULATIVE = 2

const scope: OtlpData.Scope = { name: "@gastown-otel/telemetry", version: "0.1.0" }

const resource: ReadonlyArray<OtlpData.KeyValue> = [
  { key: Resource.keys.serviceName, value: { string: "gt" } },
  { key: Resource.keys.serviceVersion, value: { string: "0.1.0" } },
  { key: "process.pid", value: { int: 4242 } },
  { key: "sample.ratio", value: { double: 0.25 } },
  { key: "gt.debug", value: { bool: true } }
]

const allTypes: ReadonlyArray<OtlpData.KeyValue> = [
  { key: "rig", value: { string: "gastown" } },
  { key: "attempt", value: { int: -3 } },
  { key: "ratio", value: { double: 1.5 } },
  { key: "cached", value: { bool: false } }
]

const only = <A>(xs: ReadonlyArray<A>): A => {
  assert.strictEqual(xs.length, 1)
  return xs[0]!
}

// Encodes one metric in a request of its own and returns it decoded.
const roundTripMetric = (metric: OtlpData.MetricData): DecodedMetric =>
  only(
    only(only(decodeMetrics(metricsRequest([{ resource: [], scope, metrics: [metric] }])).resourceMetrics).scopeMetrics)
      .metrics
  )

// Encodes one log record in a request of its own and returns it decoded.
const roundTripRecord = (record: OtlpData.LogRecordData): DecodedLogRecord =>
  only(
    only(only(decodeLogs(logsRequest([{ resource: [], scope, records: [record] }])).resourceLogs).scopeLogs).logRecords
  )

const gauge = (points: ReadonlyArray<OtlpData.NumberPoint>): OtlpData.MetricData => ({
  kind: "gauge",
  name: "g",
  description: "",
  unit: "",
  points
})

const point = (
  value: number,
  isInt: boolean,
  attributes: ReadonlyArray<OtlpData.KeyValue> = []
): OtlpData.NumberPoint => ({
  attributes,
  startTimeUnixNano: T0,
  timeUnixNano: T1,
  value,
  isInt
})

const record = (overrides: Partial<OtlpData.LogRecordData> = {}): OtlpData.LogRecordData => ({
  timeUnixNano: T0,
  observedTimeUnixNano: T1,
  severityNumber: 9,
  severityText: "INFO",
  body: "convoy landed",
  attributes: [],
  ...overrides
})

// A decoded fixed64 or int64 as a bigint; an absent field is the proto3 default, zero.
const big = (s: string | undefined): bigint => BigInt(s ?? "0")

const sameNumber = (actual: number | undefined, expected: number): void =>
  assert.isTrue(Object.is(actual, expected), `expected ${expected}, got ${actual}`)

describe("OTLP metrics encoding", () => {
  it("round-trips resource attributes and scope", () => {
    const decoded = decodeMetrics(metricsRequest([{ resource, scope, metrics: [gauge([point(1, true)])] }]))
    const rm = only(decoded.resourceMetrics)
    assert.deepStrictEqual(attributesOf(rm.resource!.attributes), {
      [Resource.keys.serviceName]: "gt",
      [Resource.keys.serviceVersion]: "0.1.0",
      "process.pid": 4242,
      "sample.ratio": 0.25,
      "gt.debug": true
    })
    assert.deepStrictEqual(attributeTypes(rm.resource!.attributes), {
      [Resource.keys.serviceName]: "string",
      [Resource.keys.serviceVersion]: "string",
      "process.pid": "int",
      "sample.ratio": "double",
      "gt.debug": "bool"
    })
    const sm = only(rm.scopeMetrics)
    assert.strictEqual(sm.scope?.name, "@gastown-otel/telemetry")
    assert.strictEqual(sm.scope?.version, "0.1.0")
  })

  it("round-trips a monotonic delta sum with int points", () => {
    const m = roundTripMetric({
      kind: "sum",
      name: "gt.convoy.created",
      description: "Convoys created",
      unit: "{convoy}",
      monotonic: true,
      temporality: "delta",
      points: [point(3, true, [{ key: "rig", value: { string: "a" } }]), point(9_007_199_254_740_991, true)]
    })
    assert.strictEqual(m.name, "gt.convoy.created")
    assert.strictEqual(m.description, "Convoys created")
    assert.strictEqual(m.unit, "{convoy}")
    assert.isUndefined(m.gauge)
    assert.isUndefined(m.histogram)
    assert.strictEqual(m.sum?.isMonotonic, true)
    assert.strictEqual(m.sum?.aggregationTemporality, DELTA)
    const [first, second] = m.sum!.dataPoints
    assert.strictEqual(first?.asInt, "3")
    assert.isUndefined(first?.asDouble)
    assert.strictEqual(big(first?.startTimeUnixNano), T0)
    assert.strictEqual(big(first?.timeUnixNano), T1)
    assert.deepStrictEqual(attributesOf(first!.attributes), { rig: "a" })
    assert.strictEqual(second?.asInt, "9007199254740991")
  })

  it("round-trips a non-monotonic cumulative sum with double points", () => {
    const m = roundTripMetric({
      kind: "sum",
      name: "bd.queue.depth",
      description: "",
      unit: "",
      monotonic: false,
      temporality: "cumulative",
      points: [point(-2.75, false)]
    })
    // is_monotonic = false is the proto3 default, so it is absent on the wire.
    assert.notStrictEqual(m.sum?.isMonotonic, true)
    assert.strictEqual(m.sum?.aggregationTemporality, CUMULATIVE)
    assert.isUndefined(m.description)
    assert.isUndefined(m.unit)
    const p = only(m.sum!.dataPoints)
    assert.strictEqual(p.asDouble, -2.75)
    assert.isUndefined(p.asInt)
  })

  it("round-trips gauge int and double points, including zero and negative values", () => {
    const m = roundTripMetric(gauge([point(0, true), point(-42, true), point(0, false), point(6.0625, false)]))
    assert.isUndefined(m.sum)
    const points = m.gauge!.dataPoints
    assert.strictEqual(points.length, 4)
    // The value is a oneof: a zero must still be on the wire, or the point would have no value at all.
    assert.strictEqual(points[0]?.asInt, "0")
    assert.strictEqual(points[1]?.asInt, "-42")
    assert.strictEqual(points[2]?.asDouble, 0)
    assert.strictEqual(points[3]?.asDouble, 6.0625)
  })

  it("truncates a fractional value sent as an int point", () => {
    const m = roundTripMetric(gauge([point(7.9, true), point(-7.9, true)]))
    assert.deepStrictEqual(
      m.gauge!.dataPoints.map((p) => p.asInt),
      ["7", "-7"]
    )
  })

  it("round-trips every histogram field", () => {
    const p: OtlpData.HistogramPoint = {
      attributes: allTypes,
      startTimeUnixNano: T0,
      timeUnixNano: T1,
      count: 11,
      sum: 1234.5,
      bucketCounts: [1, 0, 4, 6],
      explicitBounds: [5, 25.5, 100],
      min: 0.75,
      max: 480
    }
    const m = roundTripMetric({
      kind: "histogram",
      name: "gt.hook.duration",
      description: "Hook run time",
      unit: "ms",
      temporality: "delta",
      points: [p]
    })
    assert.strictEqual(m.name, "gt.hook.duration")
    assert.strictEqual(m.unit, "ms")
    assert.strictEqual(m.histogram?.aggregationTemporality, DELTA)
    const d = only(m.histogram!.dataPoints)
    assert.strictEqual(big(d.startTimeUnixNano), T0)
    assert.strictEqual(big(d.timeUnixNano), T1)
    assert.strictEqual(d.count, "11")
    assert.strictEqual(d.sum, 1234.5)
    assert.deepStrictEqual(d.bucketCounts, ["1", "0", "4", "6"])
    assert.deepStrictEqual(d.explicitBounds, [5, 25.5, 100])
    assert.strictEqual(d.min, 0.75)
    assert.strictEqual(d.max, 480)
    assert.deepStrictEqual(attributesOf(d.attributes), { rig: "gastown", attempt: -3, ratio: 1.5, cached: false })
    assert.deepStrictEqual(attributeTypes(d.attributes), {
      rig: "string",
      attempt: "int",
      ratio: "double",
      cached: "bool"
    })
  })

  it("writes a zero histogram sum but leaves out absent min and max", () => {
    const m = roundTripMetric({
      kind: "histogram",
      name: "h",
      description: "",
      unit: "",
      temporality: "cumulative",
      points: [
        {
          attributes: [],
          startTimeUnixNano: T0,
          timeUnixNano: T1,
          count: 0,
          sum: 0,
          bucketCounts: [0],
          explicitBounds: []
        }
      ]
    })
    assert.strictEqual(m.histogram?.aggregationTemporality, CUMULATIVE)
    const d = only(m.histogram!.dataPoints)
    assert.strictEqual(d.sum, 0)
    assert.strictEqual(big(d.count), 0n)
    assert.deepStrictEqual(d.bucketCounts, ["0"])
    assert.deepStrictEqual(d.explicitBounds, [])
    assert.isUndefined(d.min)
    assert.isUndefined(d.max)
  })

  it("keeps several batches and many metrics in order", () => {
    const metrics = Array.from({ length: 26 }, (_, i) => ({ ...gauge([point(i, true)]), name: `m.${i}` }))
    const batches: ReadonlyArray<OtlpData.ResourceMetrics> = [
      { resource, scope, metrics },
      {
        resource: [{ key: Resource.keys.serviceName, value: { string: "bd" } }],
        scope: { name: "bd", version: "" },
        metrics
      }
    ]
    const decoded = decodeMetrics(metricsRequest(batches))
    assert.strictEqual(decoded.resourceMetrics.length, 2)
    const [gt, bd] = decoded.resourceMetrics
    assert.strictEqual(attributesOf(gt!.resource!.attributes)[Resource.keys.serviceName], "gt")
    assert.strictEqual(attributesOf(bd!.resource!.attributes)[Resource.keys.serviceName], "bd")
    const bdScope = only(bd!.scopeMetrics)
    assert.strictEqual(bdScope.scope?.name, "bd")
    assert.isUndefined(bdScope.scope?.version)
    for (const rm of decoded.resourceMetrics) {
      const decodedMetrics = only(rm.scopeMetrics).metrics
      assert.deepStrictEqual(
        decodedMetrics.map((m) => m.name),
        metrics.map((m) => m.name)
      )
      assert.deepStrictEqual(
        decodedMetrics.map((m) => only(m.gauge!.dataPoints).asInt),
        metrics.map((_, i) => String(i))
      )
    }
  })

  it("handles messages whose lengths need two- and three-byte varints", () => {
    const description = "x".repeat(20_000)
    const points = Array.from({ length: 500 }, (_, i) =>
      point(i / 2, false, [{ key: "k", value: { string: "é".repeat(i % 70) } }])
    )
    const m = roundTripMetric({ ...gauge(points), description })
    assert.strictEqual(m.description, description)
    const decoded = m.gauge!.dataPoints
    assert.strictEqual(decoded.length, 500)
    decoded.forEach((p, i) => {
      assert.strictEqual(p.asDouble, i / 2)
      assert.strictEqual(attributesOf(p.attributes)["k"], "é".repeat(i % 70))
    })
  })

  it("returns bytes that later encodes do not overwrite", () => {
    const first = metricsRequest([{ resource, scope, metrics: [gauge([point(1, true)])] }])
    const copy = Uint8Array.from(first)
    metricsRequest([{ resource: [], scope, metrics: [gauge([point(2, false)])] }])
    assert.deepStrictEqual(first, copy)
  })

  it("encodes an empty request as an empty message", () => {
    const bytes = metricsRequest([])
    assert.strictEqual(bytes.length, 0)
    assert.deepStrictEqual(decodeMetrics(bytes), { resourceMetrics: [] })
  })
})

describe("OTLP logs encoding", () => {
  it("round-trips every log record field", () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
    const spanId = "00f067aa0ba902b7"
    const batches: ReadonlyArray<OtlpData.ResourceLogs> = [
      {
        resource,
        scope,
        records: [
          record({ severityNumber: 17, severityText: "ERROR", attributes: allTypes, traceId, spanId, flags: 1 }),
          record({ severityNumber: 13, severityText: "WARN", body: "second" })
        ]
      }
    ]
    const decoded = decodeLogs(logsRequest(batches))
    const rl = only(decoded.resourceLogs)
    assert.deepStrictEqual(attributesOf(rl.resource!.attributes)[Resource.keys.serviceName], "gt")
    const sl = only(rl.scopeLogs)
    assert.strictEqual(sl.scope?.name, scope.name)
    assert.strictEqual(sl.scope?.version, scope.version)
    const [error, warn] = sl.logRecords
    assert.strictEqual(big(error?.timeUnixNano), T0)
    assert.strictEqual(big(error?.observedTimeUnixNano), T1)
    assert.strictEqual(error?.severityNumber, 17)
    assert.strictEqual(error?.severityText, "ERROR")
    assert.deepStrictEqual(error?.body, { stringValue: "convoy landed" })
    assert.deepStrictEqual(attributesOf(error!.attributes), {
      rig: "gastown",
      attempt: -3,
      ratio: 1.5,
      cached: false
    })
    assert.deepStrictEqual(attributeTypes(error!.attributes), {
      rig: "string",
      attempt: "int",
      ratio: "double",
      cached: "bool"
    })
    assert.strictEqual(idHex(error?.traceId), traceId)
    assert.strictEqual(idHex(error?.spanId), spanId)
    assert.strictEqual(error?.flags, 1)
    assert.strictEqual(warn?.severityNumber, 13)
    assert.strictEqual(warn?.severityText, "WARN")
    assert.deepStrictEqual(warn?.body, { stringValue: "second" })
    assert.isUndefined(warn?.traceId)
    assert.isUndefined(warn?.spanId)
    assert.isUndefined(warn?.flags)
  })

  it("accepts upper-case hex ids and drops malformed ones", () => {
    const upper = roundTripRecord(record({ traceId: "4BF92F3577B34DA6A3CE929D0E0E4736", spanId: "00F067AA0BA902B7" }))
    assert.strictEqual(idHex(upper.traceId), "4bf92f3577b34da6a3ce929d0e0e4736")
    assert.strictEqual(idHex(upper.spanId), "00f067aa0ba902b7")
    const bad = roundTripRecord(record({ traceId: "4bf92f3577b34da6a3ce929d0e0e473g", spanId: "00f067aa" }))
    assert.isUndefined(bad.traceId)
    assert.isUndefined(bad.spanId)
    // The rest of the record survives the dropped fields.
    assert.deepStrictEqual(bad.body, { stringValue: "convoy landed" })
    assert.strictEqual(big(bad.observedTimeUnixNano), T1)
  })

  it("round-trips an empty body as a present string value", () => {
    assert.deepStrictEqual(roundTripRecord(record({ body: "" })).body, { stringValue: "" })
  })

  it("encodes an empty request as an empty message", () => {
    const bytes = logsRequest([])
    assert.strictEqual(bytes.length, 0)
    assert.deepStrictEqual(decodeLogs(bytes), { resourceLogs: [] })
  })
})

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"

const span = (overrides: Partial<OtlpData.SpanData> = {}): OtlpData.SpanData => ({
  traceId,
  spanId: "00f067aa0ba902b7",
  name: "gt sling",
  kind: "internal",
  startTimeUnixNano: T0,
  endTimeUnixNano: T1,
  attributes: [],
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  status: { code: "ok" },
  ...overrides
})

// Encodes one span in a request of its own and returns it decoded.
const roundTripSpan = (s: OtlpData.SpanData): DecodedSpan =>
  only(only(only(decodeTraces(tracesRequest([{ resource: [], scope, spans: [s] }])).resourceSpans).scopeSpans).spans)

describe("OTLP traces encoding", () => {
  it("round-trips every span field", () => {
    const decoded = decodeTraces(
      tracesRequest([
        {
          resource,
          scope,
          spans: [
            span({
              parentSpanId: "a3ce929d0e0e4736",
              kind: "client",
              attributes: allTypes,
              droppedAttributesCount: 2,
              events: [
                { name: "bd.call", timeUnixNano: T0 + 5n, attributes: allTypes },
                { name: "retry", timeUnixNano: T0 + 9n, attributes: [] }
              ],
              droppedEventsCount: 7,
              links: [
                { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", attributes: allTypes }
              ],
              droppedLinksCount: 1,
              status: { code: "error", message: "exit status 1" }
            }),
            span({ spanId: "00f067aa0ba902b8", name: "second", kind: "server" })
          ]
        }
      ])
    )
    const rs = only(decoded.resourceSpans)
    assert.deepStrictEqual(attributesOf(rs.resource!.attributes)[Resource.keys.serviceName], "gt")
    const ss = only(rs.scopeSpans)
    assert.strictEqual(ss.scope?.name, scope.name)
    assert.strictEqual(ss.scope?.version, scope.version)
    const [first, second] = ss.spans
    assert.strictEqual(idHex(first?.traceId), traceId)
    assert.strictEqual(idHex(first?.spanId), "00f067aa0ba902b7")
    assert.strictEqual(idHex(first?.parentSpanId), "a3ce929d0e0e4736")
    assert.strictEqual(first?.name, "gt sling")
    // SpanKind: CLIENT = 3, SERVER = 2.
    assert.strictEqual(first?.kind, 3)
    assert.strictEqual(big(first?.startTimeUnixNano), T0)
    assert.strictEqual(big(first?.endTimeUnixNano), T1)
    assert.deepStrictEqual(attributesOf(first!.attributes), { rig: "gastown", attempt: -3, ratio: 1.5, cached: false })
    assert.deepStrictEqual(attributeTypes(first!.attributes), {
      rig: "string",
      attempt: "int",
      ratio: "double",
      cached: "bool"
    })
    assert.strictEqual(first?.droppedAttributesCount, 2)
    assert.deepStrictEqual(
      first!.events.map((e) => [e.name, big(e.timeUnixNano), attributesOf(e.attributes)]),
      [
        ["bd.call", T0 + 5n, { rig: "gastown", attempt: -3, ratio: 1.5, cached: false }],
        ["retry", T0 + 9n, {}]
      ]
    )
    assert.strictEqual(first?.droppedEventsCount, 7)
    const link = only(first!.links)
    assert.strictEqual(idHex(link.traceId), "0af7651916cd43dd8448eb211c80319c")
    assert.strictEqual(idHex(link.spanId), "b7ad6b7169203331")
    assert.deepStrictEqual(attributeTypes(link.attributes), attributeTypes(first!.attributes))
    assert.strictEqual(first?.droppedLinksCount, 1)
    // StatusCode: ERROR = 2, OK = 1.
    assert.deepStrictEqual(first?.status, { code: 2, message: "exit status 1" })
    assert.strictEqual(second?.kind, 2)
    assert.deepStrictEqual(second?.status, { code: 1 })
    assert.isUndefined(second?.parentSpanId)
    assert.isUndefined(second?.droppedAttributesCount, "a zero count is left out, as a canonical encoder does")
  })

  it("every kind and status as its enum value", () => {
    const kinds = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const
    for (const [kind, value] of Object.entries(kinds)) {
      assert.strictEqual(roundTripSpan(span({ kind: kind as OtlpData.SpanData["kind"] })).kind, value, kind)
    }
    assert.deepStrictEqual(roundTripSpan(span({ status: { code: "unset" } })).status, {}, "UNSET is the default")
  })

  it("drops malformed ids, keeps the rest of the span", () => {
    const bad = roundTripSpan(span({ traceId: "4bf92f35", parentSpanId: "zz", spanId: "00f067aa0ba902b7" }))
    assert.isUndefined(bad.traceId)
    assert.isUndefined(bad.parentSpanId)
    assert.strictEqual(idHex(bad.spanId), "00f067aa0ba902b7")
    assert.strictEqual(bad.name, "gt sling")
  })

  it("a span event made from a recorded log record carries the record's attributes, typed as on the record", () => {
    const recorder = Recorder.make({})
    const recorded = recorder.record(
      {
        _tag: "bd.call",
        subcommand: "update",
        args: "update gt-1 --token=s3cr3t-value",
        duration_ms: 41,
        status: "error",
        stdout: "x".repeat(3000)
      },
      { "gt.rig": "mol", "gt.run_id": "run-7" },
      undefined,
      1_764_000_000_123.5,
      true
    )!
    const { logs } = recorder.drain()
    const log = only(
      only(only(decodeLogs(logsRequest([{ resource: [], scope, records: logs }])).resourceLogs).scopeLogs).logRecords
    )
    const event = only(roundTripSpan(span({ events: [recorded] })).events)
    assert.strictEqual(event.name, "bd.call")
    assert.strictEqual(big(event.timeUnixNano), big(log.timeUnixNano))
    assert.deepStrictEqual(event.attributes, log.attributes, "the same attributes, types and order")
    assert.strictEqual(attributeTypes(event.attributes)["duration_ms"], "double", "a double field stays a double")
  })

  it("encodes an empty request as an empty message", () => {
    const bytes = tracesRequest([])
    assert.strictEqual(bytes.length, 0)
    assert.deepStrictEqual(decodeTraces(bytes), { resourceSpans: [] })
  })
})

describe("OTLP string encoding", () => {
  it("round-trips multi-byte and emoji strings everywhere strings go", () => {
    const text = "naïve café — 東京 🚂🦀 ok"
    const m = roundTripMetric({
      ...gauge([point(1, true, [{ key: text, value: { string: text } }])]),
      name: text,
      description: text,
      unit: text
    })
    assert.strictEqual(m.name, text)
    assert.strictEqual(m.description, text)
    assert.strictEqual(m.unit, text)
    assert.deepStrictEqual(attributesOf(only(m.gauge!.dataPoints).attributes), { [text]: text })
    const r = roundTripRecord(record({ body: text, severityText: text }))
    assert.deepStrictEqual(r.body, { stringValue: text })
    assert.strictEqual(r.severityText, text)
  })

  it("keeps attribute keys named like Object.prototype members", () => {
    const m = roundTripMetric(gauge([point(1, true, [{ key: "__proto__", value: { string: "p" } }])]))
    assert.deepStrictEqual(attributesOf(only(m.gauge!.dataPoints).attributes), { ["__proto__"]: "p" })
  })

  it("encodes lone surrogates as U+FFFD", () => {
    const r = roundTripRecord(record({ body: "a\ud800b\udc00c🙂\ud83d" }))
    assert.deepStrictEqual(r.body, { stringValue: "a\ufffdb\ufffdc🙂\ufffd" })
  })
})

// Safe integers cover every value a JS number can carry exactly into an int64 field.
const SafeInt = Schema.Int.check(
  Schema.isBetween({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })
)
const Count = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))
const Nanos = Schema.BigInt.check(Schema.isBetweenBigInt({ minimum: 0n, maximum: MAX_U64 }))
const Hex32 = Schema.String.check(Schema.isPattern(/^[0-9a-f]{32}$/))
const Hex16 = Schema.String.check(Schema.isPattern(/^[0-9a-f]{16}$/))
const Uint32 = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4_294_967_295 }))

describe("OTLP encoding properties", () => {
  it.prop("strings round-trip as well-formed UTF-8", [Schema.String, Schema.String], ([key, value]) => {
    const m = roundTripMetric({ ...gauge([point(1, true, [{ key, value: { string: value } }])]), name: value })
    assert.strictEqual(m.name ?? "", value.toWellFormed())
    assert.deepStrictEqual(attributesOf(only(m.gauge!.dataPoints).attributes), {
      [key.toWellFormed()]: value.toWellFormed()
    })
    assert.deepStrictEqual(roundTripRecord(record({ body: value })).body, { stringValue: value.toWellFormed() })
  })

  it.prop("timestamps round-trip across the whole fixed64 range", { start: Nanos, time: Nanos }, ({ start, time }) => {
    const p = only(
      roundTripMetric(gauge([{ ...point(1, true), startTimeUnixNano: start, timeUnixNano: time }])).gauge!.dataPoints
    )
    assert.strictEqual(big(p.startTimeUnixNano), start)
    assert.strictEqual(big(p.timeUnixNano), time)
    const r = roundTripRecord(record({ timeUnixNano: time, observedTimeUnixNano: start }))
    assert.strictEqual(big(r.timeUnixNano), time)
    assert.strictEqual(big(r.observedTimeUnixNano), start)
  })

  it.prop("integers round-trip as sfixed64 points and int64 attributes", [SafeInt], ([n]) => {
    const p = only(roundTripMetric(gauge([point(n, true, [{ key: "n", value: { int: n } }])])).gauge!.dataPoints)
    assert.strictEqual(BigInt(p.asInt!), BigInt(n))
    assert.deepStrictEqual(attributesOf(p.attributes), { n })
    assert.deepStrictEqual(attributeTypes(p.attributes), { n: "int" })
  })

  it.prop("doubles round-trip bit for bit", [Schema.Number], ([x]) => {
    const p = only(roundTripMetric(gauge([point(x, false, [{ key: "x", value: { double: x } }])])).gauge!.dataPoints)
    sameNumber(p.asDouble, x)
    sameNumber(p.attributes[0]?.value?.doubleValue, x)
  })

  it.prop(
    "histogram points round-trip",
    {
      count: Count,
      sum: Schema.Finite,
      bucketCounts: Schema.Array(Count),
      explicitBounds: Schema.Array(Schema.Finite),
      min: Schema.Finite,
      max: Schema.Finite
    },
    ({ count, sum, bucketCounts, explicitBounds, min, max }) => {
      const m = roundTripMetric({
        kind: "histogram",
        name: "h",
        description: "",
        unit: "",
        temporality: "delta",
        points: [
          {
            attributes: [],
            startTimeUnixNano: T0,
            timeUnixNano: T1,
            count,
            sum,
            bucketCounts,
            explicitBounds,
            min,
            max
          }
        ]
      })
      const d = only(m.histogram!.dataPoints)
      assert.strictEqual(big(d.count), BigInt(count))
      sameNumber(d.sum, sum)
      assert.deepStrictEqual(d.bucketCounts.map(BigInt), bucketCounts.map(BigInt))
      assert.strictEqual(d.explicitBounds.length, explicitBounds.length)
      d.explicitBounds.forEach((b, i) => sameNumber(b, explicitBounds[i]!))
      sameNumber(d.min, min)
      sameNumber(d.max, max)
    }
  )

  it.prop(
    "log ids, flags and severity round-trip",
    {
      traceId: Hex32,
      spanId: Hex16,
      flags: Uint32,
      severity: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 24 }))
    },
    ({ traceId, spanId, flags, severity }) => {
      const r = roundTripRecord(record({ traceId, spanId, flags, severityNumber: severity }))
      assert.strictEqual(idHex(r.traceId), traceId)
      assert.strictEqual(idHex(r.spanId), spanId)
      assert.strictEqual(r.flags ?? 0, flags)
      assert.strictEqual(r.severityNumber ?? 0, severity)
    }
  )
})
