// Spans for the live exporter: an Effect `Tracer` whose spans, once ended, wait in a
// bounded buffer for the exporter to drain them, as log records wait in the recorder; the
// exporter encodes them once (EncodeTraces.ts) and spools, sends and retries them like
// metrics and logs. Loaded only by a process with a traces URL.
//
// An ended span becomes a record at once: it keeps neither its fiber's exit value nor its
// parent span, only their ids and what is exported. Its attributes stay in the span's map
// until the encoder writes them (no `KeyValue` objects per span), as a buffered log record's
// stay in its row.
import { Redact, Resource, Truncate } from "@gastown-otel/schema"
import { Cause, type Context, type Exit, Option, Tracer } from "effect"
import { Hex } from "effect/encoding"
import type { KeyValue, SpanData, SpanEventData, SpanLinkData, SpanStatus } from "../OtlpData.ts"
import { addRecord, type TakesRecords } from "./Emit.ts"
import type { AttributeSource, AttributeWriter } from "./otlp/Encode.ts"
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

const stringify = (value: unknown): string => {
  try {
    return typeof value === "object" && value !== null ? (JSON.stringify(value) ?? String(value)) : String(value)
  } catch {
    return String(value)
  }
}

// What Effect hands a span as `unknown`, written as one OTLP scalar: integers that fit as ints,
// other numbers as doubles, anything else as text; `undefined` not at all.
const writeUnknown = (write: AttributeWriter, key: string, value: unknown): void => {
  switch (typeof value) {
    case "string":
      return write(key, "string", value)
    case "boolean":
      return write(key, "boolean", value)
    case "number":
      return write(key, Number.isSafeInteger(value) ? "int" : "double", value)
    case "bigint":
      return Number.isSafeInteger(Number(value))
        ? write(key, "int", Number(value))
        : write(key, "string", String(value))
    case "undefined":
      return
    default:
      return write(key, "string", stringify(value))
  }
}

const keyValues = (entries: Iterable<readonly [string, unknown]>): Array<KeyValue> => {
  const out: Array<KeyValue> = []
  const push: AttributeWriter = (key, type, value) => {
    out.push({
      key,
      value:
        type === "string"
          ? { string: value as string }
          : type === "boolean"
            ? { bool: value as boolean }
            : type === "int"
              ? { int: value as number }
              : { double: value as number }
    })
  }
  for (const [key, value] of entries) writeUnknown(push, key, value)
  return out
}

const stringKeyValue = (key: string, value: string): KeyValue => ({ key, value: { string: value } })

interface Outcome {
  readonly status: SpanStatus
  /** Attributes after the span's own: one array for every span of the same outcome. */
  readonly attributes: ReadonlyArray<KeyValue>
  readonly events: ReadonlyArray<SpanEventData>
}

const succeeded: Outcome = { status: { code: "ok" }, attributes: [], events: [] }
const interrupted: Outcome = {
  status: { code: "unset" },
  attributes: [{ key: Resource.spanKeys.interrupted, value: { bool: true } }],
  events: []
}

// Status and exception events as OpenTelemetry reads them: a success is OK, an interruption
// leaves the status unset (and says so), a failure is an ERROR with an exception event per error.
const outcome = (exit: Exit.Exit<unknown, unknown>, endTime: bigint): Outcome => {
  if (exit._tag === "Success") return succeeded
  if (Cause.hasInterruptsOnly(exit.cause)) return interrupted
  const errors = Cause.prettyErrors(exit.cause, { includeCauseInStack: true })
  if (errors.length === 0) return succeeded
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

const noAttributes: ReadonlyMap<string, unknown> = new Map()
const noEvents: ReadonlyArray<SpanEventData> = []

// An ended span as the exporter takes it: `SpanData` whose attributes are listed on demand.
interface Ended extends SpanData, AttributeSource {
  // The span's own attributes, and the outcome's after them (`sharedAttributes`).
  readonly own: ReadonlyMap<string, unknown>
}

// The part of every ended span that is not data: one prototype for all of them, so no span
// carries its own copies of the functions.
const endedPrototype: Pick<Ended, "eachAttribute" | "attributes"> & ThisType<Ended> = {
  eachAttribute(write) {
    for (const [key, value] of this.own) writeUnknown(write, key, value)
  },
  get attributes() {
    return [...keyValues(this.own), ...this.sharedAttributes]
  }
}

const ended = (span: LiveSpan, startTime: bigint, endTime: bigint, done: Outcome): Ended => {
  const { maxLinksPerSpan } = span.limits
  const events = span.ownEvents ?? noEvents
  const fields: Omit<Ended, "eachAttribute" | "attributes"> = {
    traceId: span.traceId.padStart(32, "0"),
    spanId: span.spanId,
    parentSpanId: Option.getOrUndefined(span.parent)?.spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: startTime,
    endTimeUnixNano: endTime,
    own: span.ownAttributes ?? noAttributes,
    sharedAttributes: done.attributes,
    droppedAttributesCount: span.droppedAttributes,
    events: done.events.length === 0 ? events : [...events, ...done.events],
    droppedEventsCount: span.droppedEvents,
    links: span.links.length === 0 ? [] : span.links.slice(0, maxLinksPerSpan).map(link),
    droppedLinksCount: Math.max(0, span.links.length - maxLinksPerSpan),
    status: done.status
  }
  return Object.assign(Object.create(endedPrototype) as typeof endedPrototype, fields)
}

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
  readonly limits: Limits
  ownAttributes: Map<string, unknown> | undefined
  droppedAttributes = 0
  ownEvents: Array<SpanEventData> | undefined
  droppedEvents = 0
  readonly #ended: (span: SpanData) => void
  #traceId: string | undefined
  #spanId: string | undefined

  constructor(options: SpanOptions, limits: Limits, ended: (span: SpanData) => void) {
    this.name = options.name
    this.parent = options.parent
    this.annotations = options.annotations
    this.links = options.links
    this.kind = options.kind
    this.sampled = options.sampled
    this.status = { _tag: "Started", startTime: options.startTime }
    this.limits = limits
    this.#ended = ended
  }

  get traceId(): string {
    return (this.#traceId ??= Option.isSome(this.parent) ? this.parent.value.traceId : Hex.random(32))
  }

  get spanId(): string {
    return (this.#spanId ??= Hex.random(16))
  }

  get attributes(): ReadonlyMap<string, unknown> {
    return (this.ownAttributes ??= new Map())
  }

  attribute(key: string, value: unknown): void {
    if (this.status._tag === "Ended") return
    const attributes = (this.ownAttributes ??= new Map())
    if (attributes.size >= this.limits.maxAttributesPerSpan && !attributes.has(key)) this.droppedAttributes++
    else attributes.set(key, value)
  }

  // The first events are kept: the log records have every event anyway.
  #addEvent(event: SpanEventData): void {
    if (this.status._tag === "Ended") return
    const events = (this.ownEvents ??= [])
    if (events.length >= this.limits.maxEventsPerSpan) this.droppedEvents++
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
    // Nothing changes an ended span, so the record shares its attributes and events; the span
    // lets go of its events, as a fiber may hold it long after.
    this.#ended(ended(this, startTime, endTime, outcome(exit, endTime)))
    this.ownEvents = undefined
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
