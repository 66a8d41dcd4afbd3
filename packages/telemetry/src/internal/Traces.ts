// Spans for the live exporter: an Effect `Tracer` whose spans, once ended, wait in a
// bounded buffer for the exporter to drain them, as log records wait in the recorder; the
// exporter encodes them once (EncodeTraces.ts) and spools, sends and retries them like
// metrics and logs. Loaded only by a process with a traces URL.
//
// An ended span is turned into plain data at once: it keeps neither its fiber's exit value
// nor its parent span, only their ids and what is exported.
import { Redact, Resource, Truncate } from "@gastown-otel/schema"
import { Cause, type Context, type Exit, Option, Tracer } from "effect"
import { Hex } from "effect/encoding"
import type { KeyValue, SpanData, SpanEventData, SpanKind, SpanLinkData, SpanStatus } from "../OtlpData.ts"
import { addRecord, type TakesRecords } from "./Emit.ts"
import type { DropReason, Recorded } from "./Recorder.ts"

export { tracesRequest } from "./otlp/EncodeTraces.ts"

export interface Limits {
  /** Ended spans buffered between drains; the oldest are dropped past it. */
  readonly maxSpans: number
  /** Events, attributes and links per span (OpenTelemetry's default limits); more are counted on the span. */
  readonly maxEventsPerSpan: number
  readonly maxAttributesPerSpan: number
  readonly maxLinksPerSpan: number
}

export const defaultLimits: Limits = {
  maxSpans: 2_000,
  maxEventsPerSpan: 128,
  maxAttributesPerSpan: 128,
  maxLinksPerSpan: 128
}

// A failed span's error: redacted (an error message may quote a URL with its password) and
// cut, as the catalogue's free-text fields are.
const maxMessageBytes = 1024
const maxStackBytes = 4096

const text = (value: string, maxBytes: number): string =>
  Truncate.utf8(Redact.secrets(Redact.window(value, maxBytes)), maxBytes).text

// What Effect hands a span as `unknown`, as one OTLP scalar: integers that fit as ints, other
// numbers as doubles, anything else as text.
const toKeyValue = (key: string, value: unknown): KeyValue | undefined => {
  switch (typeof value) {
    case "string":
      return { key, value: { string: value } }
    case "boolean":
      return { key, value: { bool: value } }
    case "number":
      return { key, value: Number.isSafeInteger(value) ? { int: value } : { double: value } }
    case "bigint":
      return { key, value: Number.isSafeInteger(Number(value)) ? { int: Number(value) } : { string: String(value) } }
    case "undefined":
      return undefined
    default:
      return { key, value: { string: stringify(value) } }
  }
}

const stringify = (value: unknown): string => {
  try {
    return typeof value === "object" && value !== null ? (JSON.stringify(value) ?? String(value)) : String(value)
  } catch {
    return String(value)
  }
}

const keyValues = (entries: Iterable<readonly [string, unknown]>): Array<KeyValue> => {
  const out: Array<KeyValue> = []
  for (const [key, value] of entries) {
    const kv = toKeyValue(key, value)
    if (kv !== undefined) out.push(kv)
  }
  return out
}

const stringKeyValue = (key: string, value: string): KeyValue => ({ key, value: { string: value } })

// Status and exception events as OpenTelemetry reads them: a success is OK, an interruption
// leaves the status unset (and says so), a failure is an ERROR with an exception event per error.
const outcome = (
  exit: Exit.Exit<unknown, unknown>,
  endTime: bigint
): {
  readonly status: SpanStatus
  readonly attributes: ReadonlyArray<KeyValue>
  readonly events: Array<SpanEventData>
} => {
  if (exit._tag === "Success") return { status: { code: "ok" }, attributes: [], events: [] }
  if (Cause.hasInterruptsOnly(exit.cause)) {
    return {
      status: { code: "unset" },
      attributes: [{ key: Resource.spanKeys.interrupted, value: { bool: true } }],
      events: []
    }
  }
  const errors = Cause.prettyErrors(exit.cause, { includeCauseInStack: true })
  if (errors.length === 0) return { status: { code: "ok" }, attributes: [], events: [] }
  return {
    status: { code: "error", message: text(errors[0]!.message, maxMessageBytes) },
    attributes: [],
    events: errors.map((error) => ({
      name: Resource.spanKeys.exceptionEvent,
      timeUnixNano: endTime,
      attributes: [
        stringKeyValue(Resource.spanKeys.exceptionType, error.name),
        stringKeyValue(Resource.spanKeys.exceptionMessage, text(error.message, maxMessageBytes)),
        stringKeyValue(Resource.spanKeys.exceptionStacktrace, text(error.stack ?? "", maxStackBytes))
      ]
    }))
  }
}

const link = (l: Tracer.SpanLink): SpanLinkData => ({
  traceId: l.span.traceId.padStart(32, "0"),
  spanId: l.span.spanId,
  attributes: keyValues(Object.entries(l.attributes))
})

type SpanOptions = Parameters<Tracer.Tracer["span"]>[0]

// A span of the live tracer. A class, as Effect's own spans are: one is made per span, and
// its methods live once on the prototype.
class LiveSpan implements Tracer.Span, TakesRecords {
  readonly _tag = "Span"
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly annotations: Context.Context<never>
  readonly links: Array<Tracer.SpanLink>
  readonly kind: Tracer.SpanKind
  readonly sampled: boolean
  status: Tracer.SpanStatus
  readonly #ended: (span: SpanData) => void
  readonly #limits: Limits
  #traceId: string | undefined
  #spanId: string | undefined
  #attributes: Map<string, unknown> | undefined
  #droppedAttributes = 0
  #events: Array<SpanEventData> | undefined
  #droppedEvents = 0

  constructor(options: SpanOptions, limits: Limits, ended: (span: SpanData) => void) {
    this.name = options.name
    this.parent = options.parent
    this.annotations = options.annotations
    this.links = options.links
    this.kind = options.kind
    this.sampled = options.sampled
    this.status = { _tag: "Started", startTime: options.startTime }
    this.#limits = limits
    this.#ended = ended
  }

  get traceId(): string {
    return (this.#traceId ??= Option.isSome(this.parent) ? this.parent.value.traceId : Hex.random(32))
  }

  get spanId(): string {
    return (this.#spanId ??= Hex.random(16))
  }

  get attributes(): ReadonlyMap<string, unknown> {
    return (this.#attributes ??= new Map())
  }

  attribute(key: string, value: unknown): void {
    if (this.status._tag === "Ended") return
    const attributes = (this.#attributes ??= new Map())
    if (attributes.size >= this.#limits.maxAttributesPerSpan && !attributes.has(key)) this.#droppedAttributes++
    else attributes.set(key, value)
  }

  // The first events are kept: the log records have every event anyway.
  #addEvent(event: SpanEventData): void {
    if (this.status._tag === "Ended") return
    const events = (this.#events ??= [])
    if (events.length >= this.#limits.maxEventsPerSpan) this.#droppedEvents++
    else events.push(event)
  }

  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.#addEvent({
      name,
      timeUnixNano: startTime,
      attributes: attributes === undefined ? [] : keyValues(Object.entries(attributes))
    })
  }

  [addRecord](record: Recorded): void {
    this.#addEvent(record)
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    if (this.status._tag === "Ended") return
    this.links.push(...links)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    if (this.status._tag === "Ended") return
    const startTime = this.status.startTime
    this.status = { _tag: "Ended", startTime, endTime, exit }
    // An unsampled span (its trace's parent said so) is not exported, as with any OTLP tracer.
    if (!this.sampled) return
    const { status, attributes, events } = outcome(exit, endTime)
    const own = this.#events ?? []
    const limits = this.#limits
    const parent = Option.getOrUndefined(this.parent)
    this.#ended({
      traceId: this.traceId.padStart(32, "0"),
      spanId: this.spanId,
      parentSpanId: parent?.spanId,
      name: this.name,
      kind: this.kind satisfies SpanKind,
      startTimeUnixNano: startTime,
      endTimeUnixNano: endTime,
      attributes: [...keyValues(this.#attributes ?? []), ...attributes],
      droppedAttributesCount: this.#droppedAttributes,
      events: events.length === 0 ? own : [...own, ...events],
      droppedEventsCount: this.#droppedEvents,
      links: this.links.slice(0, limits.maxLinksPerSpan).map(link),
      droppedLinksCount: Math.max(0, this.links.length - limits.maxLinksPerSpan),
      status
    })
    // Handed on: not kept twice while something still holds the span.
    this.#events = undefined
  }
}

export interface Spans {
  readonly tracer: Tracer.Tracer
  /** Takes the ended spans, oldest first. */
  readonly drain: () => ReadonlyArray<SpanData>
}

export const make = (options: {
  /** Counts what was not kept. */
  readonly drop: (reason: DropReason, count?: number) => void
  /** Called when half the buffer is used: time to export, before spans are dropped. */
  readonly onPressure?: (() => void) | undefined
  readonly limits?: Limits | undefined
}): Spans => {
  const limits = options.limits ?? defaultLimits
  const capacity = limits.maxSpans
  // A ring of ended spans, as the recorder's log buffer: the oldest overwritten past it.
  let buffer: Array<SpanData> = []
  let head = 0
  let count = 0

  const ended = (span: SpanData): void => {
    if (span.droppedEventsCount > 0) options.drop("span_event_limit", span.droppedEventsCount)
    if (count === capacity >> 1) options.onPressure?.()
    if (count < capacity) {
      let slot = head + count
      if (slot >= capacity) slot -= capacity
      buffer[slot] = span
      count++
      return
    }
    buffer[head] = span
    head = head + 1 === capacity ? 0 : head + 1
    options.drop("span_buffer_full")
  }

  const drain: Spans["drain"] = () => {
    const spans = head === 0 ? buffer : [...buffer.slice(head), ...buffer.slice(0, head)]
    buffer = []
    head = 0
    count = 0
    return spans
  }

  return { tracer: Tracer.make({ span: (span) => new LiveSpan(span, limits, ended) }), drain }
}

// Spans per request: at most 1,000 spans or 1,000 spans and events together (a request stays
// far below the backends' and the spool's limits whatever the spans carry); a span is never split.
const maxItemsPerRequest = 1_000

export const requests = (spans: ReadonlyArray<SpanData>): ReadonlyArray<ReadonlyArray<SpanData>> => {
  const out: Array<Array<SpanData>> = []
  let batch: Array<SpanData> = []
  let items = 0
  for (const span of spans) {
    const weight = 1 + span.events.length
    if (batch.length > 0 && items + weight > maxItemsPerRequest) {
      out.push(batch)
      batch = []
      items = 0
    }
    batch.push(span)
    items += weight
  }
  if (batch.length > 0) out.push(batch)
  return out
}
