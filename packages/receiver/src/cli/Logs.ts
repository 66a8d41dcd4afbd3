/**
 * `gastown-otel logs 'LOGSQL'`: asks the logs side (the receiver, or a real VictoriaLogs)
 * through `/select/logsql/query`. Records print one a line, oldest first: time, severity,
 * message, the gt.* labels, then the other fields by name (coloured by severity on a
 * terminal that renders colour); rows without a time and message (a `stats` or `fields`
 * pipe's) print as a table. `--limit N` keeps the N newest (default 100, 0 for all); `--json`
 * prints the server's JSON lines. A refused query prints the server's message and exits 1.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag, TerminalCapabilities } from "effect/cli"
import { HttpClientRequest } from "effect/http"
import { parseRfc3339 } from "../logsql/internal/time.ts"
import { fail } from "./internal/Failure.ts"
import * as Format from "./internal/Format.ts"
import * as Options from "./internal/Options.ts"
import * as Remote from "./internal/Remote.ts"

/**
 * One answer row: every field a string, as VictoriaLogs returns them.
 *
 * @since 0.1.0
 * @category models
 */
export type Row = Readonly<Record<string, string>>

/**
 * Reads one JSON line of a LogsQL answer.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseRow = (line: string): Row | undefined => {
  try {
    const value = JSON.parse(line) as unknown
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]))
      : undefined
  } catch {
    return undefined
  }
}

const timeOf = (row: Row) => parseRfc3339(row["_time"] ?? "") ?? 0n

/**
 * The lines an answer prints: records oldest first, or a table.
 *
 * @since 0.1.0
 * @category formatting
 */
export const lines = (rows: ReadonlyArray<Row>, colour: boolean): Array<string> => {
  if (rows.length === 0) return ["(no records)"]
  if (!rows.every(Format.isRecord)) return Format.rowsTable(rows)
  const ordered = rows.toSorted((a, b) => {
    const d = timeOf(a) - timeOf(b)
    return d < 0n ? -1 : d > 0n ? 1 : 0
  })
  const messageWidth = Math.max(...ordered.map((r) => (r["_msg"] ?? "").length))
  return ordered.map((r) => Format.recordLine(r, { messageWidth, colour }))
}

/**
 * The default `--limit`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLimit = 100

/**
 * The `logs` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "logs",
  {
    logsql: Argument.String("logsql").pipe(Argument.withDescription("A LogsQL query, e.g. 'bd.call status:error'")),
    limit: Flag.Int("limit").pipe(
      Flag.withDescription(`The newest N records (0: all; default ${defaultLimit})`),
      Flag.withDefault(defaultLimit)
    ),
    json: Options.json,
    logsUrl: Options.logsUrl,
    logsTenant: Options.logsTenant
  },
  Effect.fnUntraced(function* (input) {
    if (input.limit < 0) return yield* fail(`--limit: ${input.limit} is negative`)
    const request = HttpClientRequest.get(`${input.logsUrl}/select/logsql/query`).pipe(
      HttpClientRequest.setHeaders(Options.tenantHeaders(input.logsTenant)),
      HttpClientRequest.setUrlParams({
        query: input.logsql,
        ...(input.limit > 0 ? { limit: String(input.limit) } : {})
      })
    )
    const body = yield* Remote.text(request)
    const raw = body.split("\n").filter((line) => line.trim() !== "")
    if (input.json) {
      for (const line of raw) yield* Console.log(line)
      return
    }
    const { canColor } = yield* TerminalCapabilities.TerminalCapabilities
    const rows = raw.flatMap((line): Array<Row> => {
      const row = parseRow(line)
      return row === undefined ? [] : [row]
    })
    for (const line of lines(rows, canColor)) yield* Console.log(line)
  })
).pipe(
  Command.withDescription(
    "Run a LogsQL query against the logs side: records one a line (time, severity, message, gt.* labels, fields), or a table of stats rows"
  ),
  Command.withShortDescription("Run a LogsQL query: records, or a table of stats rows")
)
