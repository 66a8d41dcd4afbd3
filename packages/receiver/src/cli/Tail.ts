/**
 * `gastown-otel tail [LOGSQL]`: follows the logs side live through `/select/logsql/tail`
 * (the receiver's, or a real VictoriaLogs'), printing each record as it arrives as `logs`
 * prints records: ERROR red and WARN yellow on a terminal that renders colour, the gt.*
 * labels in front. The filter defaults to every record; `--json` prints the JSON lines. It
 * runs until interrupted (SIGINT: the request is closed and the exit code is 130) or until
 * the server ends the tail (exit 1).
 *
 * @since 0.1.0
 */
import { Console, Effect, Stream } from "effect"
import { Argument, Command, TerminalCapabilities } from "effect/cli"
import { HttpClientRequest } from "effect/http"
import { fail } from "./internal/Failure.ts"
import * as Format from "./internal/Format.ts"
import * as Options from "./internal/Options.ts"
import * as Remote from "./internal/Remote.ts"
import { parseRow } from "./Logs.ts"

/**
 * Records' messages are padded to this width, so fields line up while the widths are unknown.
 *
 * @since 0.1.0
 * @category constants
 */
export const messageWidth = 20

/**
 * The `tail` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "tail",
  {
    logsql: Argument.String("logsql").pipe(
      Argument.withDescription("A LogsQL filter (default: every record)"),
      Argument.withDefault("*")
    ),
    json: Options.json,
    logsUrl: Options.logsUrl,
    logsTenant: Options.logsTenant
  },
  Effect.fnUntraced(function* (input) {
    const { canColor } = yield* TerminalCapabilities.TerminalCapabilities
    const url = `${input.logsUrl}/select/logsql/tail`
    const request = HttpClientRequest.get(url).pipe(
      HttpClientRequest.setHeaders(Options.tenantHeaders(input.logsTenant)),
      HttpClientRequest.setUrlParams({ query: input.logsql })
    )
    yield* Remote.lines(request).pipe(
      Stream.runForEach((line) => {
        if (input.json) return Console.log(line)
        const row = parseRow(line)
        return row === undefined
          ? Console.log(line)
          : Console.log(Format.recordLine(row, { messageWidth, colour: canColor }))
      })
    )
    return yield* fail(`the tail at ${url} ended: the server closed it`)
  })
).pipe(
  Command.withDescription(
    "Follow the logs side live (VictoriaLogs' live tail): records as they arrive, coloured by severity on a terminal"
  ),
  Command.withShortDescription("Follow the logs live, coloured by severity")
)
