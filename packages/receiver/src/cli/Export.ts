/**
 * `gastown-otel export --to http://host:8428 [--logs-to http://host:9428] [--since 30d]`:
 * pushes what the local receiver holds to a real VictoriaMetrics (and VictoriaLogs), see
 * `export/Export.ts`.
 *
 * How it reads the data directory: `serve` opens its database with SQLite's exclusive
 * locking (a second process cannot even read it), so export cannot read the file beside a
 * running `serve`. It tries the data directory first: when no `serve` holds it, export opens
 * it itself and serves it, for the length of the export, on free loopback ports; when a
 * `serve` holds it, export reads through that `serve`'s HTTP API at `--url` / `--logs-url`
 * (`/api/v1/export`, as VictoriaMetrics has it, and `/select/logsql/query`). Either way the
 * same code reads the same API.
 *
 * @since 0.1.0
 */
import { Clock, Console, Context, Duration, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Export from "../export/Export.ts"
import * as Db from "../internal/Db.ts"
import * as QueryRoutes from "../QueryRoutes.ts"
import { defaultDataDir } from "../Serve.ts"
import * as Server from "../Server.ts"
import * as Store from "../Store.ts"
import { fail } from "./internal/Failure.ts"
import * as Options from "./internal/Options.ts"

// Retention never deletes here: a store opened to be exported keeps all it has.
const keepEverything = Duration.days(100 * 365)

/**
 * The source of an export: the data directory itself, served on free loopback ports until
 * the scope ends, or, when a running `serve` holds it, that `serve` at `urls`.
 *
 * @since 0.1.0
 * @category sources
 */
export const openSource = Effect.fnUntraced(function* (dataDir: string, urls: Export.Source) {
  if (!fs.existsSync(path.join(dataDir, Db.fileName))) return yield* fail(`no receiver data in ${dataDir}`)
  const store = yield* Store.make({ dataDir, retention: keepEverything }).pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenError", (error) =>
      /database is locked/.test(error.detail) ? Effect.succeedNone : Effect.fail(fail(error.message))
    )
  )
  if (Option.isNone(store)) {
    yield* Console.error(
      `${dataDir} is held by a running gastown-otel serve: reading through it at ${urls.metrics} and ${urls.logs}`
    )
    return { source: urls, from: urls.metrics }
  }
  const context = yield* Layer.build(
    Server.layer({ host: "127.0.0.1", metricsPort: 0, logsPort: 0 }, QueryRoutes.routes).pipe(
      Layer.provide(Layer.succeed(Store.Store, store.value))
    )
  ).pipe(Effect.mapError((error) => fail(`cannot serve ${dataDir} for the export: ${String(error.cause)}`)))
  const { logsUrl, metricsUrl } = Context.get(context, Server.Receiver)
  return { source: { metrics: metricsUrl, logs: logsUrl }, from: dataDir }
})

/**
 * The default `--since`: the receiver's default retention.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSinceMs = 30 * 86_400_000

/**
 * The `export` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "export",
  {
    to: Options.baseUrl(
      "to",
      "VictoriaMetrics to push samples to: http://host:8428, or a vminsert's http://vminsert:8480/insert/<accountID>/prometheus"
    ),
    logsTo: Options.baseUrl(
      "logs-to",
      "VictoriaLogs (or a vlinsert) to push log records to, e.g. http://host:9428"
    ).pipe(Flag.optional),
    logsTenant: Options.tenant(
      "logs-tenant",
      "The VictoriaLogs cluster tenant to write to, accountID:projectID (sent as AccountID/ProjectID headers)"
    ),
    since: Options.duration("since", "How far back to export (default 30d)").pipe(Flag.withDefault(defaultSinceMs)),
    dataDir: Flag.String("data-dir").pipe(
      Flag.withDescription("The receiver's data directory (default: as serve's)"),
      Flag.optional
    ),
    url: Options.url,
    logsUrl: Options.logsUrl
  },
  Effect.fnUntraced(function* (input) {
    const dataDir = Option.isSome(input.dataDir) ? path.resolve(input.dataDir.value) : yield* defaultDataDir
    const endMs = yield* Clock.currentTimeMillis
    const { from, summary } = yield* Effect.scoped(
      Effect.gen(function* () {
        const opened = yield* openSource(dataDir, { metrics: input.url, logs: input.logsUrl })
        const summary = yield* Export.run({
          source: opened.source,
          target: {
            metrics: input.to,
            logs: Option.getOrUndefined(input.logsTo),
            logsTenant: Option.getOrUndefined(input.logsTenant)
          },
          range: { startMs: endMs - input.since, endMs }
        })
        return { from: opened.from, summary }
      })
    )
    yield* Console.log(
      `from ${from}: ${summary.samples} samples of ${summary.series} series to ${input.to}${Export.paths.import} in ${summary.metricRequests} requests`
    )
    if (Option.isSome(input.logsTo)) {
      yield* Console.log(
        `from ${from}: ${summary.records} log records to ${input.logsTo.value}${Export.paths.jsonline} in ${summary.logRequests} requests`
      )
    }
  })
).pipe(
  Command.withDescription(
    "Push what the local receiver holds to a real VictoriaMetrics (/api/v1/import) and VictoriaLogs (/insert/jsonline): for the day one machine is not enough"
  ),
  Command.withShortDescription("Push the local data to a real VictoriaMetrics/VictoriaLogs")
)
