// The in-process half of the pipeline: turns validated events into metric deltas and
// log records, bounded in memory. Exporters drain it; nothing here does I/O.
//
// Per event it runs the event's compiled plan (Plan.ts). The series an event updates are
// found through a table per labels object and event kind, keyed by the raw values of the
// event's label fields (two map lookups for a bd.call); the labels' own values are cut once per
// labels object. Log records are kept as columns (the exported field values in one flat
// array) and become OTLP records only when drained, off the emitting fiber's path.
import { type Catalogue, Derive, type Correlation, type SelfEvents } from "@gastown-otel/schema"
import type { Tracer } from "effect"
import * as Tally from "./Tally.ts"
import * as UnixNanos from "./UnixNanos.ts"
import * as LabelGuard from "./LabelGuard.ts"
import * as Plan from "./Plan.ts"
import type { KeyValue, LogRecordData, SpanEventData } from "../OtlpData.ts"
import type { AttributeSource, AttributeWriter } from "./otlp/Encode.ts"

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

/** A log record's attributes as a plain object (a span event's attributes). */
export type Attributes = Record<string, string | number | boolean>

/**
 * A recorded event's log record, which is also its span event: our spans keep it as it is
 * (the encoder writes its typed attributes), any other span gets {@link Recorded.toAttributes}.
 */
export interface Recorded extends LogRecordData, SpanEventData, AttributeSource {
  readonly attributes: ReadonlyArray<KeyValue>
  /** The attributes as a plain object, for a span event. */
  readonly toAttributes: () => Attributes
}

export interface Recorder {
  /**
   * Records a valid event at `timeMillis` (Unix ms, fractional). With `spanEvent`, returns
   * its log record for the span event.
   */
  readonly record: (
    event: Catalogue.Event,
    labels: Correlation.Labels,
    span: Tracer.AnySpan | undefined,
    timeMillis: number,
    spanEvent: boolean
  ) => Recorded | undefined
  /** Takes the dirty series (resetting their deltas) and the buffered log records. */
  readonly drain: () => { readonly series: ReadonlyArray<Series>; readonly logs: ReadonlyArray<LogRecordData> }
  /** Puts drained deltas back, when they could not be exported yet. */
  readonly restore: (deltas: ReadonlyArray<Series>) => void
  readonly drop: (reason: DropReason, count?: number) => void
  /** Drops counted since the process started, by reason. */
  readonly dropped: () => ReadonlyMap<DropReason, number>
}

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

// What one labels object contributes to every event it covers.
interface Scope {
  readonly metricValues: ReadonlyArray<string | undefined>
  readonly correlation: ReadonlyArray<Derive.Attribute>
  readonly attributes: ReadonlyArray<KeyValue>
  // Per event plan index: the series an event updates, through one map per label field
  // (`Map<raw value, … Map<raw value, group>>`), or the group itself for an unlabelled event.
  // Shared by every labels object with the same metric values.
  readonly tables: Array<unknown>
}

// The series of one event kind and label values: one per metric plan, in plan order
// (`undefined` where the series limit was reached).
type Group = ReadonlyArray<Series | undefined>

const noLabels: Correlation.Labels = {}

// A buffered log record: the exported field values, kept until the exporter reads them. It is
// also what the recorder drains: the OTLP fields are read through getters, the encoder writes
// the attributes straight from the values (`eachAttribute`), and the attribute objects are
// built only when someone asks for them (the in-memory layer, tests). A class, so that the
// getters live once on its prototype rather than as closures on every record.
class Buffered implements Recorded {
  readonly plan: Plan.EventPlan
  readonly scope: Scope
  readonly values: ReadonlyArray<unknown>
  // A bit per field that was cut.
  readonly cut: number
  readonly timeMillis: number
  readonly span: Tracer.AnySpan | undefined
  #attributes: ReadonlyArray<KeyValue> | undefined

  constructor(
    plan: Plan.EventPlan,
    scope: Scope,
    values: ReadonlyArray<unknown>,
    cut: number,
    timeMillis: number,
    span: Tracer.AnySpan | undefined
  ) {
    this.plan = plan
    this.scope = scope
    this.values = values
    this.cut = cut
    this.timeMillis = timeMillis
    this.span = span
  }

  get timeUnixNano(): bigint {
    return UnixNanos.fromMillis(this.timeMillis)
  }
  get observedTimeUnixNano(): bigint {
    return UnixNanos.fromMillis(this.timeMillis)
  }
  get severityText(): Derive.Severity {
    const { plan } = this
    return plan.status < 0 ? plan.severity : this.values[plan.status] === "error" ? "ERROR" : "INFO"
  }
  get severityNumber(): number {
    return Derive.severityNumber[this.severityText]
  }
  get body(): string {
    return this.plan.name
  }
  // As a span event: named after the event.
  get name(): string {
    return this.plan.name
  }
  get traceId(): string | undefined {
    return this.span?.traceId
  }
  get spanId(): string | undefined {
    return this.span?.spanId
  }
  get flags(): number | undefined {
    return this.span === undefined ? undefined : this.span.sampled ? 1 : 0
  }
  get attributes(): ReadonlyArray<KeyValue> {
    if (this.#attributes === undefined) {
      const out: Array<KeyValue> = []
      const { cut, plan, values } = this
      for (let i = 0; i < plan.fields.length; i++) {
        if (values[i] === undefined) continue
        const field = plan.fields[i]!
        out.push(field.keyValue(values[i]))
        if (cut & (1 << i)) out.push(field.truncated)
      }
      for (const a of this.scope.attributes) out.push(a)
      this.#attributes = out
    }
    return this.#attributes
  }

  eachAttribute(write: AttributeWriter): void {
    const { cut, plan, values } = this
    for (let i = 0; i < plan.fields.length; i++) {
      const value = values[i]
      if (value === undefined) continue
      const field = plan.fields[i]!
      write(field.name, field.type, value as string | number | boolean)
      if (cut & (1 << i)) write(field.truncatedKey, "boolean", true)
    }
  }

  // The correlation labels' attributes: one array per labels object, which the encoder writes
  // once and copies for every other record.
  get sharedAttributes(): ReadonlyArray<KeyValue> {
    return this.scope.attributes
  }

  toAttributes(): Attributes {
    const out: Attributes = {}
    this.eachAttribute((key, _, value) => (out[key] = value))
    for (const a of this.scope.correlation) out[a.key] = a.value
    return out
  }
}

const bucketIndex = (bounds: ReadonlyArray<number>, value: number): number => {
  // OTLP explicit buckets are upper-inclusive: (bounds[i-1], bounds[i]].
  let i = 0
  while (i < bounds.length && value > bounds[i]!) i++
  return i
}

export const make = (options: {
  readonly derive?: Derive.Options | undefined
  readonly limits?: Limits
  /** Called when half the log buffer is used: time to export, before records are dropped. */
  readonly onPressure?: (() => void) | undefined
}): Recorder => {
  const limits = options.limits ?? defaultLimits
  const plans = Plan.compile(options.derive ?? {})
  const series = new Map<string, Series>()
  const dropped = new Map<DropReason, number>()
  const drop = (reason: DropReason, count = 1) => dropped.set(reason, (dropped.get(reason) ?? 0) + count)
  const guard = LabelGuard.make(() => drop("label_folded"))

  const scopes = new WeakMap<Correlation.Labels, Scope>()
  // Series tables by metric values; capped, so labels made up per event cannot grow it.
  const tablesByValues = new Map<string, Array<unknown>>()
  // Consecutive events mostly share one labels object: the last one is checked first.
  let lastLabels: Correlation.Labels | undefined
  let lastScope: Scope | undefined
  const scopeOf = (labels: Correlation.Labels): Scope => {
    if (labels === lastLabels) return lastScope!
    let scope = scopes.get(labels)
    if (scope === undefined) {
      const { attributes, metricValues } = Derive.correlation(labels)
      const key = JSON.stringify(metricValues)
      let tables = tablesByValues.get(key)
      if (tables === undefined) {
        tables = []
        if (tablesByValues.size < limits.maxSeries) tablesByValues.set(key, tables)
      }
      scope = { metricValues, correlation: attributes, attributes: attributes.map(toKeyValue), tables }
      scopes.set(labels, scope)
    }
    lastLabels = labels
    lastScope = scope
    return scope
  }

  const seriesFor = (metric: Catalogue.Metric, values: ReadonlyArray<string | undefined>): Series | undefined => {
    const key = `${metric.name}\u0000${values.join("\u0000")}`
    let s = series.get(key)
    if (s !== undefined) return s
    if (series.size >= limits.maxSeries) return undefined
    s = {
      key,
      metric,
      attributes: metric.labelKeys.flatMap((k, i) => {
        const value = values[i]
        return value === undefined ? [] : [{ key: k, value: { string: value } }]
      }),
      ...Tally.empty(metric.kind === "histogram" ? (metric.boundaries ?? []).length + 1 : 0),
      dirty: false
    }
    series.set(key, s)
    return s
  }

  // First sight of an event kind and label values under a labels object: the values are cut,
  // folded past their cap and the series found or made. The group is kept for the next event
  // only when nothing was cut, folded or refused, so every such event comes this way again
  // (each fold and refusal is counted) and the tables stay as small as the series.
  const resolve = (plan: Plan.EventPlan, scope: Scope, record: Record<string, unknown>): Group => {
    const own = plan.labels.map((l) => Derive.labelValue(record[l.name], l.maxBytes))
    const updates = plan.metrics.map((m) => ({
      metric: m.metric,
      labelValues: [...scope.metricValues, ...m.labels.map((i) => own[i])],
      value: 0
    }))
    const guarded = guard(updates)
    const group = guarded.map((u) => seriesFor(u.metric, u.labelValues))
    const cut = plan.labels.some((l, i) => typeof record[l.name] === "string" && own[i] !== record[l.name])
    if (guarded !== updates || cut || group.includes(undefined)) return group
    if (plan.labels.length === 0) {
      scope.tables[plan.index] = group
      return group
    }
    let node = scope.tables[plan.index] as Map<unknown, unknown> | undefined
    if (node === undefined) scope.tables[plan.index] = node = new Map()
    for (let i = 0; i < plan.labels.length - 1; i++) {
      const raw = record[plan.labels[i]!.name]
      let next = node.get(raw) as Map<unknown, unknown> | undefined
      if (next === undefined) node.set(raw, (next = new Map()))
      node = next
    }
    node.set(record[plan.labels[plan.labels.length - 1]!.name], group)
    return group
  }

  const groupOf = (plan: Plan.EventPlan, scope: Scope, record: Record<string, unknown>): Group => {
    let node = scope.tables[plan.index]
    for (let i = 0; i < plan.labels.length && node !== undefined; i++) {
      node = (node as Map<unknown, unknown>).get(record[plan.labels[i]!.name])
    }
    return (node as Group | undefined) ?? resolve(plan, scope, record)
  }

  const updateMetrics = (plan: Plan.EventPlan, scope: Scope, record: Record<string, unknown>) => {
    const metrics = plan.metrics
    if (metrics.length === 0) return
    const group = groupOf(plan, scope, record)
    for (let i = 0; i < metrics.length; i++) {
      const s = group[i]
      if (s === undefined) {
        drop("series_limit")
        continue
      }
      const m = metrics[i]!
      const value = m.value === undefined ? 1 : (record[m.value] as number)
      s.dirty = true
      switch (m.metric.kind) {
        case "counter":
          s.value += value
          break
        case "gauge":
          s.value = value
          break
        case "histogram":
          s.count++
          s.sum += value
          if (value < s.min) s.min = value
          if (value > s.max) s.max = value
          s.buckets[bucketIndex(m.bounds, value)]!++
      }
    }
  }

  // The log buffer: a ring of `maxLogRecords` buffered records, the oldest overwritten past it.
  const capacity = limits.maxLogRecords
  let buffer: Array<Buffered> = []
  // The oldest record's slot and how many are buffered. Slots fill in order from 0 (the
  // buffer grows by appending) until the ring is full.
  let head = 0
  let count = 0

  // Where exported text is written: nothing is allocated for text that is not cut.
  const scratch = { text: "", truncated: false }

  const keep = (
    plan: Plan.EventPlan,
    scope: Scope,
    event: Record<string, unknown>,
    span: Tracer.AnySpan | undefined,
    timeMillis: number
  ): Buffered => {
    if (count === capacity >> 1) options.onPressure?.()
    let slot: number
    if (count < capacity) {
      slot = head + count
      if (slot >= capacity) slot -= capacity
      count++
    } else {
      slot = head
      head = head + 1 === capacity ? 0 : head + 1
      drop("log_buffer_full")
    }
    const fields = plan.fields
    // Sized once: every slot is written below.
    // oxlint-disable-next-line unicorn/no-new-array
    const values: Array<unknown> = new Array(fields.length)
    let cut = 0
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!
      const value = event[field.name]
      if (field.text === undefined || value === undefined) {
        values[i] = value
        continue
      }
      const exported = Derive.exportText(value as string, field.text, scratch)
      values[i] = exported.text
      if (exported.truncated) cut |= 1 << i
    }
    const buffered = new Buffered(plan, scope, values, cut, timeMillis, span)
    buffer[slot] = buffered
    return buffered
  }

  const record: Recorder["record"] = (event, labels, span, timeMillis, spanEvent) => {
    const plan = plans.get(event._tag)!
    const scope = scopeOf(labels)
    const fields = event as unknown as Record<string, unknown>
    updateMetrics(plan, scope, fields)
    const buffered = keep(plan, scope, fields, span, timeMillis)
    return spanEvent ? buffered : undefined
  }

  // Drops are reported as the library's own event, once per reason and drain. Its records
  // bypass the buffer's cap (so a count of drops never drops itself): they are built at once.
  const reported = new Map<DropReason, number>()
  const reportDrops = (): ReadonlyArray<LogRecordData> => {
    const records: Array<LogRecordData> = []
    for (const [reason, total] of dropped) {
      const fresh = total - (reported.get(reason) ?? 0)
      if (fresh <= 0) continue
      reported.set(reason, total)
      const event: Catalogue.Event = { _tag: "telemetry.dropped", reason, count: fresh }
      const plan = plans.get(event._tag)!
      const scope = scopeOf(noLabels)
      updateMetrics(plan, scope, event)
      const derived = Derive.logRecord(event, noLabels, options.derive)
      const time = UnixNanos.now()
      records.push({
        timeUnixNano: time,
        observedTimeUnixNano: time,
        severityNumber: Derive.severityNumber[derived.severity],
        severityText: derived.severity,
        body: derived.body,
        attributes: derived.attributes.map(toKeyValue)
      })
    }
    return records
  }

  const drain: Recorder["drain"] = () => {
    const reports = reportDrops()
    const dirty = [...series.values()].filter((s) => s.dirty)
    const out = dirty.map((s) => ({ ...s, buckets: [...s.buckets] }))
    for (const s of dirty) {
      s.dirty = false
      Tally.reset(s, s.metric.kind === "gauge")
    }
    // The buffered records are the drained ones: nothing is converted here.
    const records: Array<LogRecordData> = head === 0 ? buffer : [...buffer.slice(head), ...buffer.slice(0, head)]
    for (const r of reports) records.push(r)
    buffer = []
    head = 0
    count = 0
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
