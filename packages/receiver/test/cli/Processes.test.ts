// The gastown-otel executable as users run it: its help, serve on a port that is taken, and
// tail following a real serve (colour only where asked for, a clean end on SIGINT).
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as net from "node:net"
import * as path from "node:path"
import * as Check from "../../src/cli/Check.ts"
import * as Export from "../../src/cli/Export.ts"
import * as Logs from "../../src/cli/Logs.ts"
import * as Query from "../../src/cli/Query.ts"
import * as Tail from "../../src/cli/Tail.ts"
import * as Serve from "../../src/Serve.ts"
import * as Server from "../../src/Server.ts"
import { attributes, encodeLogs, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"
import * as Running from "../support/Serve.ts"

const commands = [Serve.serve, Query.command, Logs.command, Tail.command, Check.command, Export.command]
const [, rig] = Correlation.definitions.map((d) => d.key)
const red = "\x1b[31m"

// A port this test holds, so nothing else can listen on it.
const heldPort = Effect.acquireRelease(
  Effect.callback<net.Server>((resume) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as net.AddressInfo).port))

describe("gastown-otel", () => {
  it.live("--help lists every command with a one-line description", () =>
    Effect.gen(function* () {
      const ran = yield* Running.cli(["--help"])
      assert.strictEqual(ran.code, 0, ran.stderr)
      const listed = ran.stdout.split("SUBCOMMANDS\n")[1]!.trimEnd().split("\n")
      assert.deepStrictEqual(
        listed.map((line) => line.trim().split(/\s+/)[0]),
        commands.map((c) => c.name)
      )
      for (const line of listed) assert.match(line, /^ {2}[a-z]+ {2,}\S.{10,}$/, line)
    })
  )

  it.live("serve on a port that is taken: one line saying so, exit 1", () =>
    Effect.gen(function* () {
      const port = yield* heldPort
      const dataDir = path.join(yield* Receiver.tempDir, "data")
      const ran = yield* Running.cli([
        "serve",
        "--data-dir",
        dataDir,
        "--metrics-port",
        "0",
        "--logs-port",
        String(port)
      ])
      assert.strictEqual(ran.code, 1)
      assert.strictEqual(ran.stdout, "")
      assert.strictEqual(ran.stderr, `gastown-otel: cannot listen on 127.0.0.1:${port}: address already in use\n`)
    }).pipe(Effect.scoped)
  )

  it.live(
    "tail follows a real serve: records as they come, ERROR red only when colour is asked for, a clean end on SIGINT",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const serve = yield* Running.start(dataDir)
        const [info, error] = Catalogue.entries
        // An INFO and an ERROR record stamped now.
        const post = Effect.suspend(() => {
          const at = Date.now()
          const body = encodeLogs({
            resourceLogs: [
              {
                resource: { attributes: attributes({ [Resource.keys.serviceName]: Resource.serviceNames.gt }) },
                scopeLogs: [
                  {
                    logRecords: [
                      { body: info!, severity: "INFO", at },
                      { body: error!, severity: "ERROR", at: at + 1 }
                    ].map((r) => ({
                      timeUnixNano: nanos(r.at),
                      severityText: r.severity,
                      body: { stringValue: r.body.spec.name },
                      attributes: attributes({ [rig!]: "mol" })
                    }))
                  }
                ]
              }
            ]
          })
          return Receiver.post(serve.logsUrl + Server.paths.logs[0], body)
        })

        // Records keep arriving while the tail runs; it is stopped as a person stops it, once
        // an ERROR record is shown.
        const follow = (env: Record<string, string>) =>
          Effect.race(
            Running.cli(["tail", "--logs-url", serve.logsUrl], env, {
              signalOn: { text: error!.spec.name, signal: "SIGINT" },
              timeoutMs: 30_000
            }),
            post.pipe(Effect.andThen(Effect.sleep(500)), Effect.forever)
          )
        // Whatever the test runner's own environment says about colour.
        const plain = yield* follow({ FORCE_COLOR: "", NO_COLOR: "" })
        const coloured = yield* follow({ FORCE_COLOR: "1", NO_COLOR: "" })
        for (const ran of [plain, coloured]) {
          assert.strictEqual(ran.code, 130, ran.stderr)
          assert.strictEqual(ran.stderr, "")
        }
        const lines = (ran: typeof plain) => ran.stdout.trimEnd().split("\n")
        const names = [info!.spec.name, error!.spec.name]
        assert.isFalse(plain.stdout.includes("\x1b["), "a pipe is no terminal: no colour")
        for (const ran of [plain, coloured]) {
          const shown = lines(ran).map((line) => names.find((n) => line.includes(` ${n} `)))
          assert.includeMembers(shown, names, ran.stdout)
          for (const line of lines(ran)) assert.include(line, `${rig}=mol`)
        }
        for (const line of lines(coloured)) {
          assert.strictEqual(line.startsWith(red), line.includes(` ${error!.spec.name} `), line)
        }
      }).pipe(Effect.scoped),
    60_000
  )
})
