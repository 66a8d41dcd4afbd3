/**
 * `gastown-otel check [--since 1h]`: what arrived in the range, held against the catalogue
 * (see `check/Check.ts` for the rules). It reads through the standard APIs, series labels
 * from `/api/v1/series` and records from `/select/logsql/query`, so it checks a real
 * VictoriaMetrics and VictoriaLogs as well as the receiver, and runs the check here. It
 * prints what was checked, the findings, and the coverage line
 * (`coverage: events 24/24 (100%), metrics 27/27 (100%)`); `--json` prints the report.
 * Findings make the exit code 1.
 *
 * @since 0.1.0
 */
import { Clock, Console, Effect, Schema, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpClientRequest } from "effect/http"
import * as Check from "../check/Check.ts"
import * as CheckRoute from "../check/Route.ts"
import type { LogRow, LogSource } from "../logs/LogRow.ts"
import { parseRfc3339 } from "../logsql/internal/time.ts"
import type { Labels } from "../metrics/Series.ts"
import { fail } from "./internal/Failure.ts"
import * as Format from "./internal/Format.ts"
import * as Options from "./internal/Options.ts"
import * as Remote from "./internal/Remote.ts"
import { parseRow } from "./Logs.ts"

const SeriesAnswer = Schema.Struct({
  status: Schema.Literal("success"),
  data: Schema.Array(Schema.Record(Schema.String, Schema.String))
})

// Every series name there is: the Prometheus API wants a selector.
const everySeries = '{__name__=~".+"}'

const seriesIn = (url: string, range: Check.Range) =>
  Remote.text(
    HttpClientRequest.get(`${url}/api/v1/series`).pipe(
      HttpClientRequest.setUrlParams({
        "match[]": everySeries,
        start: String(range.startMs / 1000),
        end: String(range.endMs / 1000)
      })
    )
  ).pipe(
    Effect.flatMap((body) =>
      Effect.try({
        try: (): ReadonlyArray<Labels> => Schema.decodeUnknownSync(SeriesAnswer)(JSON.parse(body)).data,
        catch: () => fail(`unexpected answer from ${url}/api/v1/series: ${body.slice(0, 200)}`)
      })
    )
  )

// Every record of the range, newest first as a LogSource gives them. The end is exclusive
// in LogsQL's API, so it is the millisecond after the range.
const recordsIn = (logsUrl: string, headers: Record<string, string>, range: Check.Range) =>
  Remote.lines(
    HttpClientRequest.get(`${logsUrl}/select/logsql/query`).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.setUrlParams({
        query: "*",
        start: new Date(range.startMs).toISOString(),
        end: new Date(range.endMs + 1).toISOString()
      })
    )
  ).pipe(
    Stream.runFold(
      (): Array<LogRow> => [],
      (rows, line) => {
        const fields = parseRow(line)
        const timeNs = fields === undefined ? undefined : parseRfc3339(fields["_time"] ?? "")
        if (fields !== undefined && timeNs !== undefined) rows.push({ timeNs, fields })
        return rows
      }
    ),
    Effect.map((rows) => rows.toSorted((a, b) => (a.timeNs > b.timeNs ? -1 : a.timeNs < b.timeNs ? 1 : 0)))
  )

/**
 * Sources over what was fetched.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sources = (series: ReadonlyArray<Labels>, rows: ReadonlyArray<LogRow>): Check.Sources => {
  const scan: LogSource["scan"] = (range, visit) => {
    for (const row of rows) {
      if (row.timeNs < range.startNs || row.timeNs > range.endNs) continue
      if (!visit(row)) return
    }
  }
  return { metrics: { series: () => series }, logs: { scan } }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The lines a report prints.
 *
 * @since 0.1.0
 * @category formatting
 */
export const reportLines = (report: Check.Report): Array<string> => {
  const { checked, coverage, findings, range } = report
  const lines = [
    `checked ${plural(checked.series, "series", "series")} and ${plural(checked.records, "record")} of gt and bd from ${iso(range.startMs)} to ${iso(range.endMs)}`
  ]
  if (checked.skippedSeries + checked.skippedRecords > 0) {
    lines.push(
      `not checked: ${plural(checked.skippedSeries, "series", "series")} and ${plural(checked.skippedRecords, "record")} of other services`
    )
  }
  if (findings.length === 0) lines.push("no findings")
  else {
    lines.push(
      ...Format.table(
        ["finding", "count", "detail"],
        findings.map((f) => [f.kind, String(f.count), f.message]),
        new Set([1])
      )
    )
  }
  lines.push(Check.coverageLine(report))
  const missing = [...coverage.events.missing, ...coverage.metrics.missing]
  if (missing.length > 0) lines.push(`not seen: ${missing.join(", ")}`)
  return lines
}

/**
 * The `check` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "check",
  {
    since: Options.duration("since", "How far back to look, e.g. 1h, 24h, 7d (default 1h)").pipe(
      Flag.withDefault(CheckRoute.defaultSinceMs)
    ),
    json: Options.json,
    url: Options.url,
    logsUrl: Options.logsUrl,
    logsTenant: Options.logsTenant
  },
  Effect.fnUntraced(function* (input) {
    const endMs = yield* Clock.currentTimeMillis
    const range = { startMs: endMs - input.since, endMs }
    const [series, rows] = yield* Effect.all(
      [seriesIn(input.url, range), recordsIn(input.logsUrl, Options.tenantHeaders(input.logsTenant), range)],
      {
        concurrency: 2
      }
    )
    const report = Check.run(sources(series, rows), range)
    if (input.json) yield* Console.log(JSON.stringify(report))
    else for (const line of reportLines(report)) yield* Console.log(line)
    if (report.findings.length > 0) return yield* fail(plural(report.findings.length, "finding"))
  })
).pipe(
  Command.withDescription(
    "Check what arrived against the catalogue: unknown names, missing or mistyped attributes, values outside their literals, histogram boundaries, coverage; exit 1 on findings"
  ),
  Command.withShortDescription("Check what arrived against the catalogue; exit 1 on findings")
)
