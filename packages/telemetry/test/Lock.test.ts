// The lock between processes on its own.
import { TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { withLock } from "../src/internal/Lock.ts"

describe("withLock", () => {
  it.live("a holder releases only its own lock: a lock broken as stale and taken by another stays", () =>
    Effect.gen(function* () {
      const file = path.join(yield* TempDir.make(), "state.lock")
      yield* withLock(
        file,
        100,
        Effect.sync(() => {
          // Someone broke our lock as stale and took it: the file now holds their token.
          fs.writeFileSync(file, "999999 theirs")
        })
      )
      assert.strictEqual(fs.readFileSync(file, "utf8"), "999999 theirs")
    })
  )

  it.live("a lock left by a dead process is broken; one held by a live one is waited for, then given up", () =>
    Effect.gen(function* () {
      const dir = yield* TempDir.make()
      const dead = path.join(dir, "dead.lock")
      fs.writeFileSync(dead, "2147483646 gone")
      assert.strictEqual(yield* withLock(dead, 500, Effect.succeed("held")), "held")
      const live = path.join(dir, "live.lock")
      fs.writeFileSync(live, `${process.pid} mine`)
      assert.isUndefined(yield* withLock(live, 30, Effect.succeed("held")))
      assert.isTrue(fs.existsSync(live), "a live holder's lock is left alone")
    })
  )
})
