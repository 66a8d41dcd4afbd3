// The emit path on its own: whatever the sink does, the host's fiber is not failed.
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import * as Emit from "../src/internal/Emit.ts"

const throwing = (drops: Array<string>): Emit.Sink => ({
  record: () => {
    throw new Error("the SDK broke")
  },
  drop: (reason) => void drops.push(reason)
})

const event = { _tag: "nudge", target: "x", status: "ok" } as const

describe("Emit.make", () => {
  it.effect("a sink that throws: counted and dropped when lenient", () =>
    Effect.gen(function* () {
      const drops: Array<string> = []
      yield* Emit.make(throwing(drops), { strict: false })(event)
      assert.deepStrictEqual(drops, ["record_failed"])
    })
  )

  it.effect("a sink that throws: a defect when strict", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Emit.make(throwing([]), { strict: true })(event))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Cause.squash((exit as Exit.Failure<void, never>).cause)), "the SDK broke")
    })
  )
})
