// Telemetry never changes gt's exit code, and a dead or hanging backend costs at most the
// flush budget at exit.
import { CaptureServer, Cli, Ports } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

// A success, a usage error and a failed bd call (whose bd reports to the same backend).
const commands = [
  { args: ["nudge", "mol/witness"], code: 0 },
  { args: ["done", "--exit", "BOGUS"], code: 1 },
  { args: ["sling", "bd-99", "mol/polecats/jana"], code: 1 }
]

describe("gt exit codes", () => {
  it.live(
    "are the same with telemetry off, on, and with its backend down",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* Cli.sandbox
        const server = yield* CaptureServer.start()
        const configs = {
          off: {},
          on: Cli.telemetryAt("gt", server.url),
          down: Cli.telemetryAt("gt", yield* Ports.closedUrl)
        }
        const runs = Object.entries(configs).flatMap(([config, telemetry]) =>
          commands.map(({ args }) =>
            Cli.run("gt", args, { ...sandbox.env, ...telemetry }).pipe(
              Effect.map((ran) => ({ config, command: args.join(" "), code: ran.code }))
            )
          )
        )
        const results = yield* Effect.all(runs, { concurrency: 3 })
        for (const { args, code } of commands) {
          const command = args.join(" ")
          const codes = Object.fromEntries(results.filter((r) => r.command === command).map((r) => [r.config, r.code]))
          assert.deepStrictEqual(codes, { off: code, on: code, down: code }, command)
        }
        assert.isNotEmpty(server.requests, "the 'on' runs did report")
      }),
    30_000
  )

  it.live(
    "with the backend down or hanging, gt still exits within its flush budget",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* Cli.sandbox
        const hanging = yield* CaptureServer.start()
        hanging.setReply(() => ({ fault: "hang" }))
        const nudge = (telemetry: Record<string, string>) =>
          Cli.run("gt", ["nudge", "mol/witness"], { ...sandbox.env, ...telemetry })
        const off = yield* nudge({})
        const down = yield* nudge(Cli.telemetryAt("gt", yield* Ports.closedUrl))
        const hang = yield* nudge(Cli.telemetryAt("gt", hanging.url))
        for (const ran of [off, down, hang]) assert.strictEqual(ran.code, 0, ran.stderr)
        const timings = `off ${off.ms} ms, down ${down.ms} ms, hang ${hang.ms} ms`
        // Start-up time varies with the machine's load, so only what telemetry adds is bounded:
        // the 200 ms budget plus slack, well under the 2 s the Go CLI may wait.
        assert.isBelow(Math.max(down.ms, hang.ms) - off.ms, 1_000, timings)
      }),
    20_000
  )
})
