import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Process from "../src/Process.ts"
import * as TempDir from "../src/TempDir.ts"

describe("TempDir", () => {
  it.effect("is removed with everything in it when its scope closes", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.scoped(
        Effect.gen(function* () {
          const dir = yield* TempDir.make()
          fs.mkdirSync(path.join(dir, "nested"))
          fs.writeFileSync(path.join(dir, "nested", "file"), "x")
          assert.isTrue(fs.existsSync(path.join(dir, "nested", "file")))
          return dir
        })
      )
      assert.isFalse(fs.existsSync(dir))
    })
  )
})

describe("Process", () => {
  it.live("leaves the runner's telemetry variables out of a child's environment", () =>
    Effect.gen(function* () {
      const env = Process.environment({ GT_RIG: "mine" })
      const leaked = Object.keys(env).filter((k) => /^(?:GT_|BD_|OTEL_)/.test(k))
      assert.deepStrictEqual(leaked, ["GT_RIG"])
      const ran = yield* Process.run("sh", ["-c", 'echo "$GT_RIG"; echo err >&2; exit 3'], { env })
      assert.deepInclude(ran, { code: 3, stdout: "mine\n", stderr: "err\n" })
    })
  )

  it.live("sends a signal once the program says the word, and kills a program that overruns", () =>
    Effect.gen(function* () {
      const signalled = yield* Process.run("sh", ["-c", "echo ready; exec sleep 5"], {
        env: Process.environment(),
        signalOn: { text: "ready", signal: "SIGTERM" }
      })
      assert.strictEqual(signalled.signal, "SIGTERM")
      const killed = yield* Process.run("sleep", ["5"], { env: Process.environment(), timeoutMs: 100 })
      assert.strictEqual(killed.signal, "SIGKILL")
    })
  )
})
