// A short-lived program for the exit tests: emits one bd.call through layerConfig("gt")
// (argv[3] is its id, in the record's args and in the name of the span around the run) and
// then ends as argv[2] says: ok, fail (typed failure), throw (defect), or wait (until
// a signal). CHECK_SOCKETS=1 reports on stderr whether it ever opened a connection.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import * as net from "node:net"

let connections = 0
if (process.env["CHECK_SOCKETS"] === "1") {
  const connect = net.Socket.prototype.connect
  net.Socket.prototype.connect = function (this: net.Socket, ...args: Array<unknown>) {
    connections++
    return (connect as (...a: Array<unknown>) => net.Socket).apply(this, args)
  } as typeof connect
  process.on("exit", () => process.stderr.write(`connections=${connections}\n`))
}

const mode = process.argv[2] ?? "ok"
// Tells the runs apart in what the server received.
const id = process.argv[3] ?? "0"

const program = Effect.gen(function* () {
  yield* Telemetry.emit({ _tag: "bd.call", subcommand: "list", args: `list --id ${id}`, duration_ms: 5, status: "ok" })
  if (mode === "fail") return yield* Effect.fail(new Error("typed failure"))
  if (mode === "throw") throw new Error("defect")
  if (mode === "wait") {
    process.stdout.write("ready\n")
    return yield* Effect.never
  }
}).pipe(Labels.withSpan(`emit-one ${id}`))

NodeRuntime.runMain(program.pipe(Effect.provide(Telemetry.layerConfig("gt", { version: "0.0.0-test" }))))
