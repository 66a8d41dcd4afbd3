import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { Effect, Fiber } from "effect"
import * as Strict from "./support/Strict.ts"

const bdCall = (status: "ok" | "error", duration_ms: number): Catalogue.Event => ({
  _tag: "bd.call",
  subcommand: "list",
  args: "list --json",
  duration_ms,
  status
})

const attributes = (kvs: ReadonlyArray<{ key: string; value: unknown }>) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.values(kv.value as object)[0]]))

describe("Telemetry.layerMemory", () => {
  it.effect("counts, observes and logs every event with the layer's labels", () =>
    Effect.gen(function* () {
      yield* Telemetry.emit(bdCall("ok", 3))
      yield* Telemetry.emit(bdCall("ok", 700))
      yield* Telemetry.emit(bdCall("error", 12))
      const { metrics, logs, events } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      assert.strictEqual(events.length, 3)
      const calls = metrics.find((m) => m.name === "gastown_bd_calls_total")!
      assert.strictEqual(calls.kind, "sum")
      const byStatus = Object.fromEntries(
        calls.points.map((p) => [attributes(p.attributes)["status"], "value" in p ? p.value : undefined])
      )
      assert.deepStrictEqual(byStatus, { ok: 2, error: 1 })
      assert.deepStrictEqual(attributes(calls.points[0]!.attributes), {
        "gt.rig": "mol",
        "gt.role": "mol/witness",
        subcommand: "list",
        status: "ok"
      })
      const duration = metrics.find((m) => m.name === "gastown_bd_duration_ms")!
      assert.strictEqual(duration.kind, "histogram")
      const ok = duration.points.find((p) => attributes(p.attributes)["status"] === "ok")!
      assert.include(ok, { count: 2, sum: 703, min: 3, max: 700 })
      assert.deepStrictEqual(
        logs.map((l) => [l.body, l.severityText]),
        [
          ["bd.call", "INFO"],
          ["bd.call", "INFO"],
          ["bd.call", "ERROR"]
        ]
      )
      assert.strictEqual(attributes(logs[0]!.attributes)["gt.run_id"], "run-1")
    }).pipe(
      Effect.provide(
        Telemetry.layerMemory({ labels: { "gt.rig": "mol", "gt.role": "mol/witness", "gt.run_id": "run-1" } })
      )
    )
  )

  it.effect("withLabels narrows a region, innermost wins, forked fibers included", () =>
    Effect.gen(function* () {
      const nudge = (target: string) => Telemetry.emit({ _tag: "nudge", target, status: "ok" })
      yield* nudge("outer")
      yield* Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(nudge("forked"))
        yield* Fiber.join(fiber)
        yield* nudge("inner").pipe(Labels.withLabels({ "gt.agent": "max" }))
      }).pipe(Labels.withLabels({ "gt.agent": "jana", "gt.rig": "zed" }))
      const { logs } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      const seen = logs.map((l) => {
        const a = attributes(l.attributes)
        return [a["target"], a["gt.rig"], a["gt.agent"]]
      })
      assert.deepStrictEqual(seen, [
        ["outer", "mol", undefined],
        ["forked", "zed", "jana"],
        ["inner", "zed", "max"]
      ])
    }).pipe(Effect.provide(Telemetry.layerMemory({ labels: { "gt.rig": "mol" } })))
  )

  it.effect("log records carry the current span's trace and span ids; the span gets the event", () =>
    Effect.gen(function* () {
      const span = yield* Effect.gen(function* () {
        yield* Telemetry.emit({ _tag: "sling", bead: "gt-1", target: "jana", status: "ok" })
        return yield* Effect.currentSpan
      }).pipe(Labels.withSpan("gt sling"))
      const { logs } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      assert.strictEqual(logs[0]!.traceId, span.traceId)
      assert.strictEqual(logs[0]!.spanId, span.spanId)
      assert.strictEqual(span.attributes.get("gt.rig"), "mol")
    }).pipe(Effect.provide(Telemetry.layerMemory({ labels: { "gt.rig": "mol" } })))
  )

  it.effect("strict: an invalid event is an InvalidEvent defect naming the field", () =>
    Effect.gen(function* () {
      yield* Strict.emitInvalid
    }).pipe(Effect.provide(Telemetry.layerMemory()))
  )

  it.effect("lenient: an invalid event is counted and dropped, never a failure", () =>
    Effect.gen(function* () {
      yield* Telemetry.emit({ _tag: "nope" } as unknown as Catalogue.Event)
      yield* Telemetry.emit({ _tag: "done", exit_type: "QUIT", status: "ok" } as unknown as Catalogue.Event)
      const { events, dropped } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      assert.strictEqual(events.length, 0)
      assert.strictEqual(dropped.get("invalid_event"), 2)
    }).pipe(Effect.provide(Telemetry.layerMemory({ strict: false })))
  )
})
