// The store under contention and damage, through the real bd: the lock serializes
// writers across processes, a dead holder's lock is broken, a held one is retried and
// then reported, and a damaged file is reported and left alone.
import { CaptureServer, Cli, Received, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { attributesOf } from "@gastown-otel/testkit/OtlpDecode"
import * as Bd from "./support/Bd.ts"

const lockOf = (dir: string) => join(dir, "beads.json.lock")

describe("the store", () => {
  it.live(
    "concurrent writers lose nothing: 8 processes, 8 issues with distinct ids",
    () =>
      Effect.gen(function* () {
        const dir = yield* TempDir.make("bd-test-")
        const titles = Array.from({ length: 8 }, (_, i) => `Task ${i + 1}`)
        const runs = yield* Effect.forEach(titles, (title) => Bd.run(dir, ["create", title]), {
          concurrency: "unbounded"
        })
        assert.deepStrictEqual(
          runs.map((r) => r.code),
          titles.map(() => 0)
        )
        const issues = JSON.parse((yield* Bd.run(dir, ["list", "--json"])).stdout) as Array<{
          id: string
          title: string
        }>
        assert.deepStrictEqual(issues.map((i) => i.title).toSorted(), titles.toSorted())
        assert.deepStrictEqual(issues.map((i) => i.id).toSorted(), titles.map((_, i) => `bd-${i + 1}`).toSorted())
        assert.isFalse(existsSync(lockOf(dir)), "the lock is released")
      }),
    20_000
  )

  it.live(
    "a lock held by a live process: retried with backoff, then a clear error",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const dir = yield* TempDir.make("bd-test-")
        // A live holder: this process, keeping its lock fresh.
        yield* Cli.holdLock(join(dir, "beads.json"))
        const result = yield* Bd.run(dir, ["create", "Blocked"], {
          ...Bd.telemetryTo(server.url),
          BD_LOCK_TIMEOUT: "50 millis"
        })
        assert.strictEqual(result.code, 1)
        assert.include(result.stderr, `the store is locked by another bd (${lockOf(dir)})`)
        assert.isTrue(existsSync(lockOf(dir)), "another process's lock is left alone")

        // Three attempts: two retries, three waits for the exclusive lock, one error.
        assert.deepStrictEqual(
          Received.recordsOf(server, "bd.db.retry").map((r) => attributesOf(r.attributes).attempt),
          [1, 2]
        )
        const [retries] = Received.pointsOf(server, Received.metricName("bd.db.retry", "counter"))
        assert.strictEqual(Received.valueOf(retries!), 2)
        const [waits] = Received.pointsOf(server, Received.metricName("bd.db.lock_wait", "histogram"))
        assert.deepStrictEqual(attributesOf(waits!.attributes), { exclusive: "true" })
        assert.strictEqual(Received.valueOf(waits!), 3)
        // Three waits of the 50 ms lock timeout; Node's timers may fire up to 1 ms before
        // the high-resolution clock the wait is measured with says 50 ms have passed.
        assert.isAtLeast("sum" in waits! ? waits.sum! : 0, 3 * (50 - 1))
        const [error] = Received.recordsOf(server, "bd.storage.error")
        assert.deepInclude(attributesOf(error!.attributes), { db_operation: "create", error_kind: "locked" })
      }),
    20_000
  )

  it.live(
    "a lock left by a process that died is broken",
    () =>
      Effect.gen(function* () {
        const dir = yield* TempDir.make("bd-test-")
        // What a holder killed ten seconds ago leaves: a lock nobody has refreshed since.
        mkdirSync(lockOf(dir))
        const tenSecondsAgo = new Date(Date.now() - 10_000)
        utimesSync(lockOf(dir), tenSecondsAgo, tenSecondsAgo)
        const result = yield* Bd.run(dir, ["create", "After a crash"])
        assert.strictEqual(result.code, 0, result.stderr)
        assert.isFalse(existsSync(lockOf(dir)))
      }),
    20_000
  )

  it.live(
    "a damaged store is reported as corrupt and left as it was",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const dir = yield* TempDir.make("bd-test-")
        const file = join(dir, "beads.json")
        writeFileSync(file, "{ not json")
        const result = yield* Bd.run(dir, ["create", "Anything"], Bd.telemetryTo(server.url))
        assert.strictEqual(result.code, 1)
        assert.include(result.stderr, "is not a bd store")
        assert.strictEqual(readFileSync(file, "utf8"), "{ not json")
        const [error] = Received.recordsOf(server, "bd.storage.error")
        assert.deepInclude(attributesOf(error!.attributes), { db_operation: "create", error_kind: "corrupt" })
      }),
    20_000
  )
})
