// The in-process half of the pipeline: turns validated events into metric deltas and
// log records, bounded in memory. Exporters drain it; nothing here does I/O.
import { type Catalogue, Derive, Correlation, type SelfEvents } from "@gastown-otel/schema"
import type { Tracer } from "effect"
import * as Tally from "./Tally.ts"
import * as UnixNanos from "./UnixNanos.ts"
import * as LabelGuard from "./LabelGuard.ts"
import type { KeyValue, LogRecordData } from "../OtlpData.ts"

/** One label set of one metric, with what happened to it since the last drain. */
export interface Series extends Tally.Tally {
  readonly key: string
  readonly metric: Catalogue.Metric
  readonly attributes: ReadonlyArray<KeyValue>
  dirty: boolean
}

/** Why something recorded was not kept. */
export type DropReason = SelfEvents.DropReason

export interface Limits {
  /** Log records buffered between drains; the oldest are dropped past it. */
  readonly maxLogRecords: number
  /** Distinct label sets across all metrics. */
  readonly maxSeries: number
}

export const defaultLimits: Limits = { maxLogRecords: 10_000, maxSeries: 2_000 }

const toKeyValue = (a: Derive.Attribute): KeyValue => {
  switch (a.type) {
    case "int":
      return { key: a.key, value: { int: a.value as number } }
    case "double":
      return { key: a.key, value: { double: a.value as number } }
    case "boolean":
      return { key: a.key, value: { bool: a.value as boolean } }
    default:
      return { key: a.key, value: { string: a.value as string } }
  }
}

// A log record as emitted, before it is turned into OTLP (`undefined` once evicted).
type Buffered =
  | { readonly derived: Derive.LogRecord; readonly timeUnixNano: bigint; readonly span: Tracer.AnySpan | undefined }
  | undefined

const toLogRecord = ({ derived, timeUnixNano, span }: NonNullable<Buffered>): LogRecordData => ({
  timeUnixNano,
  observedTimeUnixNano: timeUnixNano,
  severityNumber: Derive.severityNumber[derived.severity],
  severityText: derived.severity,
  body: derived.body,
  attributes: derived.attributes.map(toKeyValue),
  traceId: span?.traceId,
  spanId: span?.spanId,
  flags: span === undefined ? undefined : span.sampled ? 1 : 0
})

const bucketIndex = (bounds: ReadonlyArray<number>, value: number): number => {
  // OTLP explicit buckets are upper-inclusive: (bounds[i-1], bounds[i]].
  let i = 0
  while (i < bounds.length && value > bounds[i]!) i++
  return i
}

export interface Recorder {
  readonly record: (
    event: Catalogue.Event,
    context: Correlation.Labels,
    span: Tracer.AnySpan | undefined,
    timeUnixNano: bigint
  ) => Derive.LogRecord
  /** Takes the dirty series (resetting their deltas) and the buffered log records. */
  readonly drain: () => { readonly series: ReadonlyArray<Series>; readonly logs: ReadonlyArray<LogRecordData> }
  /** Puts drained deltas back, when they could not be exported yet. */
  readonly restore: (deltas: ReadonlyArray<Series>) => void
  readonly drop: (reason: DropReason, count?: number) => void
  /** Drops counted since the process started, by reason. */
  readonly dropped: () => ReadonlyMap<DropReason, number>
}

export const make = (options: {
  readonly derive?: Derive.Options | undefined
  readonly limits?: Limits
  /** Called when half the log buffer is used: time to export, before records are dropped. */
  readonly onPressure?: (() => void) | undefined
}): Recorder => {
  const limits = options.limits ?? defaultLimits
  const series = new Map<string, Series>()
  // Buffered records stay as derived; they become OTLP records only when drained, off the
  // emitting fiber's path. `first` skips evicted ones, so eviction costs O(1).
  let logs: Array<Buffered> = []
  let first = 0
  const dropped = new Map<DropReason, number>()
  const drop = (reason: DropReason, count = 1) => dropped.set(reason, (dropped.get(reason) ?? 0) + count)
  const guard = LabelGuard.make(() => drop("label_folded"))

  // Series by metric, then label value after label value: a lookup per event builds no
  // string (the key, for the host state, is built once, when a series is created).
  const index = new Map<Catalogue.Metric, Map<string | undefined, unknown>>()
  const seriesFor = (update: Derive.MetricUpdate): Series | undefined => {
    let node = index.get(update.metric)
    if (node === undefined) index.set(update.metric, (node = new Map()))
    const values = update.labelValues
    const last = values.length - 1
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]) as Map<string | undefined, unknown> | undefined
      if (next === undefined) node.set(values[i], (next = new Map()))
      node = next
    }
    let s = node.get(values[last]) as Series | undefined
    if (s !== undefined) return s
    if (series.size >= limits.maxSeries) return undefined
    const key = `${update.metric.name}\u0000${values.join("\u0000")}`
    s = {
      key,
      metric: update.metric,
      attributes: update.metric.labelKeys.flatMap((k, i) => {
        const value = update.labelValues[i]
        return value === undefined ? [] : [{ key: k, value: { string: value } }]
      }),
      ...Tally.empty(update.metric.kind === "histogram" ? (update.metric.boundaries ?? []).length + 1 : 0),
      dirty: false
    }
    series.set(key, s)
    node.set(values[last], s)
    return s
  }

  // `bounded`: the library's own drop reports bypass the buffer cap (one per reason and
  // drain), so a count of drops never drops itself.
  const recordWith = (
    event: Catalogue.Event,
    context: Correlation.Labels,
    span: Tracer.AnySpan | undefined,
    timeUnixNano: bigint,
    bounded: boolean
  ): Derive.LogRecord => {
    for (const update of guard(Derive.metricUpdates(event, context))) {
      const s = seriesFor(update)
      if (s === undefined) {
        drop("series_limit")
        continue
      }
      s.dirty = true
      switch (update.metric.kind) {
        case "counter":
          s.value += update.value
          break
        case "gauge":
          s.value = update.value
          break
        case "histogram":
          s.count++
          s.sum += update.value
          if (update.value < s.min) s.min = update.value
          if (update.value > s.max) s.max = update.value
          s.buckets[bucketIndex(update.metric.boundaries ?? [], update.value)]!++
      }
    }
    const derived = Derive.logRecord(event, context, options.derive)
    const buffered = logs.length - first
    if (buffered === limits.maxLogRecords >> 1) options.onPressure?.()
    if (bounded && buffered >= limits.maxLogRecords) {
      logs[first++] = undefined
      drop("log_buffer_full")
      // Evicted slots are let go once they are as many as the buffer holds: amortised O(1),
      // and the array never grows past twice the cap while nothing drains it.
      if (first >= limits.maxLogRecords) {
        logs = logs.slice(first)
        first = 0
      }
    }
    logs.push({ derived, timeUnixNano, span })
    return derived
  }
  const record: Recorder["record"] = (event, context, span, timeUnixNano) =>
    recordWith(event, context, span, timeUnixNano, true)

  // Drops are reported as the library's own event, once per reason and drain.
  const reported = new Map<DropReason, number>()
  const reportDrops = () => {
    for (const [reason, total] of dropped) {
      const fresh = total - (reported.get(reason) ?? 0)
      if (fresh <= 0) continue
      reported.set(reason, total)
      recordWith({ _tag: "telemetry.dropped", reason, count: fresh }, {}, undefined, UnixNanos.now(), false)
    }
  }

  const drain: Recorder["drain"] = () => {
    reportDrops()
    const dirty = [...series.values()].filter((s) => s.dirty)
    const out = dirty.map((s) => ({ ...s, buckets: [...s.buckets] }))
    for (const s of dirty) {
      s.dirty = false
      Tally.reset(s, s.metric.kind === "gauge")
    }
    const taken = logs
    const from = first
    logs = []
    first = 0
    const records: Array<LogRecordData> = []
    for (let i = from; i < taken.length; i++) records.push(toLogRecord(taken[i]!))
    return { series: out, logs: records }
  }

  const restore: Recorder["restore"] = (deltas) => {
    for (const d of deltas) {
      const s = series.get(d.key)
      if (s === undefined) continue
      s.dirty = true
      // A drain does not reset a gauge: it still holds its value, or a newer one.
      if (d.metric.kind !== "gauge") Tally.add(s, d, false)
    }
  }

  return { record, drain, restore, drop, dropped: () => dropped }
}
