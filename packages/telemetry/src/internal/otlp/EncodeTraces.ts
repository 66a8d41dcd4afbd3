// OTLP/HTTP protobuf encoding of trace export requests, with the writer and helpers of Encode.ts. A module of
// its own: only a process that exports spans loads it. Field numbers follow opentelemetry-proto (trace and the
// collector's trace service).
import type { ResourceSpans, SpanData, SpanEventData, SpanKind, SpanStatus } from "../../OtlpData.ts"
import * as P from "./Protobuf.ts"
import {
  attributeField,
  attributes,
  F2_LEN,
  I64,
  LEN,
  request,
  stringField,
  tag,
  timestamp,
  VARINT,
  w
} from "./Encode.ts"

const SpanTag = {
  traceId: tag(1, LEN),
  spanId: tag(2, LEN),
  parentSpanId: tag(4, LEN),
  name: tag(5, LEN),
  kind: tag(6, VARINT),
  startTime: tag(7, I64),
  endTime: tag(8, I64),
  attributes: tag(9, LEN),
  droppedAttributesCount: tag(10, VARINT),
  events: tag(11, LEN),
  droppedEventsCount: tag(12, VARINT),
  links: tag(13, LEN),
  droppedLinksCount: tag(14, VARINT),
  status: tag(15, LEN)
} as const

const EventTag = {
  time: tag(1, I64),
  name: tag(2, LEN),
  attributes: tag(3, LEN)
} as const

const LinkTag = {
  traceId: tag(1, LEN),
  spanId: tag(2, LEN),
  attributes: tag(4, LEN)
} as const

// Status.message = 2, code = 3 (1 is reserved).
const StatusTag = { message: tag(2, LEN), code: tag(3, VARINT) } as const

// The proto's enums: SpanKind (0 is unspecified) and StatusCode.
const kindValue: { readonly [K in SpanKind]: number } = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5
}
const statusValue: { readonly [C in SpanStatus["code"]]: number } = { unset: 0, ok: 1, error: 2 }

const count = (fieldTag: number, n: number): void => {
  if (n === 0) return
  P.uint32(w, fieldTag)
  P.uint32(w, n)
}

const eventAttributes = attributeField(EventTag.attributes)
const spanAttributes = attributeField(SpanTag.attributes)

// A span event made from a log record (the recorder's) writes the record's typed attributes as the log record
// does; any other carries plain attributes.
const event = (e: SpanEventData): void => {
  const at = P.fork(w, SpanTag.events)
  timestamp(EventTag.time, e.timeUnixNano)
  stringField(EventTag.name, e.name)
  eventAttributes(e)
  P.ldelim(w, at)
}

const span = (s: SpanData): void => {
  // ScopeSpans.spans = 2
  const at = P.fork(w, F2_LEN)
  P.hexBytes(w, SpanTag.traceId, s.traceId, 16)
  P.hexBytes(w, SpanTag.spanId, s.spanId, 8)
  if (s.parentSpanId !== undefined) P.hexBytes(w, SpanTag.parentSpanId, s.parentSpanId, 8)
  stringField(SpanTag.name, s.name)
  P.uint32(w, SpanTag.kind)
  P.uint32(w, kindValue[s.kind])
  timestamp(SpanTag.startTime, s.startTimeUnixNano)
  timestamp(SpanTag.endTime, s.endTimeUnixNano)
  // The tracer's spans write theirs from the span's own map.
  spanAttributes(s)
  count(SpanTag.droppedAttributesCount, s.droppedAttributesCount)
  for (let i = 0; i < s.events.length; i++) event(s.events[i]!)
  count(SpanTag.droppedEventsCount, s.droppedEventsCount)
  for (let i = 0; i < s.links.length; i++) {
    const link = s.links[i]!
    const l = P.fork(w, SpanTag.links)
    P.hexBytes(w, LinkTag.traceId, link.traceId, 16)
    P.hexBytes(w, LinkTag.spanId, link.spanId, 8)
    attributes(LinkTag.attributes, link.attributes)
    P.ldelim(w, l)
  }
  count(SpanTag.droppedLinksCount, s.droppedLinksCount)
  const status = P.fork(w, SpanTag.status)
  if (s.status.code === "error") stringField(StatusTag.message, s.status.message)
  count(StatusTag.code, statusValue[s.status.code])
  P.ldelim(w, status)
  P.ldelim(w, at)
}

// Encodes an `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`, one `ResourceSpans` with one
// `ScopeSpans` per batch.
export const tracesRequest = (batches: ReadonlyArray<ResourceSpans>): Uint8Array =>
  request(batches, (batch) => batch.spans, span)
