// Telemetry never changes what bd does: the same exit codes with telemetry off, on, and
// with the backend down, and no wait at exit for a backend that is not there.
import { CaptureServer, Cli, Ports, Received, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { join } from "node:path"
import { attributesOf } from "@gastown-otel/testkit/OtlpDecode"
import * as Bd from "./support/Bd.ts"

const commands = [
  { args: ["create", "Fix the login bug"], code: 0 },
  { args: ["show", "bd-999"], code: 1 },
  { args: ["update", "bd-1"], code: 1 } // a usage error: --status is missing
]

describe("exit codes", () => {
  it.live(
    "are the same with telemetry off, on, and with the backend down",
    () =>
      Effect.gen(function* () {
        const up = yield* CaptureServer.start()
        const modes = {
          off: {},
          on: Bd.telemetryTo(up.url),
          down: Bd.telemetryTo(yield* Ports.closedUrl)
        }
        const results = yield* Effect.forEach(
          Object.entries(modes),
          ([mode, env]) =>
            TempDir.make("bd-test-").pipe(
              Effect.flatMap((dir) => Effect.forEach(commands, ({ args }) => Bd.run(dir, args, env))),
              Effect.map((runs) => [mode, runs] as const)
            ),
          { concurrency: "unbounded" }
        )
        for (const [mode, runs] of results) {
          assert.deepStrictEqual(
            runs.map((r) => r.code),
            commands.map((c) => c.code),
            mode
          )
          assert.include(runs[1]!.stderr, "issue bd-999 not found", mode)
          const said = runs.map((run) => run.stderr.split("\n").filter((line) => line.startsWith("gastown-otel:")))
          if (mode === "down") {
            // The first command to meet the dead backend says so, one line per endpoint; the
            // next ones do not repeat it.
            assert.strictEqual(said[0]!.length, 2, runs[0]!.stderr)
            for (const line of said[0]!) assert.include(line, "kept in the spool, sent by a later command")
            assert.deepStrictEqual(said.slice(1), [[], []])
          } else {
            for (const run of runs) assert.notInclude(run.stderr, "telemetry", mode)
          }
        }
        assert.isAbove(up.requests.length, 0, "telemetry was on")
        // What a dead backend adds to the exit, against the same commands with telemetry off (run
        // at the same time, so a busy machine slows both alike): nothing noticeable. (A backend
        // that hangs costs at most the flush budget; the telemetry package's fault tests show it.)
        const total = (mode: string) => results.find(([m]) => m === mode)![1].reduce((ms, r) => ms + r.ms, 0)
        assert.isBelow(total("down") - total("off"), 1_000, "a refused connection costs nothing noticeable")
        for (const run of results.find(([m]) => m === "down")![1]) assert.isBelow(run.ms, 5_000)
      }),
    30_000
  )

  it.live(
    "SIGTERM ends a command waiting for the lock, and what it recorded is still sent",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const dir = yield* TempDir.make("bd-test-")
        yield* Cli.holdLock(join(dir, "beads.json"))
        const result = yield* Bd.run(
          dir,
          ["create", "Never written"],
          { ...Bd.telemetryTo(server.url), BD_LOCK_TIMEOUT: "10 seconds" },
          { terminateOn: "waiting for" }
        )
        assert.strictEqual(result.code, 130, result.stderr)
        assert.isBelow(result.ms, 5_000, "the wait was cut short")
        const [command] = Received.recordsOf(server, "bd.command")
        assert.deepInclude(attributesOf(command!.attributes), { status: "error", error: "interrupted" })
        const [wait] = Received.recordsOf(server, "bd.db.lock_wait")
        assert.isAtLeast(attributesOf(wait!.attributes).wait_ms as number, 500)
      }),
    20_000
  )
})
