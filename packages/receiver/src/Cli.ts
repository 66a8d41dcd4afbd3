/**
 * The `gastown-otel` command line: `serve` (the receiver) and the commands that talk to a
 * running one over HTTP (`query`, `logs`, `tail`, `check`, `export`). They speak the
 * standard APIs, so `--url` / `--logs-url` may point at a real VictoriaMetrics and
 * VictoriaLogs too. A failing command prints one line, `gastown-otel: <why>`, and exits 1.
 *
 * @since 0.1.0
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect, Layer } from "effect"
import { Command } from "effect/cli"
import { FetchHttpClient } from "effect/http"
import * as Check from "./cli/Check.ts"
import { CliFailure } from "./cli/internal/Failure.ts"
import * as Export from "./cli/Export.ts"
import * as Logs from "./cli/Logs.ts"
import * as Query from "./cli/Query.ts"
import * as Tail from "./cli/Tail.ts"
import * as Serve from "./Serve.ts"

/**
 * The root command.
 *
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("gastown-otel").pipe(
  Command.withDescription(
    "gastown-otel: telemetry for Gas Town, received, stored, queried and checked on this machine"
  ),
  Command.withSubcommands([Serve.serve, Query.command, Logs.command, Tail.command, Check.command, Export.command])
)

/**
 * What the commands need from the platform: Node's services and an HTTP client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.mergeAll(NodeServices.layer, FetchHttpClient.layer)

// A CliFailure is printed as one line, here; the runtime does not log it again.
const printFailure = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.tapError(self, (error) =>
    error instanceof CliFailure ? Console.error(`gastown-otel: ${error.message}`) : Effect.void
  )

/**
 * Runs the command line on `args` (without the executable and script), printing a failure
 * as one line on stderr.
 *
 * @since 0.1.0
 * @category running
 */
export const runWith = (args: ReadonlyArray<string>) =>
  Command.runWith(root, { version: Serve.version })(args).pipe(printFailure)

/**
 * Runs the command line on the process arguments.
 *
 * @since 0.1.0
 * @category running
 */
export const main = root.pipe(Command.run({ version: Serve.version }), printFailure)
