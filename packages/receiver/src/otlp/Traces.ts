/**
 * An OTLP `ExportTraceServiceRequest` turned into span records for a trace view: ids in
 * hex, times in nanoseconds (decimal strings, exact), attributes flattened to strings as
 * for logs.
 *
 * @since 0.1.0
 */
import { Reader, WireType } from "../internal/Protobuf.ts"
import { attributesOf, decoding, keyValue, type Target } from "./AnyValue.ts"

/**
 * A span as stored.
 *
 * @since 0.1.0
 * @category models
 */
export interface Span {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string
  readonly traceState: string
  readonly name: string
  /** The OTLP `SpanKind` number (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  readonly kind: number
  readonly startNs: string
  readonly endNs: string
  readonly attributes: Record<string, string>
  readonly events: ReadonlyArray<{
    readonly timeNs: string
    readonly name: string
    readonly attributes: Record<string, string>
  }>
  readonly links: ReadonlyArray<{
    readonly traceId: string
    readonly spanId: string
    readonly attributes: Record<string, string>
  }>
  /** The OTLP status code (0 unset, 1 ok, 2 error) and message. */
  readonly status: { readonly code: number; readonly message: string }
  readonly resource: Record<string, string>
  readonly scope: { readonly name: string; readonly version: string }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")

const nanos = (r: Reader) => {
  const { lo, hi } = r.fixed64Parts()
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString()
}

// Object.defineProperty-free: `Object.fromEntries` keeps a key such as "__proto__" as data.
const attributes = (fill: (target: Target) => void): Record<string, string> => {
  const entries: Array<[string, string]> = []
  fill(decoding((name, value) => entries.push([name, value])))
  return Object.fromEntries(entries)
}

const event = (r: Reader) => {
  let timeNs = "0"
  let name = ""
  const attrs: Array<Reader> = []
  while (r.next()) {
    if (r.field === 1) timeNs = nanos(r)
    else if (r.field === 2) name = r.string()
    else if (r.field === 3 && r.wire === WireType.bytes) attrs.push(r.message())
    else r.skip()
  }
  return { timeNs, name, attributes: attributes((target) => attrs.forEach((kv) => keyValue(kv, "", target))) }
}

const link = (r: Reader) => {
  let traceId = ""
  let spanId = ""
  const attrs: Array<Reader> = []
  while (r.next()) {
    if (r.field === 1) traceId = hex(r.bytes())
    else if (r.field === 2) spanId = hex(r.bytes())
    else if (r.field === 4 && r.wire === WireType.bytes) attrs.push(r.message())
    else r.skip()
  }
  return { traceId, spanId, attributes: attributes((target) => attrs.forEach((kv) => keyValue(kv, "", target))) }
}

const span = (r: Reader, resource: Record<string, string>, scope: Span["scope"]): Span => {
  let traceId = ""
  let spanId = ""
  let parentSpanId = ""
  let traceState = ""
  let name = ""
  let kind = 0
  let startNs = "0"
  let endNs = "0"
  const attrs: Array<Reader> = []
  const events: Array<Span["events"][number]> = []
  const links: Array<Span["links"][number]> = []
  let status = { code: 0, message: "" }
  while (r.next()) {
    switch (r.field) {
      case 1:
        traceId = hex(r.bytes())
        break
      case 2:
        spanId = hex(r.bytes())
        break
      case 3:
        traceState = r.string()
        break
      case 4:
        parentSpanId = hex(r.bytes())
        break
      case 5:
        name = r.string()
        break
      case 6:
        kind = r.uint32()
        break
      case 7:
        startNs = nanos(r)
        break
      case 8:
        endNs = nanos(r)
        break
      case 9:
        if (r.wire === WireType.bytes) attrs.push(r.message())
        else r.skip()
        break
      case 11:
        events.push(event(r.message()))
        break
      case 13:
        links.push(link(r.message()))
        break
      case 15: {
        const s = r.message()
        const next = { code: 0, message: "" }
        while (s.next()) {
          if (s.field === 2) next.message = s.string()
          else if (s.field === 3) next.code = s.uint32()
          else s.skip()
        }
        status = next
        break
      }
      default:
        r.skip()
    }
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    name,
    kind,
    startNs,
    endNs,
    attributes: attributes((target) => attrs.forEach((kv) => keyValue(kv, "", target))),
    events,
    links,
    status,
    resource,
    scope
  }
}

/**
 * Decodes a request body into spans. Throws `WireError` on malformed protobuf.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (body: Uint8Array): Array<Span> => {
  const spans: Array<Span> = []
  const request = new Reader(body)
  while (request.next()) {
    if (request.field !== 1 || request.wire !== WireType.bytes) {
      request.skip()
      continue
    }
    const rs = request.message()
    let resource: Record<string, string> = {}
    const scopes: Array<Reader> = []
    while (rs.next()) {
      if (rs.field === 1 && rs.wire === WireType.bytes) {
        const message = rs.message()
        resource = attributes((target) => attributesOf(message, 1, "", target))
      } else if (rs.field === 2 && rs.wire === WireType.bytes) scopes.push(rs.message())
      else rs.skip()
    }
    for (const ss of scopes) {
      let scope = { name: "", version: "" }
      const raw: Array<Reader> = []
      while (ss.next()) {
        if (ss.field === 1 && ss.wire === WireType.bytes) {
          const s = ss.message()
          const next = { name: "", version: "" }
          while (s.next()) {
            if (s.field === 1) next.name = s.string()
            else if (s.field === 2) next.version = s.string()
            else s.skip()
          }
          scope = next
        } else if (ss.field === 2 && ss.wire === WireType.bytes) raw.push(ss.message())
        else ss.skip()
      }
      for (const r of raw) spans.push(span(r, resource, scope))
    }
  }
  return spans
}
