// What strict mode does with an event its schema refuses: a defect, typed, naming the field.
import { assert } from "@effect/vitest"
import { Telemetry, TelemetryError } from "@gastown-otel/telemetry"
import { Cause, Effect, Exit } from "effect"

// `keys_len` must be an integer.
export const emitInvalid = Effect.gen(function* () {
  const exit = yield* Effect.exit(
    Telemetry.emit({ _tag: "prompt.send", session: "s", keys_len: 1.5, debounce_ms: 0, status: "ok" })
  )
  assert.isTrue(Exit.isFailure(exit))
  const defect = Cause.squash((exit as Exit.Failure<unknown, unknown>).cause)
  assert.instanceOf(defect, TelemetryError.InvalidEvent)
  assert.include((defect as TelemetryError.InvalidEvent).message, "keys_len")
})
