/**
 * `gastown-otel serve`: the local stand-in for VictoriaMetrics and VictoriaLogs. Stores what
 * gt, bd and Claude Code send under the data directory and serves until SIGINT or SIGTERM,
 * which close the servers and the database (its WAL checkpointed) before exiting.
 *
 * The data directory defaults to `$XDG_DATA_HOME/gastown-otel/receiver`, else
 * `~/.local/share/gastown-otel/receiver`.
 *
 * @since 0.1.0
 */
import { Endpoints } from "@gastown-otel/schema"
import { Config, Console, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as os from "node:os"
import * as path from "node:path"
import { fail } from "./cli/internal/Failure.ts"
import * as GastownRoutes from "./GastownRoutes.ts"
import * as PageRoutes from "./PageRoutes.ts"
import * as QueryRoutes from "./QueryRoutes.ts"
import * as Server from "./Server.ts"
import * as Store from "./Store.ts"

/**
 * The receiver's version.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * The default data directory, from `XDG_DATA_HOME` or the home directory.
 *
 * @since 0.1.0
 * @category configuration
 */
export const defaultDataDir: Config.Config<string> = Config.option(Config.String("XDG_DATA_HOME")).pipe(
  Config.map((xdg) =>
    path.join(
      Option.getOrElse(
        Option.filter(xdg, (dir) => path.isAbsolute(dir)),
        () => path.join(os.homedir(), ".local", "share")
      ),
      "gastown-otel",
      "receiver"
    )
  )
)

/**
 * The line printed once both ports listen: tests and scripts wait for it.
 *
 * @since 0.1.0
 * @category formatting
 */
export const readyLine = (receiver: Server.Receiver["Service"], dataDir: string): string =>
  `gastown-otel receiver: metrics ${receiver.metricsUrl}, logs ${receiver.logsUrl}, data ${dataDir}`

/**
 * What `serve` mounts beside the ingest routes: the query APIs, and the page with its JSON
 * routes on the metrics port, where the LogsQL API is answered too so the page reads it from
 * its own origin.
 *
 * @since 0.1.0
 * @category running
 */
export const routes: Server.Routes = {
  metrics: [
    ...(QueryRoutes.routes.metrics ?? []),
    ...(QueryRoutes.routes.logs ?? []),
    ...(PageRoutes.routes.metrics ?? []),
    ...(GastownRoutes.routes.metrics ?? [])
  ],
  logs: QueryRoutes.routes.logs
}

/**
 * Runs the receiver until interrupted; `routes` are mounted beside the ingest routes.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (options: Server.Options & Store.Options, mounted: Server.Routes = routes) =>
  Effect.gen(function* () {
    const receiver = yield* Server.Receiver
    yield* Console.log(readyLine(receiver, options.dataDir))
    return yield* Effect.never
  }).pipe(Effect.provide(Server.layer(options, mounted).pipe(Layer.provide(Store.layer(options)))))

const port = (name: string, fallback: number, what: string) =>
  Flag.Int(name).pipe(Flag.withDescription(`${what} port (0: any free port)`), Flag.withDefault(fallback))

/**
 * The `serve` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const serve = Command.make(
  "serve",
  {
    dataDir: Flag.String("data-dir").pipe(
      Flag.withDescription("Where data is kept (default: $XDG_DATA_HOME/gastown-otel/receiver)"),
      Flag.optional
    ),
    metricsPort: port("metrics-port", Endpoints.ports.metrics, "VictoriaMetrics (OTLP metrics, PromQL)"),
    logsPort: port("logs-port", Endpoints.ports.logs, "VictoriaLogs (OTLP logs, LogsQL)"),
    host: Flag.String("host").pipe(Flag.withDescription("Address to bind"), Flag.withDefault("127.0.0.1")),
    retentionDays: Flag.Int("retention-days").pipe(
      Flag.withDescription("Days of data kept, as the stack's -retentionPeriod"),
      Flag.withDefault(30)
    )
  },
  Effect.fnUntraced(function* (input) {
    const dataDir = Option.isSome(input.dataDir) ? path.resolve(input.dataDir.value) : yield* defaultDataDir
    return yield* run({
      dataDir,
      host: input.host,
      metricsPort: input.metricsPort,
      logsPort: input.logsPort,
      retention: `${input.retentionDays} days`
    }).pipe(
      Effect.catchTags({
        ServeError: (error) => Effect.fail(fail(listenFailure(error.cause))),
        OpenError: (error) => Effect.fail(fail(error.message))
      })
    )
  })
).pipe(
  Command.withDescription("Receive, store and serve gt/bd telemetry: a local VictoriaMetrics and VictoriaLogs"),
  Command.withShortDescription(
    "Receive and store telemetry, answer PromQL and LogsQL (a local VictoriaMetrics/VictoriaLogs)"
  )
)

const reasons: Record<string, string> = {
  EADDRINUSE: "address already in use",
  EACCES: "permission denied",
  EADDRNOTAVAIL: "address not available"
}

/**
 * Why a port could not be bound, in one line: `cannot listen on 127.0.0.1:9428: address
 * already in use`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const listenFailure = (cause: unknown): string => {
  const { address, code, message, port } = (cause ?? {}) as {
    readonly address?: unknown
    readonly code?: unknown
    readonly message?: unknown
    readonly port?: unknown
  }
  const where = typeof address === "string" ? `${address}${port === undefined ? "" : `:${String(port)}`}` : "the port"
  const why =
    (typeof code === "string" ? reasons[code] : undefined) ?? (typeof message === "string" ? message : String(cause))
  return `cannot listen on ${where}: ${why}`
}
