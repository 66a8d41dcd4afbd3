/**
 * Moving what a receiver holds to a real VictoriaMetrics and VictoriaLogs, for the day one
 * machine is not enough. Samples are read from the source's `/api/v1/export` and pushed, as
 * the same JSON lines, to the target's `/api/v1/import` in batches; log records are read from
 * the source's `/select/logsql/query` an hour at a time and pushed to the target's
 * `/insert/jsonline` as VictoriaLogs documents (every field but `_stream` and `_stream_id`),
 * one request per set of stream fields, named by `_stream_fields` (`_msg_field` and
 * `_time_field` name the message and time), so the target derives the same streams.
 *
 * Targets are base URLs the API paths are appended to: `http://host:8428` for a single-node
 * VictoriaMetrics, `http://vminsert:8480/insert/<accountID>/prometheus` for a cluster's
 * vminsert; `http://host:9428` or a vlinsert for logs, the tenant of a VictoriaLogs cluster
 * in the `AccountID` / `ProjectID` headers.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { type HttpClient, HttpClientRequest } from "effect/http"
import type { CliFailure } from "../cli/internal/Failure.ts"
import * as Remote from "../cli/internal/Remote.ts"
import { parseStream } from "../logsql/internal/compile.ts"
import { path as exportPath } from "./VmExport.ts"

/**
 * Where to read: the metrics and logs sides of a receiver (base URLs).
 *
 * @since 0.1.0
 * @category models
 */
export interface Source {
  readonly metrics: string
  readonly logs: string
}

/**
 * A VictoriaLogs cluster's tenant.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tenant {
  readonly accountId: number
  readonly projectId: number
}

/**
 * Where to write (base URLs); no `logs`: the records stay.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly metrics: string
  readonly logs?: string | undefined
  readonly logsTenant?: Tenant | undefined
}

/**
 * What to move and how.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly source: Source
  readonly target: Target
  /** Unix milliseconds, both ends included. */
  readonly range: { readonly startMs: number; readonly endMs: number }
  /** A request's body stops growing past this many bytes (default 4 MiB). */
  readonly batchBytes?: number | undefined
}

/**
 * What was moved.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly series: number
  readonly samples: number
  readonly metricRequests: number
  readonly records: number
  readonly logRequests: number
}

/**
 * The paths appended to the target's base URLs.
 *
 * @since 0.1.0
 * @category constants
 */
export const paths = { import: "/api/v1/import", jsonline: "/insert/jsonline" } as const

/**
 * Samples per export line: long series are split, as VictoriaMetrics' `max_rows_per_line`
 * splits them, so no line grows past what `/api/v1/import` reads.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRowsPerLine = 10_000

const defaultBatchBytes = 4 * 1024 * 1024
const windowMs = 3_600_000

// Fields VictoriaLogs derives itself from the stream fields: never sent.
const derived = new Set(["_stream", "_stream_id"])

/**
 * One record as a VictoriaLogs JSON line document, and its stream field names (sorted, comma
 * separated: the `_stream_fields` parameter of its request).
 *
 * @since 0.1.0
 * @category exporting
 */
export const document = (
  fields: Readonly<Record<string, string>>
): { readonly streamFields: string; readonly line: string } => {
  const stream = parseStream(fields["_stream"] ?? "{}") ?? new Map<string, string>()
  const own = Object.fromEntries(Object.entries(fields).filter(([name]) => !derived.has(name)))
  return { streamFields: [...stream.keys()].toSorted().join(","), line: JSON.stringify(own) }
}

// A growing request body: lines and their byte count.
interface Batch {
  lines: Array<string>
  bytes: number
}

const emptyBatch = (): Batch => ({ lines: [], bytes: 0 })

const post = (url: string, batch: Batch, headers: Record<string, string>) =>
  Remote.send(
    HttpClientRequest.post(url).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.bodyText(batch.lines.join("\n") + "\n", "application/stream+json")
    )
  )

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Moves the samples and records of the range.
 *
 * @since 0.1.0
 * @category exporting
 */
export const run = Effect.fn("Export.run")(function* (
  options: Options
): Effect.fn.Return<Summary, CliFailure, HttpClient.HttpClient> {
  const limit = options.batchBytes ?? defaultBatchBytes
  const { range, source, target } = options

  // Samples: the export lines as they come, counted, in batches.
  const series = new Set<string>()
  let samples = 0
  let metricRequests = 0
  let batch = emptyBatch()
  const importUrl = target.metrics + paths.import
  const flushSamples = Effect.suspend(() => {
    if (batch.lines.length === 0) return Effect.void
    const full = batch
    batch = emptyBatch()
    metricRequests++
    return Effect.asVoid(post(importUrl, full, {}))
  })
  yield* Remote.lines(
    HttpClientRequest.get(source.metrics + exportPath).pipe(
      HttpClientRequest.setUrlParams({
        "match[]": '{__name__=~".+"}',
        start: String(range.startMs / 1000),
        end: String(range.endMs / 1000),
        max_rows_per_line: String(maxRowsPerLine)
      })
    )
  ).pipe(
    Stream.runForEach((line) => {
      const parsed = JSON.parse(line) as { readonly metric?: unknown; readonly values?: ReadonlyArray<unknown> }
      series.add(JSON.stringify(parsed.metric))
      samples += parsed.values?.length ?? 0
      batch.lines.push(line)
      batch.bytes += line.length + 1
      return batch.bytes >= limit ? flushSamples : Effect.void
    })
  )
  yield* flushSamples

  if (target.logs === undefined) {
    return { series: series.size, samples, metricRequests, records: 0, logRequests: 0 }
  }

  // Records: an hour at a time, one batch per set of stream fields.
  const jsonlineUrl = target.logs + paths.jsonline
  const headers =
    target.logsTenant === undefined
      ? {}
      : { AccountID: String(target.logsTenant.accountId), ProjectID: String(target.logsTenant.projectId) }
  const groups = new Map<string, Batch>()
  let records = 0
  let logRequests = 0
  const flushGroup = (streamFields: string) =>
    Effect.suspend(() => {
      const group = groups.get(streamFields)
      if (group === undefined || group.lines.length === 0) return Effect.void
      groups.delete(streamFields)
      logRequests++
      const url = new URL(jsonlineUrl)
      if (streamFields !== "") url.searchParams.set("_stream_fields", streamFields)
      url.searchParams.set("_msg_field", "_msg")
      url.searchParams.set("_time_field", "_time")
      return Effect.asVoid(post(url.href, group, headers))
    })
  // The query's end is exclusive: the last window ends a millisecond after the range.
  for (let start = range.startMs; start <= range.endMs; start += windowMs) {
    const end = Math.min(start + windowMs, range.endMs + 1)
    yield* Remote.lines(
      HttpClientRequest.get(source.logs + "/select/logsql/query").pipe(
        HttpClientRequest.setUrlParams({ query: "*", start: iso(start), end: iso(end) })
      )
    ).pipe(
      Stream.runForEach((line) => {
        const { line: doc, streamFields } = document(JSON.parse(line) as Record<string, string>)
        records++
        let group = groups.get(streamFields)
        if (group === undefined) groups.set(streamFields, (group = emptyBatch()))
        group.lines.push(doc)
        group.bytes += doc.length + 1
        return group.bytes >= limit ? flushGroup(streamFields) : Effect.void
      })
    )
  }
  for (const streamFields of groups.keys()) yield* flushGroup(streamFields)
  return { series: series.size, samples, metricRequests, records, logRequests }
})
