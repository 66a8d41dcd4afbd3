// gastown-otel export's refusals: no data to export, a target that is not a URL.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as path from "node:path"
import * as Receiver from "../support/Receiver.ts"
import * as RunCli from "../support/RunCli.ts"

describe("gastown-otel export", () => {
  it.effect("a data directory without receiver data: says so, exit 1, nothing created", () =>
    Effect.gen(function* () {
      const dataDir = path.join(yield* Receiver.tempDir, "none")
      const ran = yield* RunCli.run(["export", "--data-dir", dataDir, "--to", "http://127.0.0.1:8428"])
      assert.isTrue(Exit.isFailure(ran.exit))
      assert.deepStrictEqual(ran.stderr, [`gastown-otel: no receiver data in ${dataDir}`])
      const { existsSync } = yield* Effect.promise(() => import("node:fs"))
      assert.isFalse(existsSync(dataDir))
    }).pipe(Effect.scoped)
  )

  it.effect("a target that is not a URL, a tenant that is not accountID:projectID: refused before anything runs", () =>
    Effect.gen(function* () {
      for (const args of [
        ["--to", "vminsert:8480"],
        ["--to", "http://127.0.0.1:8428", "--logs-tenant", "12"]
      ]) {
        const ran = yield* RunCli.run(["export", ...args])
        assert.isTrue(Exit.isFailure(ran.exit), args.join(" "))
        assert.match([...ran.stdout, ...ran.stderr].join("\n"), /is not (a URL|accountID:projectID)/)
      }
    })
  )
})
