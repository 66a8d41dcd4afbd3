import { assert, describe, it } from "@effect/vitest"
import { Outcome, Telemetry } from "@gastown-otel/telemetry"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

describe("Outcome", () => {
  it.effect("measured: the duration and the outcome of success, failure and interruption", () =>
    Effect.gen(function* () {
      const seen: Array<Outcome.Measured> = []
      const record = Outcome.measured((outcome: Outcome.Measured) => Effect.sync(() => void seen.push(outcome)))
      yield* Effect.sleep("40 millis").pipe(
        record,
        Effect.forkChild,
        Effect.tap(() => TestClock.adjust("40 millis")),
        Effect.flatMap(Fiber.join)
      )
      yield* Effect.exit(Effect.fail(new Error("boom")).pipe(record))
      const fiber = yield* Effect.forkChild(Effect.never.pipe(record))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(seen, [
        { duration_ms: 40, status: "ok" },
        { duration_ms: 0, status: "error", error: "boom" },
        { duration_ms: 0, status: "error", error: "interrupted" }
      ])
    })
  )

  it.effect("reported: emits the event with the outcome, and leaves the result alone", () =>
    Effect.gen(function* () {
      const value = yield* Effect.succeed(7).pipe(
        Outcome.reported(() => ({ _tag: "nudge", target: "x", status: "ok" }) as const)
      )
      yield* Effect.exit(
        Effect.fail("no").pipe(Outcome.reported((outcome) => ({ _tag: "nudge", target: "y", ...outcome })))
      )
      const { events } = yield* Telemetry.TelemetryMemory.use((m) => m.recorded)
      assert.strictEqual(value, 7)
      assert.deepStrictEqual(events, [
        { _tag: "nudge", target: "x", status: "ok" },
        { _tag: "nudge", target: "y", status: "error", error: "no" }
      ])
    }).pipe(Effect.provide(Telemetry.layerMemory()))
  )
})
