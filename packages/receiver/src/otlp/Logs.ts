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
 * @since 0.1.0
 */
import { Reader, splitNanos, WireType } from "../internal/Protobuf.ts"
import { anyValue, attributesOf, keyValue } from "./AnyValue.ts"

/**
 * Receives one log record: the resource's fields (shared by the records of one resource,
 * the same array each time) and the record's own, each a flat `[name, value, …]` list in
 * arrival order; `_msg` is spelled out.
 *
 * @since 0.1.0
 * @category models
 */
export type Sink = (resource: ReadonlyArray<string>, record: ReadonlyArray<string>, ms: number, nsInMs: number) => void

const severities = ["Unspecified"].concat(
  ...["Trace", "Debug", "Info", "Warn", "Error", "Fatal"].map((level) => [level, `${level}2`, `${level}3`, `${level}4`])
)

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")

const record = (r: Reader, resource: ReadonlyArray<string>, sink: Sink, now: () => number) => {
  const fields: Array<string> = []
  const emit = (name: string, value: string) => {
    fields.push(name === "" ? "_msg" : name, value)
  }
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
        severityText = r.string()
        break
      case 5:
        anyValue(r.message(), "", emit)
        break
      case 6:
        keyValue(r.message(), "", emit)
        break
      case 9: {
        const id = r.bytes()
        if (id.length > 0) fields.push("trace_id", hex(id))
        break
      }
      case 10: {
        const id = r.bytes()
        if (id.length > 0) fields.push("span_id", hex(id))
        break
      }
      default:
        r.skip()
    }
  }
  fields.push("severity", severityText !== "" ? severityText : (severities[severityNumber] ?? "Unspecified"))
  const at = time !== undefined && (time.lo !== 0 || time.hi !== 0) ? time : observed
  if (at !== undefined && (at.lo !== 0 || at.hi !== 0)) {
    const { ms, nsInMs } = splitNanos(at.lo, at.hi)
    sink(resource, fields, ms, nsInMs)
  } else {
    sink(resource, fields, now(), 0)
  }
}

/**
 * Decodes a request body, calling `sink` per record. Throws `WireError` on malformed
 * protobuf, possibly after calling `sink`: callers decode fully before storing.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (body: Uint8Array, sink: Sink, now: () => number = Date.now): void => {
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
        attributesOf(rl.message(), 1, "", (name, value) => resource.push(name === "" ? "_msg" : name, value))
      else if (rl.field === 2 && rl.wire === WireType.bytes) scopes.push(rl.message())
      else rl.skip()
    }
    for (const scope of scopes) {
      while (scope.next()) {
        if (scope.field === 2 && scope.wire === WireType.bytes) record(scope.message(), resource, sink, now)
        else scope.skip()
      }
    }
  }
}
