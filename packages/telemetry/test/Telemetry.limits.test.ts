// Bad input and hostile values (docs/contract.md#bad-input): a typed error in strict mode, counted and
// dropped otherwise, never a crash; what is exported respects the backends' limits.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Telemetry } from "@gastown-otel/telemetry"
import { Arbitrary, Effect, Schema } from "effect"
import { logsRequest } from "../src/internal/otlp/Encode.ts"
import * as Limits from "../src/internal/Limits.ts"
import { attributesOf, decodeLogs } from "@gastown-otel/testkit/OtlpDecode"

const scope = { name: "test", version: "0" }

// Hostile text: huge, control characters, separators, quotes, newlines, lone surrogates.
const HostileText = Arbitrary.all([
  Arbitrary.schema(Schema.String),
  Arbitrary.schema(Schema.Literals(["", ",", "=", '"', "\n", "\u0000", "\u001b[31m", "\ud800", "😀", "é", "%", " "])),
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 200_000 })))
]).pipe(Arbitrary.map(([text, piece, repeat]) => `${text}${piece.repeat(repeat)}x`))

// A valid event of any kind whose every string field is hostile.
const HostileEvent = Arbitrary.all([
  Arbitrary.schema(Schema.Literals(Catalogue.entries.map((e) => e.spec.name))),
  Arbitrary.array(HostileText, { minLength: 8, maxLength: 8 })
]).pipe(
  Arbitrary.map(([name, texts]) => {
    const entry = Catalogue.byName.get(name)!
    const [sample] = Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: 1, seed: name }))
    const event: Record<string, unknown> = { ...(sample as object) }
    let i = 0
    for (const field of entry.fields) {
      if (
        field.type === "string" &&
        typeof event[field.name] === "string" &&
        (event[field.name] as string).length > 0
      ) {
        const ast = (entry.schema.fields as Schema.Struct.Fields)[field.name]!.ast
        if (ast._tag === "String") event[field.name] = texts[i++ % texts.length]
      }
    }
    return event as Catalogue.Event
  })
)

describe("hostile values", () => {
  it.effect.prop(
    "any event with hostile strings: recorded, and its log record is within VictoriaLogs' limits",
    [HostileEvent, HostileText],
    ([event, rig]) =>
      Effect.gen(function* () {
        yield* Telemetry.emit(event)
        const { logs, metrics } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
        const record = logs.find((l) => l.body === event._tag)!
        const bytes = logsRequest([{ resource: [], scope, records: [record] }])
        assert.isBelow(bytes.byteLength, 64 * 1024, "a record stays small whatever the input")
        const decoded = decodeLogs(bytes).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
        assert.isAtMost(decoded.attributes.length, Limits.victoriaLogs.maxFields)
        for (const kv of decoded.attributes) {
          assert.isAtMost(Buffer.byteLength(kv.key!), Limits.victoriaLogs.maxFieldNameBytes)
          const value = kv.value?.stringValue
          if (value !== undefined) assert.isTrue(value.isWellFormed(), `${kv.key} is valid UTF-8`)
        }
        assert.isAtMost(Buffer.byteLength(String(attributesOf(decoded.attributes)["gt.rig"])), 256 + 3)
        for (const metric of metrics) {
          for (const point of metric.points) {
            for (const kv of point.attributes) {
              const value = "string" in kv.value ? kv.value.string : ""
              assert.isAtMost(Buffer.byteLength(value), 256 + 3, `${metric.name} ${kv.key}`)
            }
          }
        }
      }).pipe(Effect.provide(Telemetry.layerMemory({ labels: { "gt.rig": rig } }))),
    { timeout: 60_000, arbitrary: { runs: 60 } }
  )

  it.effect.prop(
    "junk that is no event: never a failure when lenient, counted as invalid",
    [Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean, Schema.Null]))],
    ([junk]) =>
      Effect.gen(function* () {
        yield* Telemetry.emit(junk as unknown as Catalogue.Event)
        yield* Telemetry.emit({ ...junk, _tag: "bd.call" } as unknown as Catalogue.Event)
        const { dropped, events } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
        // Random fields never make a valid bd.call (it needs a non-empty subcommand, a
        // duration and an outcome of the right types): both are refused and counted.
        assert.strictEqual(events.length, 0)
        assert.strictEqual(dropped.get("invalid_event"), 2)
      }).pipe(Effect.provide(Telemetry.layerMemory({ strict: false })))
  )

  it.effect("an open label past its cap folds into other, and the fold is counted", () =>
    Effect.gen(function* () {
      const cap = Catalogue.metrics.find((m) => m.event === "bd.call")!.labelMaxValues.find((n) => n !== undefined)!
      for (let i = 0; i < cap + 10; i++) {
        yield* Telemetry.emit({ _tag: "bd.call", subcommand: `cmd-${i}`, args: "", duration_ms: 1, status: "ok" })
      }
      const { metrics, dropped } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      const calls = metrics.find((m) => m.name === Catalogue.metrics.find((x) => x.event === "bd.call")!.name)!
      const subcommands = new Set(calls.points.map((p) => attributesOfModel(p.attributes)["subcommand"]))
      assert.strictEqual(subcommands.size, cap + 1)
      assert.isTrue(subcommands.has("other"))
      assert.strictEqual(dropped.get("label_folded"), 10)
      const own = metrics.find((m) => m.name === Catalogue.metrics.find((x) => x.emitter === "telemetry")!.name)!
      assert.deepStrictEqual(
        own.points.map((p) => [attributesOfModel(p.attributes)["reason"], "value" in p ? p.value : -1]),
        [["label_folded", 10]]
      )
    }).pipe(Effect.provide(Telemetry.layerMemory()))
  )

  it("resource attributes from the environment: long keys and too many are left out, values cut and redacted", () => {
    const many = Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"] as const)
    const { kept, dropped } = Limits.resource([
      ["k".repeat(129), "x"],
      ["deploy.token", "abc123"],
      ["deploy.note", "see token=abc123"],
      ["long", "é".repeat(1000)],
      ...many
    ])
    assert.strictEqual(kept.length, Limits.maxResourceAttributes)
    assert.strictEqual(dropped[0], "k".repeat(129))
    assert.strictEqual(kept[0]![1], "[REDACTED]")
    assert.strictEqual(kept[1]![1], "see token=[REDACTED]")
    assert.isAtMost(Buffer.byteLength(kept[2]![1]), Limits.maxResourceValueBytes + 3)
  })
})

const attributesOfModel = (kvs: ReadonlyArray<{ readonly key: string; readonly value: object }>) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.values(kv.value)[0]]))
