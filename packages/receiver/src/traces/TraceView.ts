/**
 * Traces for the page's waterfall: the recent traces, each summed up by its root span and
 * narrowed by the rig/role/agent variables, and one trace's spans in tree order with the log
 * records that carry its trace id (each tied to its span by `span_id`).
 *
 * @since 0.1.0
 */
import { Resource } from "@gastown-otel/schema"
import type { LogSource } from "../logs/LogRow.ts"
import type * as Api from "../page/Api.ts"
import type { Span } from "../otlp/Traces.ts"
import type { SpanStore } from "./SpanStore.ts"

/**
 * A filter on correlation labels: per attribute key (`gt.rig`), an anchored test of its value
 * ("" when the span has none).
 *
 * @since 0.1.0
 * @category models
 */
export type LabelFilter = ReadonlyArray<{ readonly key: string; readonly test: (value: string) => boolean }>

/**
 * The field names VictoriaLogs gives a record's trace and span ids.
 *
 * @since 0.1.0
 * @category constants
 */
export const logFields = { traceId: "trace_id", spanId: "span_id" } as const

const ns = (s: string) => BigInt(s)

// The root: the span whose parent is not in the trace (a trace whose root is still running,
// or was lost, has several: the earliest stands for it).
const rootOf = (spans: ReadonlyArray<Span>): Span => {
  const ids = new Set(spans.map((s) => s.spanId))
  return spans.find((s) => !ids.has(s.parentSpanId)) ?? spans[0]!
}

const matches = (span: Span, filter: LabelFilter) => filter.every((f) => f.test(span.attributes[f.key] ?? ""))

/**
 * The summary of one trace's spans (at least one), its labels read from the root span under
 * `labelKeys` (variable name → attribute key).
 *
 * @since 0.1.0
 * @category traces
 */
export const summary = (spans: ReadonlyArray<Span>, labelKeys: Readonly<Record<string, string>>): Api.TraceSummary => {
  const root = rootOf(spans)
  let start = ns(spans[0]!.startNs)
  let end = ns(spans[0]!.endNs)
  for (const s of spans) {
    if (ns(s.startNs) < start) start = ns(s.startNs)
    if (ns(s.endNs) > end) end = ns(s.endNs)
  }
  return {
    traceId: root.traceId,
    name: root.name,
    service: root.resource[Resource.keys.serviceName] ?? "",
    startNs: String(start),
    durationMs: Number(end - start) / 1e6,
    spans: spans.length,
    services: [...new Set(spans.map((s) => s.resource[Resource.keys.serviceName] ?? ""))],
    errors: spans.filter((s) => s.status.code === 2).length,
    labels: Object.fromEntries(Object.entries(labelKeys).map(([name, key]) => [name, root.attributes[key] ?? ""]))
  }
}

/**
 * The most recent traces (by their latest span's end) whose root span passes `filter`, at
 * most `limit`, newest first. Looks at no more than `scan` recent traces.
 *
 * @since 0.1.0
 * @category traces
 */
export const recent = (
  store: SpanStore,
  options: {
    readonly filter: LabelFilter
    readonly labelKeys: Readonly<Record<string, string>>
    readonly limit: number
    readonly scan?: number | undefined
  }
): ReadonlyArray<Api.TraceSummary> => {
  const out: Array<Api.TraceSummary> = []
  for (const id of store.recentTraces(options.scan ?? Math.max(options.limit * 10, 500))) {
    const spans = store.trace(id)
    if (spans.length === 0 || !matches(rootOf(spans), options.filter)) continue
    out.push(summary(spans, options.labelKeys))
    if (out.length >= options.limit) break
  }
  return out
}

// Records may be stamped a little before their span starts or after it ends (clock reads in
// different places): look a second either side.
const slackNs = 1_000_000_000n

/**
 * One trace: its spans depth first (children by start time) with their depth, and the log
 * records carrying its trace id, oldest first. Undefined when no span of it is stored.
 *
 * @since 0.1.0
 * @category traces
 */
export const detail = (store: SpanStore, logs: LogSource, traceId: string): Api.Trace | undefined => {
  const spans = store.trace(traceId)
  if (spans.length === 0) return undefined
  const children = Map.groupBy(spans, (s) => s.parentSpanId)
  const ids = new Set(spans.map((s) => s.spanId))
  const ordered: Array<Span & { readonly depth: number }> = []
  const seen = new Set<string>()
  const visit = (span: Span, depth: number) => {
    if (seen.has(span.spanId)) return
    seen.add(span.spanId)
    ordered.push({ ...span, depth })
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1)
  }
  // `trace` returns spans by start time, so roots and children keep that order. Spans in a
  // parent cycle (no root above them) are listed at the top level rather than lost.
  for (const root of spans.filter((s) => !ids.has(s.parentSpanId))) visit(root, 0)
  for (const span of spans) visit(span, 0)
  let start = ns(spans[0]!.startNs)
  let end = ns(spans[0]!.endNs)
  for (const s of spans) if (ns(s.endNs) > end) end = ns(s.endNs)
  const records: Array<Api.TraceLog> = []
  logs.scan({ startNs: start - slackNs, endNs: end + slackNs }, (row) => {
    if (row.fields[logFields.traceId] === traceId) {
      records.push({ spanId: row.fields[logFields.spanId] ?? "", timeNs: String(row.timeNs), fields: row.fields })
    }
    return true
  })
  records.reverse()
  return { traceId, spans: ordered, logs: records }
}
