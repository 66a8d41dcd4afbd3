/**
 * An independent OTLP decoder for tests: the official protobufjs definitions shipped with
 * `@opentelemetry/otlp-transformer`, turned into plain objects. It shares no code with our encoder, so a round trip
 * through it checks our bytes against the upstream schema rather than against themselves.
 *
 * Conversion: 64-bit integers (timestamps, counts, `asInt`, `intValue`) come back as decimal strings, bytes (trace and
 * span ids) as base64, enums as numbers, repeated fields always as arrays, and absent proto3 scalars are left out
 * (`defaults: false`), so a field that is present was on the wire.
 *
 * @since 0.1.0
 */
import { type MessageType, requests } from "./OfficialProtos.ts"

const toObjectOptions = { longs: String, bytes: String, arrays: true, defaults: false, oneofs: false }

const decodeWith = <A>(type: MessageType, bytes: Uint8Array): A =>
  type.toObject(type.decode(bytes), toObjectOptions) as A

/**
 * A decoded `AnyValue`: exactly one member is present. `intValue` is a decimal string.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedAnyValue {
  readonly stringValue?: string
  readonly boolValue?: boolean
  readonly intValue?: string
  readonly doubleValue?: number
  readonly arrayValue?: { readonly values: ReadonlyArray<DecodedAnyValue> }
  readonly kvlistValue?: { readonly values: ReadonlyArray<DecodedKeyValue> }
  readonly bytesValue?: string
}

/**
 * A decoded `KeyValue`; an empty key is absent.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedKeyValue {
  readonly key?: string
  readonly value?: DecodedAnyValue
}

/**
 * A decoded `Resource`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedResource {
  readonly attributes: ReadonlyArray<DecodedKeyValue>
  readonly droppedAttributesCount?: number
}

/**
 * A decoded `InstrumentationScope`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedScope {
  readonly name?: string
  readonly version?: string
  readonly attributes: ReadonlyArray<DecodedKeyValue>
}

/**
 * A decoded `NumberDataPoint`; times and `asInt` are decimal strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedNumberPoint {
  readonly attributes: ReadonlyArray<DecodedKeyValue>
  readonly startTimeUnixNano?: string
  readonly timeUnixNano?: string
  readonly asDouble?: number
  readonly asInt?: string
  readonly exemplars: ReadonlyArray<unknown>
  readonly flags?: number
}

/**
 * A decoded `HistogramDataPoint`; times, `count` and `bucketCounts` are decimal strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedHistogramPoint {
  readonly attributes: ReadonlyArray<DecodedKeyValue>
  readonly startTimeUnixNano?: string
  readonly timeUnixNano?: string
  readonly count?: string
  readonly sum?: number
  readonly bucketCounts: ReadonlyArray<string>
  readonly explicitBounds: ReadonlyArray<number>
  readonly exemplars: ReadonlyArray<unknown>
  readonly flags?: number
  readonly min?: number
  readonly max?: number
}

/**
 * A decoded `Metric`; `aggregationTemporality` is 1 for DELTA and 2 for CUMULATIVE.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedMetric {
  readonly name?: string
  readonly description?: string
  readonly unit?: string
  readonly gauge?: { readonly dataPoints: ReadonlyArray<DecodedNumberPoint> }
  readonly sum?: {
    readonly dataPoints: ReadonlyArray<DecodedNumberPoint>
    readonly aggregationTemporality?: number
    readonly isMonotonic?: boolean
  }
  readonly histogram?: {
    readonly dataPoints: ReadonlyArray<DecodedHistogramPoint>
    readonly aggregationTemporality?: number
  }
}

/**
 * A decoded `ExportMetricsServiceRequest`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedMetricsRequest {
  readonly resourceMetrics: ReadonlyArray<{
    readonly resource?: DecodedResource
    readonly schemaUrl?: string
    readonly scopeMetrics: ReadonlyArray<{
      readonly scope?: DecodedScope
      readonly schemaUrl?: string
      readonly metrics: ReadonlyArray<DecodedMetric>
    }>
  }>
}

/**
 * A decoded `LogRecord`; times are decimal strings, ids base64 (see {@link idHex}).
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedLogRecord {
  readonly timeUnixNano?: string
  readonly observedTimeUnixNano?: string
  readonly severityNumber?: number
  readonly severityText?: string
  readonly body?: DecodedAnyValue
  readonly attributes: ReadonlyArray<DecodedKeyValue>
  readonly droppedAttributesCount?: number
  readonly flags?: number
  readonly traceId?: string
  readonly spanId?: string
}

/**
 * A decoded `ExportLogsServiceRequest`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedLogsRequest {
  readonly resourceLogs: ReadonlyArray<{
    readonly resource?: DecodedResource
    readonly schemaUrl?: string
    readonly scopeLogs: ReadonlyArray<{
      readonly scope?: DecodedScope
      readonly schemaUrl?: string
      readonly logRecords: ReadonlyArray<DecodedLogRecord>
    }>
  }>
}

/**
 * A decoded `Span`; times are decimal strings, ids base64 (see {@link idHex}). `kind` and `status.code` are enum
 * numbers.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedSpan {
  readonly traceId?: string
  readonly spanId?: string
  readonly traceState?: string
  readonly parentSpanId?: string
  readonly name?: string
  readonly kind?: number
  readonly startTimeUnixNano?: string
  readonly endTimeUnixNano?: string
  readonly attributes: ReadonlyArray<DecodedKeyValue>
  readonly droppedAttributesCount?: number
  readonly events: ReadonlyArray<{
    readonly timeUnixNano?: string
    readonly name?: string
    readonly attributes: ReadonlyArray<DecodedKeyValue>
  }>
  readonly droppedEventsCount?: number
  readonly links: ReadonlyArray<{
    readonly traceId?: string
    readonly spanId?: string
    readonly traceState?: string
    readonly attributes: ReadonlyArray<DecodedKeyValue>
  }>
  readonly droppedLinksCount?: number
  readonly status?: { readonly message?: string; readonly code?: number }
}

/**
 * A decoded `ExportTraceServiceRequest`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedTracesRequest {
  readonly resourceSpans: ReadonlyArray<{
    readonly resource?: DecodedResource
    readonly schemaUrl?: string
    readonly scopeSpans: ReadonlyArray<{
      readonly scope?: DecodedScope
      readonly schemaUrl?: string
      readonly spans: ReadonlyArray<DecodedSpan>
    }>
  }>
}

/**
 * Decodes an OTLP/HTTP protobuf metrics export body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeMetrics = (bytes: Uint8Array): DecodedMetricsRequest => decodeWith(requests.metrics, bytes)

/**
 * Decodes an OTLP/HTTP protobuf logs export body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeLogs = (bytes: Uint8Array): DecodedLogsRequest => decodeWith(requests.logs, bytes)

/**
 * Decodes an OTLP/HTTP protobuf traces export body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeTraces = (bytes: Uint8Array): DecodedTracesRequest => decodeWith(requests.traces, bytes)

/**
 * A base64 id (as decoded) in lowercase hex, the form OTLP/JSON and our model use.
 *
 * @since 0.1.0
 * @category decoding
 */
export const idHex = (base64: string | undefined): string | undefined =>
  base64 === undefined ? undefined : Buffer.from(base64, "base64").toString("hex")

/**
 * An attribute value as a plain JS value: `intValue` becomes a number; array, kvlist and bytes values are not
 * scalars and come back undefined.
 *
 * @since 0.1.0
 * @category decoding
 */
export const valueOf = (value: DecodedAnyValue | undefined): string | number | boolean | undefined => {
  if (value === undefined) return undefined
  if (value.stringValue !== undefined) return value.stringValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.boolValue !== undefined) return value.boolValue
  return undefined
}

/**
 * The OTLP type of an attribute value, or undefined for a missing or non-scalar value.
 *
 * @since 0.1.0
 * @category decoding
 */
export const typeOf = (value: DecodedAnyValue | undefined): "string" | "int" | "double" | "bool" | undefined => {
  if (value === undefined) return undefined
  if (value.stringValue !== undefined) return "string"
  if (value.intValue !== undefined) return "int"
  if (value.doubleValue !== undefined) return "double"
  if (value.boolValue !== undefined) return "bool"
  return undefined
}

// Object.fromEntries defines own properties, so a key such as "__proto__" is kept rather than hitting the setter.
const ownRecord = <A>(
  kvs: ReadonlyArray<DecodedKeyValue>,
  f: (value: DecodedAnyValue | undefined) => A | undefined
): Record<string, A> => {
  const entries: Array<[string, A]> = []
  for (const kv of kvs) {
    const a = f(kv.value)
    if (a !== undefined) entries.push([kv.key ?? "", a])
  }
  return Object.fromEntries(entries)
}

/**
 * A decoded attribute list as a `{ key: value }` record (see {@link valueOf}); non-scalar values are skipped.
 *
 * @since 0.1.0
 * @category decoding
 */
export const attributesOf = (kvs: ReadonlyArray<DecodedKeyValue>): Record<string, string | number | boolean> =>
  ownRecord(kvs, valueOf)

/**
 * A decoded attribute list as a `{ key: type }` record, to check that types survived (an int is not a double).
 *
 * @since 0.1.0
 * @category decoding
 */
export const attributeTypes = (
  kvs: ReadonlyArray<DecodedKeyValue>
): Record<string, "string" | "int" | "double" | "bool"> => ownRecord(kvs, typeOf)
