/**
 * An OTLP `ExportLogsServiceRequest` turned into log records the way VictoriaLogs keeps
 * them (default settings: no `_msg_field`, no `_stream_fields` given):
 *
 * - fields: the resource attributes, then the body (a string body is `_msg`; a key-value
 *   body becomes fields of its own, with no `_msg`), the record's attributes, `trace_id` and
 *   `span_id` in hex, and `severity` (the severity text, else the name of the severity
 *   number, `Unspecified` for 0); attribute names kept as sent, dots included, nested lists
 *   flattened as `a.b`, every value a string (see {@link AnyValue}); the scope is dropped;
 * - the stream: the resource attributes (those with a value);
 * - the time: `time_unix_nano`, else `observed_time_unix_nano`, else the time of arrival.
 *
 * Ingest only measures a record's fields (for VictoriaLogs' limits) and keeps its bytes;
 * {@link recordFields} decodes them when the record is read.
 *
 * @since 0.1.0
 */
import { type Encoding, Reader, splitNanos, textLength, WireType } from "../internal/Protobuf.ts"
import { anyValue, attributesOf, decoding, keyValue, type Target } from "./AnyValue.ts"

/**
 * What VictoriaLogs' limits look at in a record's own fields: how many there are, the
 * longest name and the bytes of them all (each field's name, its value as sent, and 6), in
 * UTF-8 bytes.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordSize {
  readonly fields: number
  readonly bytes: number
  readonly longestName: number
}

/**
 * What ingest learns of a record besides its bytes: its size, and whether its `_msg` is plainly
 * its string body (the record has exactly one field named `_msg`, a non-empty string). Then a
 * reader may take the message from the body alone (see {@link plainMessage}) instead of decoding
 * every field.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordInfo extends RecordSize {
  readonly plainMessage: boolean
}

/**
 * Receives one log record: the resource's fields (a flat `[name, value, …]` list in arrival
 * order, the same array for every record of the resource), what is known of the record's own
 * fields, its time, and where it lies in `buf`: `[start, end)` is its `log_records` field of
 * a `ScopeLogs`, tag and length included, which {@link recordFields} decodes. The records of
 * one scope lie back to back.
 *
 * @since 0.1.0
 * @category models
 */
export type Sink = (
  resource: ReadonlyArray<string>,
  info: RecordInfo,
  ms: number,
  nsInMs: number,
  buf: Uint8Array,
  start: number,
  end: number
) => void

const severities = ["Unspecified"].concat(
  ...["Trace", "Debug", "Info", "Warn", "Error", "Fatal"].map((level) => [level, `${level}2`, `${level}3`, `${level}4`])
)

// A record's fields into `target`, and its time (`time_unix_nano`, else the observed time) if set.
const record = (r: Reader, target: Target): { lo: number; hi: number } | undefined => {
  let time: { lo: number; hi: number } | undefined
  let observed: { lo: number; hi: number } | undefined
  let severityNumber = 0
  let severityText = ""
  while (r.next()) {
    switch (r.field) {
      case 1:
        time = r.fixed64Parts()
        break
      case 11:
        observed = r.fixed64Parts()
        break
      case 2:
        severityNumber = r.uint32() | 0
        break
      case 3:
        severityText = r.key()
        break
      case 5:
      case 6: {
        const outer = r.enter()
        if (r.field === 5) anyValue(r, "", target)
        else keyValue(r, "", target)
        r.leave(outer)
        break
      }
      case 9:
      case 10: {
        const start = r.payload()
        if (r.payloadEnd > start)
          target.bytes(r.field === 9 ? "trace_id" : "span_id", r.buf, start, r.payloadEnd, "hex")
        break
      }
      default:
        r.skip()
    }
  }
  target.text("severity", severityText !== "" ? severityText : (severities[severityNumber] ?? "Unspecified"))
  const set = (t: { lo: number; hi: number } | undefined) => t !== undefined && (t.lo !== 0 || t.hi !== 0)
  return set(time) ? time : set(observed) ? observed : undefined
}

// A field without a name (a string body) is the message.
const named = (name: string) => (name === "" ? "_msg" : name)

/**
 * The own fields of the log record at `[start, end)` of `buf` (a `log_records` field, as
 * the sink receives it) as a flat `[name, value, …]` list in arrival order, `_msg` spelled
 * out. Throws `WireError` on malformed protobuf.
 *
 * @since 0.1.0
 * @category decoding
 */
export const recordFields = (buf: Uint8Array, start: number, end: number): Array<string> => {
  const fields: Array<string> = []
  const r = new Reader(buf, start, end)
  r.next()
  r.enter()
  record(
    r,
    decoding((name, value) => fields.push(named(name), value))
  )
  return fields
}

const bodyString = (value: Reader): string | undefined => {
  while (value.next()) {
    if (value.field === 1 && value.wire === WireType.bytes) return value.key()
    value.skip()
  }
  return undefined
}

/**
 * The string body of the log record at `[start, end)` of `buf` (as {@link recordFields} takes
 * it), without decoding anything else; `undefined` when it has none. For a record whose
 * `plainMessage` was set at ingest, this is its `_msg`: its only field of that name is a
 * non-empty string, and a string body is always named `_msg`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const plainMessage = (buf: Uint8Array, start: number, end: number): string | undefined => {
  const r = new Reader(buf, start, end)
  r.next()
  r.enter()
  while (r.next()) {
    if (r.field !== 5 || r.wire !== WireType.bytes) {
      r.skip()
      continue
    }
    // The body is an `AnyValue`; its string is field 1. Messages repeat from record to record
    // (event names), so they are decoded as attribute keys are, through the reader's cache.
    const outer = r.enter()
    const found = bodyString(r)
    if (found !== undefined) return found
    r.leave(outer)
  }
  return undefined
}

const nameLengths = new Map<string, number>()
// Names repeat from record to record: measure each once.
const nameLength = (name: string): number => {
  let n = nameLengths.get(name)
  if (n === undefined) {
    n = Buffer.byteLength(name, "utf8")
    if (nameLengths.size < 10_000) nameLengths.set(name, n)
  }
  return n
}

/**
 * Decodes a request body, calling `sink` per record. Throws `WireError` on malformed
 * protobuf, possibly after calling `sink`: callers decode fully before storing.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (body: Uint8Array, sink: Sink, now: () => number = Date.now): void => {
  let fields = 0
  let bytes = 0
  let longestName = 0
  // Fields named `_msg`, and whether all of them were non-empty strings.
  let messages = 0
  let textMessages = true
  const field = (name: string, valueBytes: number, isText: boolean) => {
    const n = nameLength(named(name))
    fields++
    bytes += n + valueBytes + 6
    if (n > longestName) longestName = n
    if (name === "" || name === "_msg") {
      messages++
      textMessages &&= isText && valueBytes > 0
    }
  }
  const measure: Target = {
    bytes: (name: string, _buf: Uint8Array, start: number, end: number, encoding: Encoding) =>
      field(name, textLength(end - start, encoding), encoding === "utf8"),
    text: (name: string, value: string) => field(name, Buffer.byteLength(value, "utf8"), false)
  }
  const request = new Reader(body)
  while (request.next()) {
    if (request.field !== 1 || request.wire !== WireType.bytes) {
      request.skip()
      continue
    }
    const rl = request.message()
    const resource: Array<string> = []
    const scopes: Array<Reader> = []
    while (rl.next()) {
      if (rl.field === 1 && rl.wire === WireType.bytes)
        attributesOf(
          rl.message(),
          1,
          "",
          decoding((name, value) => resource.push(named(name), value))
        )
      else if (rl.field === 2 && rl.wire === WireType.bytes) scopes.push(rl.message())
      else rl.skip()
    }
    for (const scope of scopes) {
      while (scope.next()) {
        if (scope.field !== 2 || scope.wire !== WireType.bytes) {
          scope.skip()
          continue
        }
        fields = 0
        bytes = 0
        longestName = 0
        messages = 0
        textMessages = true
        const start = scope.fieldStart
        const outer = scope.enter()
        const at = record(scope, measure)
        scope.leave(outer)
        const info = { fields, bytes, longestName, plainMessage: messages === 1 && textMessages }
        if (at === undefined) sink(resource, info, now(), 0, scope.buf, start, scope.pos)
        else {
          const { ms, nsInMs } = splitNanos(at.lo, at.hi)
          sink(resource, info, ms, nsInMs, scope.buf, start, scope.pos)
        }
      }
    }
  }
}
