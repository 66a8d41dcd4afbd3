// Every OTLP metric kind, encoded by the official protobuf definitions, lands as the series
// VictoriaMetrics stores under the stack's flags (VictoriaMetrics'
// lib/protoparser/opentelemetry): exact names, labels, values and millisecond timestamps.
import { assert, describe, layer } from "@effect/vitest"
import { Catalogue, ClaudeCode, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as Server from "../src/Server.ts"
import type { Labels } from "../src/metrics/Series.ts"
import { attributes, encodeMetrics, encodeMetricsMessage, nanos } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const DELTA = 1
const CUMULATIVE = 2

const counter = Catalogue.metrics.find((m) => m.kind === "counter" && m.emitter === "gt")!
const histogram = Catalogue.metrics.find((m) => m.kind === "histogram" && m.emitter === "gt")!
const gauge = Catalogue.metrics.find((m) => m.kind === "gauge")!
const claudeSessions = ClaudeCode.metrics[0]!
// Kinds the catalogue does not use; their names are made up for these tests.
const upDown = "test.queue.depth"
const exponential = "test.latency"
const summary = "test.rpc.duration"

const [role, rig] = Correlation.definitions.map((l) => l.key)
const t0 = Date.now() - 60_000

const resource = { [Resource.keys.serviceName]: Resource.serviceNames.gt, [Resource.keys.hostName]: "h1" }
const resourceLabels = {
  [Naming.promCompatibleLabel(Resource.keys.serviceName)]: Resource.serviceNames.gt,
  [Naming.promCompatibleLabel(Resource.keys.hostName)]: "h1"
}
const scope = { name: "gastown", version: "0.1.0" }
const scopeLabels = { scope_name: "gastown", scope_version: "0.1.0" }

const request = (metrics: ReadonlyArray<object>, options: { scope?: object | undefined } = { scope }) =>
  encodeMetrics({
    resourceMetrics: [
      {
        resource: { attributes: attributes(resource) },
        scopeMetrics: [{ ...(options.scope === undefined ? {} : { scope: options.scope }), metrics }]
      }
    ]
  })

const push = (body: Uint8Array) =>
  Effect.gen(function* () {
    const { receiver } = yield* Receiver.TestReceiver
    const response = yield* Receiver.post(receiver.metricsUrl + Server.paths.metrics[0], body)
    assert.strictEqual(response.status, 200, response.body)
  })

const selectByName = (name: string) =>
  Effect.map(Receiver.TestReceiver, ({ store }) =>
    store.metrics
      .select([{ name: "__name__", op: "=", value: name }], 0, Date.now() + 1000)
      .map((s) => ({ labels: s.labels, timestamps: Array.from(s.timestamps), values: Array.from(s.values) }))
  )

const one = (name: string) =>
  Effect.map(selectByName(name), (series) => {
    assert.strictEqual(series.length, 1, `one series named ${name}`)
    return series[0]!
  })

describe("metrics as VictoriaMetrics stores them", () => {
  layer(Receiver.layer(), { excludeTestServices: true })((it) => {
    it.effect("a monotonic cumulative sum: one sample per point, labels from resource, scope and point", () =>
      Effect.gen(function* () {
        const pointLabels = Object.fromEntries(counter.labelKeys.map((k, i) => [k, `v${i}`]))
        yield* push(
          request([
            {
              name: counter.name,
              unit: counter.unit,
              sum: {
                aggregationTemporality: CUMULATIVE,
                isMonotonic: true,
                dataPoints: [
                  { attributes: attributes(pointLabels), timeUnixNano: nanos(t0, 999_999), asInt: "3" },
                  { attributes: attributes(pointLabels), timeUnixNano: nanos(t0 + 1000), asInt: "5" }
                ]
              }
            }
          ])
        )
        const series = yield* one(Naming.promCompatible(counter.name))
        const expected: Labels = {
          __name__: Naming.promCompatible(counter.name),
          ...resourceLabels,
          ...scopeLabels,
          ...Object.fromEntries(counter.labelKeys.map((k, i) => [Naming.promCompatibleLabel(k), `v${i}`]))
        }
        assert.deepStrictEqual(series, { labels: expected, timestamps: [t0, t0 + 1000], values: [3, 5] })
        assert.include(Object.keys(series.labels), Naming.promCompatibleLabel(rig!))
      })
    )

    it.effect("a delta sum (Claude Code's session count) is stored as raw samples, not accumulated", () =>
      Effect.gen(function* () {
        const point = (ms: number) => ({ timeUnixNano: nanos(ms), asDouble: 1 })
        const body = (points: Array<object>) =>
          request([
            {
              name: claudeSessions.name,
              sum: { aggregationTemporality: DELTA, isMonotonic: true, dataPoints: points }
            }
          ])
        yield* push(body([point(t0), point(t0 + 1000)]))
        yield* push(body([point(t0 + 2000)]))
        const series = yield* one(Naming.promCompatible(claudeSessions.name))
        assert.deepStrictEqual(series.timestamps, [t0, t0 + 1000, t0 + 2000])
        assert.deepStrictEqual(series.values, [1, 1, 1])
      })
    )

    it.effect("gauges and non-monotonic sums: the value as sent", () =>
      Effect.gen(function* () {
        yield* push(
          request([
            { name: gauge.name, gauge: { dataPoints: [{ timeUnixNano: nanos(t0), asDouble: 2.5 }] } },
            {
              name: upDown,
              sum: {
                aggregationTemporality: CUMULATIVE,
                isMonotonic: false,
                dataPoints: [{ timeUnixNano: nanos(t0), asInt: "-4" }]
              }
            }
          ])
        )
        assert.deepStrictEqual((yield* one(Naming.promCompatible(gauge.name))).values, [2.5])
        assert.deepStrictEqual((yield* one("test_queue_depth")).values, [-4])
      })
    )

    it.effect("histograms: _count, _sum and cumulative _bucket{le} with +Inf, le as Go prints it", () =>
      Effect.gen(function* () {
        const name = Naming.promCompatible(histogram.name)
        const point = {
          attributes: attributes({ [rig!]: "mol" }),
          timeUnixNano: nanos(t0),
          count: "10",
          sum: 123.5,
          bucketCounts: ["1", "2", "3", "0", "4"],
          explicitBounds: [0.005, 2.5, 1000, 1e21]
        }
        yield* push(
          request([
            {
              name: histogram.name,
              unit: histogram.unit,
              histogram: { aggregationTemporality: CUMULATIVE, dataPoints: [point] }
            }
          ])
        )
        const base = { ...resourceLabels, ...scopeLabels, [Naming.promCompatibleLabel(rig!)]: "mol" }
        assert.deepStrictEqual(yield* one(name + "_count"), {
          labels: { __name__: name + "_count", ...base },
          timestamps: [t0],
          values: [10]
        })
        assert.deepStrictEqual((yield* one(name + "_sum")).values, [123.5])
        const buckets = (yield* selectByName(name + "_bucket")).map((s) => [s.labels.le, s.values[0]])
        assert.sameDeepMembers(buckets, [
          ["0.005", 1],
          ["2.5", 3],
          ["1000", 6],
          ["1000000000000000000000", 6],
          ["+Inf", 10]
        ])
      })
    )

    it.effect("histogram points without a sum, without buckets or with mismatched buckets", () =>
      Effect.gen(function* () {
        const point = (ms: number, extra: object) => ({ timeUnixNano: nanos(ms), count: "2", ...extra })
        yield* push(
          request([
            {
              name: "test.no.sum",
              histogram: { dataPoints: [point(t0, { bucketCounts: ["1", "1"], explicitBounds: [1e-7] })] }
            },
            { name: "test.no.buckets", histogram: { dataPoints: [point(t0, { sum: 3 })] } },
            {
              name: "test.mismatched",
              histogram: { dataPoints: [point(t0, { bucketCounts: ["1", "1"], explicitBounds: [1, 2] })] }
            }
          ])
        )
        assert.deepStrictEqual((yield* one("test_no_sum_count")).values, [2])
        assert.deepStrictEqual(yield* selectByName("test_no_sum_sum"), [])
        assert.sameDeepMembers(
          (yield* selectByName("test_no_sum_bucket")).map((s) => s.labels.le),
          ["0.0000001", "+Inf"]
        )
        for (const prefix of ["test_no_buckets", "test_mismatched"]) {
          for (const suffix of ["_count", "_sum", "_bucket"])
            assert.deepStrictEqual(yield* selectByName(prefix + suffix), [])
        }
      })
    )

    it.effect("exponential histograms: _count, _sum and _bucket{vmrange}", () =>
      Effect.gen(function* () {
        yield* push(
          request([
            {
              name: exponential,
              exponentialHistogram: {
                aggregationTemporality: CUMULATIVE,
                dataPoints: [
                  {
                    timeUnixNano: nanos(t0),
                    count: "6",
                    sum: 7,
                    scale: 0,
                    zeroCount: "3",
                    positive: { offset: 0, bucketCounts: ["1", "0", "2"] }
                  }
                ]
              }
            }
          ])
        )
        assert.deepStrictEqual((yield* one("test_latency_count")).values, [6])
        assert.deepStrictEqual((yield* one("test_latency_sum")).values, [7])
        assert.sameDeepMembers(
          (yield* selectByName("test_latency_bucket")).map((s) => [s.labels.vmrange, s.values[0]]),
          [
            ["-0.000e+00...0.000e+00", 3],
            ["1.000e+00...2.000e+00", 1],
            ["4.000e+00...8.000e+00", 2]
          ]
        )
      })
    )

    it.effect("summaries: _count, _sum and one series per quantile", () =>
      Effect.gen(function* () {
        yield* push(
          request([
            {
              name: summary,
              summary: {
                dataPoints: [
                  {
                    timeUnixNano: nanos(t0),
                    count: "4",
                    sum: 9,
                    quantileValues: [
                      { quantile: 0.5, value: 2 },
                      { quantile: 0.99, value: 5 }
                    ]
                  }
                ]
              }
            }
          ])
        )
        assert.deepStrictEqual((yield* one("test_rpc_duration_count")).values, [4])
        assert.deepStrictEqual((yield* one("test_rpc_duration_sum")).values, [9])
        assert.sameDeepMembers(
          (yield* selectByName("test_rpc_duration")).map((s) => [s.labels.quantile, s.values[0]]),
          [
            ["0.5", 2],
            ["0.99", 5]
          ]
        )
      })
    )

    it.effect("attribute values become strings; empty values dropped; the last of a duplicated name wins", () =>
      Effect.gen(function* () {
        yield* push(
          encodeMetrics({
            resourceMetrics: [
              {
                resource: { attributes: attributes({ [rig!]: "from-resource", "dup.name": "first" }) },
                scopeMetrics: [
                  {
                    metrics: [
                      {
                        name: "test.types",
                        gauge: {
                          dataPoints: [
                            {
                              timeUnixNano: nanos(t0),
                              asDouble: 1,
                              attributes: attributes({
                                [rig!]: "from-point",
                                dup_name: "second",
                                [role!]: "",
                                int: { int: "-9007199254740993" },
                                double: 0.1,
                                bool: true,
                                bytes: { bytes: Buffer.from("hi").toString("base64") },
                                array: [{ int: "1" }, "a", 1e21],
                                kv: { kv: { inner: "x" } }
                              })
                            }
                          ]
                        }
                      }
                    ]
                  }
                ]
              }
            ]
          })
        )
        const series = yield* one("test_types")
        assert.deepStrictEqual(series.labels, {
          __name__: "test_types",
          [Naming.promCompatibleLabel(rig!)]: "from-point",
          dup_name: "second",
          int: "-9007199254740993",
          double: "0.1",
          bool: "true",
          bytes: "aGk=",
          array: '[1,"a",1e+21]',
          kv_inner: "x"
        })
      })
    )

    it.effect("a point's labels do not depend on where its attribute fields lie, but on its resource", () =>
      Effect.gen(function* () {
        const a = attributes({ [rig!]: "mol" })
        const b = attributes({ [role!]: "mol/polecats/jana" })
        // Protobuf merges a message sent in parts: these two parts make one point whose two
        // attributes are split by its timestamp (the official encoder writes them together).
        const split = (value: number, ms: number) =>
          Buffer.concat([
            encodeMetricsMessage("NumberDataPoint", { attributes: a, timeUnixNano: nanos(ms) }),
            encodeMetricsMessage("NumberDataPoint", { attributes: b, asInt: String(value) })
          ])
        // The layers around a raw point, each an official encoding with one field appended.
        const field = (n: number, payload: Uint8Array) => {
          const length: Array<number> = []
          for (let v = payload.length; ; v >>>= 7) {
            length.push(v < 0x80 ? v : (v & 0x7f) | 0x80)
            if (v < 0x80) break
          }
          return Buffer.concat([Uint8Array.of((n << 3) | 2), Uint8Array.from(length), payload])
        }
        const requestWith = (host: string, point: Uint8Array) => {
          const sum = Buffer.concat([
            encodeMetricsMessage("Sum", { aggregationTemporality: CUMULATIVE, isMonotonic: true }),
            field(1, point)
          ])
          const metric = Buffer.concat([encodeMetricsMessage("Metric", { name: counter.name }), field(7, sum)])
          const scopeMetrics = field(
            2,
            Buffer.concat([encodeMetricsMessage("ScopeMetrics", { scope }), field(2, metric)])
          )
          const resourceMetrics = Buffer.concat([
            encodeMetricsMessage("ResourceMetrics", {
              resource: { attributes: attributes({ ...resource, [Resource.keys.hostName]: host }) }
            }),
            scopeMetrics
          ])
          return field(1, resourceMetrics)
        }
        const contiguous = (value: number, ms: number) =>
          encodeMetricsMessage("NumberDataPoint", {
            attributes: [...a, ...b],
            timeUnixNano: nanos(ms),
            asInt: String(value)
          })
        yield* push(requestWith("split", split(1, t0 + 100)))
        yield* push(requestWith("split", contiguous(2, t0 + 200)))
        // The same point bytes again, under another resource, then split again.
        yield* push(requestWith("other", contiguous(3, t0 + 300)))
        yield* push(requestWith("split", split(4, t0 + 400)))
        const series = (yield* selectByName(Naming.promCompatible(counter.name))).filter((s) =>
          ["split", "other"].includes(s.labels[Naming.promCompatibleLabel(Resource.keys.hostName)]!)
        )
        const expected = (host: string) => ({
          ...resourceLabels,
          ...scopeLabels,
          __name__: Naming.promCompatible(counter.name),
          [Naming.promCompatibleLabel(Resource.keys.hostName)]: host,
          [Naming.promCompatibleLabel(rig!)]: "mol",
          [Naming.promCompatibleLabel(role!)]: "mol/polecats/jana"
        })
        assert.sameDeepMembers(series, [
          { labels: expected("split"), timestamps: [t0 + 100, t0 + 200, t0 + 400], values: [1, 2, 4] },
          { labels: expected("other"), timestamps: [t0 + 300], values: [3] }
        ])
      })
    )

    it.effect("a scope without a name or version reads unknown; scope attributes become labels", () =>
      Effect.gen(function* () {
        yield* push(
          request([{ name: "test.scoped", gauge: { dataPoints: [{ timeUnixNano: nanos(t0), asDouble: 1 }] } }], {
            scope: { attributes: attributes({ "lib.flavour": "x" }) }
          })
        )
        assert.deepInclude((yield* one("test_scoped")).labels, {
          scope_name: "unknown",
          scope_version: "unknown",
          scope_attributes_lib_flavour: "x"
        })
      })
    )

    it.effect("one sample per millisecond: the bigger value, a number over a staleness NaN", () =>
      Effect.gen(function* () {
        const body = (ms: number, value: number, flags = 0) =>
          request([
            { name: "test.dedup", gauge: { dataPoints: [{ timeUnixNano: nanos(ms), asDouble: value, flags }] } }
          ])
        yield* push(body(t0, 5))
        yield* push(body(t0, 3))
        yield* push(body(t0 + 1, 1, 1))
        yield* push(body(t0 + 2, 2, 1))
        yield* push(body(t0 + 2, 4))
        yield* push(body(t0 - 1, 7))
        const series = yield* one("test_dedup")
        assert.deepStrictEqual(series.timestamps, [t0 - 1, t0, t0 + 1, t0 + 2])
        assert.deepStrictEqual(series.values.slice(0, 2), [7, 5])
        assert.isNaN(series.values[2]!, "a point flagged as having no recorded value is a staleness marker")
        assert.strictEqual(series.values[3], 4)
      })
    )

    it.effect("samples outside the retention window are left out", () =>
      Effect.gen(function* () {
        const old = Date.now() - 31 * 86_400_000
        const future = Date.now() + 3 * 86_400_000
        yield* push(
          request([
            {
              name: "test.window",
              gauge: {
                dataPoints: [old, t0, future].map((ms) => ({ timeUnixNano: nanos(ms), asDouble: 1 }))
              }
            }
          ])
        )
        assert.deepStrictEqual((yield* one("test_window")).timestamps, [t0])
      })
    )

    it.effect("matchers select series as PromQL does; label listings", () =>
      Effect.gen(function* () {
        const { store, receiver } = yield* Receiver.TestReceiver
        const name = Naming.promCompatible(histogram.name) + "_bucket"
        const select = (matchers: Parameters<typeof store.metrics.select>[0]) =>
          store.metrics
            .select(matchers, 0, Date.now())
            .map((s) => s.labels.le)
            .toSorted()
        assert.deepStrictEqual(
          select([
            { name: "__name__", op: "=", value: name },
            { name: "le", op: "=~", value: "0\\.005|\\+Inf" }
          ]),
          ["+Inf", "0.005"]
        )
        assert.deepStrictEqual(
          select([
            { name: "__name__", op: "=", value: name },
            { name: "le", op: "!~", value: "[0-9.]+" }
          ]),
          ["+Inf"]
        )
        assert.strictEqual(
          select([
            { name: "__name__", op: "=", value: name },
            { name: "absent", op: "=", value: "" }
          ]).length,
          5
        )
        assert.strictEqual(
          select([
            { name: "__name__", op: "=", value: name },
            { name: "absent", op: "!=", value: "" }
          ]).length,
          0
        )
        assert.deepStrictEqual(store.metrics.select([{ name: "__name__", op: "=", value: name }], 0, t0 - 1), [])
        const values = yield* Receiver.get(receiver.metricsUrl + "/api/v1/label/le/values")
        assert.deepStrictEqual(JSON.parse(values.body), {
          status: "success",
          data: ["+Inf", "0.0000001", "0.005", "1000", "1000000000000000000000", "2.5"]
        })
        const names = JSON.parse((yield* Receiver.get(receiver.metricsUrl + "/api/v1/labels")).body) as {
          data: Array<string>
        }
        assert.includeMembers(names.data, ["__name__", "le", "quantile", "vmrange", "scope_name"])
      })
    )
  })
})
