// The recorder runs compiled plans, keeps series tables per labels object and log records as
// columns; whatever it does, it must give exactly what the straightforward derivation
// (`Derive.metricUpdates`, `Derive.logRecord`) gives, for every event the schemas generate.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Derive } from "@gastown-otel/schema"
import { Arbitrary, Schema } from "effect"
import { decodeLogs, typeOf, valueOf } from "@gastown-otel/testkit/OtlpDecode"
import type { KeyValue } from "../src/OtlpData.ts"
import { logsRequest } from "../src/internal/otlp/Encode.ts"
import * as Recorder from "../src/internal/Recorder.ts"

// Text that exercises redaction, cutting and well-formedness, beside the schema's own strings.
const Text = Arbitrary.all([
  Arbitrary.schema(Schema.String),
  Arbitrary.schema(
    Schema.Literals([
      "",
      "list --json --token=abc123",
      "Authorization: Bearer abcdefghijklmnop",
      "git clone https://user:hunter2@example.com/x.git",
      '{"api_key": "sk-ant-abcdefghijklmnopqrstu"}',
      "é",
      "😀",
      "\ud800",
      "password"
    ])
  ),
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3_000 })))
]).pipe(Arbitrary.map(([text, piece, repeat]) => `${text}${piece.repeat(repeat % 7 === 0 ? repeat : 1)}`))

// A valid event whose non-empty free-text fields may be replaced by the text above.
const EventOf = (entry: Catalogue.Entry) =>
  Arbitrary.all([Arbitrary.schema(entry.schema), Arbitrary.array(Text, { minLength: 8, maxLength: 8 })]).pipe(
    Arbitrary.map(([sample, texts]) => {
      const event: Record<string, unknown> = { ...(sample as object) }
      entry.fields.forEach((field, i) => {
        const ast = (entry.schema.fields as Schema.Struct.Fields)[field.name]!.ast
        const value = event[field.name]
        if (ast._tag === "String" && typeof value === "string" && texts[i]!.length > 0) event[field.name] = texts[i]
      })
      return event as Catalogue.Event
    })
  )

const LabelsArbitrary = Arbitrary.all([
  Arbitrary.schema(Correlation.Labels),
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 300 })))
]).pipe(
  // Sometimes a value past the label byte limit, so it is cut.
  Arbitrary.map(([labels, n]) =>
    n > 250 && labels["gt.rig"] !== undefined ? { ...labels, "gt.rig": labels["gt.rig"].repeat(n) } : labels
  )
)

const OptionsArbitrary = Arbitrary.schema(
  Schema.Struct({
    includeContent: Schema.optionalKey(Schema.Boolean),
    contentLimitBytes: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3_000 })))
  })
)

// The OTLP attribute a derived attribute becomes, written out independently of the recorder.
const expectedKeyValue = (a: Derive.Attribute): KeyValue => ({
  key: a.key,
  value:
    a.type === "int"
      ? { int: a.value as number }
      : a.type === "double"
        ? { double: a.value as number }
        : a.type === "boolean"
          ? { bool: a.value as boolean }
          : { string: a.value as string }
})

const seriesKey = (u: Derive.MetricUpdate) => `${u.metric.name}\u0000${u.labelValues.join("\u0000")}`

describe("Recorder", () => {
  for (const entry of Catalogue.entries) {
    it.prop(
      `${entry.spec.name}: the compiled plan agrees with Derive, recorded once and again under equal labels`,
      [EventOf(entry), LabelsArbitrary, OptionsArbitrary],
      ([event, labels, options]) => {
        const recorder = Recorder.make({ derive: options })
        const time = 1_764_000_000_123.456
        const spanEvent = recorder.record(event, labels, undefined, time, true)
        // A second labels object with the same values: the series tables are shared.
        recorder.record(event, { ...labels }, undefined, time, false)
        const { logs, series } = recorder.drain()

        const derived = Derive.logRecord(event, labels, options)
        assert.strictEqual(logs.length, 2)
        for (const log of logs) {
          assert.strictEqual(log.body, derived.body)
          assert.strictEqual(log.severityText, derived.severity)
          assert.strictEqual(log.severityNumber, Derive.severityNumber[derived.severity])
          assert.strictEqual(log.timeUnixNano, BigInt(Math.round(time * 1e6)))
          assert.deepStrictEqual(log.attributes, derived.attributes.map(expectedKeyValue))
        }
        // As a span event: the first log record itself, named after the event, and as a plain object for
        // spans other than ours.
        assert.strictEqual(spanEvent, logs[0])
        assert.strictEqual(spanEvent!.name, derived.body)
        assert.deepStrictEqual(
          spanEvent!.toAttributes(),
          Object.fromEntries(derived.attributes.map((a) => [a.key, a.value]))
        )
        // The encoder writes buffered records' attributes from their values: the same on the wire.
        const wire = decodeLogs(logsRequest([{ resource: [], scope: { name: "test", version: "0" }, records: logs }]))
        for (const decoded of wire.resourceLogs[0]!.scopeLogs[0]!.logRecords) {
          assert.deepStrictEqual(
            decoded.attributes.map((kv) => [kv.key, typeOf(kv.value), valueOf(kv.value)]),
            derived.attributes.map((a) => [a.key, a.type === "boolean" ? "bool" : a.type, a.value])
          )
        }

        const updates = Derive.metricUpdates(event, labels)
        assert.deepStrictEqual(series.map((s) => s.key).toSorted(), updates.map(seriesKey).toSorted())
        for (const u of updates) {
          const s = series.find((x) => x.key === seriesKey(u))!
          assert.deepStrictEqual(
            s.attributes,
            u.metric.labelKeys.flatMap((key, i) => {
              const value = u.labelValues[i]
              return value === undefined ? [] : [{ key, value: { string: value } }]
            })
          )
          switch (u.metric.kind) {
            case "counter":
              assert.strictEqual(s.value, 2 * u.value)
              break
            case "gauge":
              assert.strictEqual(s.value, u.value)
              break
            case "histogram": {
              assert.include(s, { count: 2, sum: 2 * u.value, min: u.value, max: u.value })
              const bounds = u.metric.boundaries ?? []
              const bucket = bounds.findIndex((b) => u.value <= b)
              assert.strictEqual(s.buckets[bucket < 0 ? bounds.length : bucket], 2)
            }
          }
        }
      },
      { arbitrary: { runs: 40 } }
    )
  }

  it("the log buffer keeps the newest records, says when it is half full and counts what it dropped", () => {
    let pressure = 0
    const recorder = Recorder.make({ limits: { maxLogRecords: 4, maxSeries: 100 }, onPressure: () => pressure++ })
    for (let i = 0; i < 10; i++) {
      recorder.record({ _tag: "nudge", target: `t${i}`, status: "ok" }, {}, undefined, i, false)
    }
    assert.strictEqual(pressure, 1)
    const { logs } = recorder.drain()
    assert.deepStrictEqual(
      logs.map((l) => [l.body, l.attributes.find((a) => a.key === "target" || a.key === "count")!.value]),
      [
        ["nudge", { string: "t6" }],
        ["nudge", { string: "t7" }],
        ["nudge", { string: "t8" }],
        ["nudge", { string: "t9" }],
        ["telemetry.dropped", { int: 6 }]
      ]
    )
    // Drained: the buffer starts over, and the drop is not reported twice.
    recorder.record({ _tag: "nudge", target: "again", status: "ok" }, {}, undefined, 11, false)
    assert.deepStrictEqual(
      recorder.drain().logs.map((l) => l.body),
      ["nudge"]
    )
  })

  it("past the series limit an event's metrics are refused and counted, every time", () => {
    const recorder = Recorder.make({ limits: { maxLogRecords: 100, maxSeries: 1 } })
    const call = { _tag: "bd.call", subcommand: "list", args: "", duration_ms: 1, status: "ok" } as const
    recorder.record(call, {}, undefined, 0, false)
    recorder.record(call, {}, undefined, 0, false)
    assert.strictEqual(recorder.dropped().get("series_limit"), 2, "the histogram's series, twice")
    const { series } = recorder.drain()
    assert.deepStrictEqual(
      series.map((s) => [s.metric.kind, s.value]),
      [["counter", 2]]
    )
  })
})
