// `gt flush` sends what an earlier command spooled while the backend was down, once.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

describe("gt flush", () => {
  it.live("sends the spool left by a command that met a down backend, exactly once", () =>
    Effect.gen(function* () {
      const { env } = yield* Cli.sandbox
      const first = yield* CaptureServer.start()
      const variables = { ...env, ...Cli.telemetryAt("gt", first.url), GT_RIG: "mol" }
      yield* CaptureServer.stop(first)
      const nudged = yield* Cli.run("gt", ["nudge", "mol/witness"], variables)
      assert.strictEqual(nudged.code, 0, nudged.stderr)

      const server = yield* CaptureServer.start(Number(new URL(first.url).port))
      // With no time to send at exit, only an explicit flush sends anything.
      const noTime = { ...variables, GT_OTEL_FLUSH_TIMEOUT_MS: "0" }
      yield* Cli.run("gt", ["nudge", "mol/mayor"], noTime)
      assert.deepStrictEqual(Received.logs(server), [], "nothing sent at exit without time to send")
      const flushed = yield* Cli.run("gt", ["flush"], noTime)
      assert.strictEqual(flushed.code, 0, flushed.stderr)
      yield* Cli.run("gt", ["flush"], variables)
      const nudges = Received.logs(server).filter((l) => l.body === "nudge")
      assert.deepStrictEqual(nudges.map((l) => l.attributes["target"]).toSorted(), ["mol/mayor", "mol/witness"])
      assert.strictEqual(nudges[0]!.attributes["gt.rig"], "mol")
    })
  )
})
