// Hand-rolled OTLP/HTTP protobuf encoding of metrics and logs export requests, straight from the plain model
// data into one reused buffer. Field numbers follow opentelemetry-proto (common, resource, metrics,
// logs and the collector services). Traces are encoded in EncodeTraces.ts with the helpers exported here,
// loaded only by a process that exports spans. Proto3 defaults (empty strings, zero scalars) are left out, as a canonical
// encoder would; oneof and `optional` fields are always written because their presence carries meaning.
import type {
  HistogramPoint,
  KeyValue,
  LogRecordData,
  MetricData,
  NumberPoint,
  ResourceLogs,
  ResourceMetrics,
  Scope,
  Temporality
} from "../../OtlpData.ts"
import * as P from "./Protobuf.ts"

// A tag is (field number << 3) | wire type. Every field here is numbered below 16, so every tag is one byte.
export const VARINT = 0
export const I64 = 1
export const LEN = 2
const I32 = 5
export const tag = (field: number, wire: number): number => (field << 3) | wire

// Shared by ExportMetricsServiceRequest.resource_metrics, ExportLogsServiceRequest.resource_logs,
// Resource*.resource, Scope*.scope, Gauge/Sum/Histogram.data_points, KeyValue.key, AnyValue.string_value, ...
export const F1_LEN = tag(1, LEN)
export const F2_LEN = tag(2, LEN)

const AnyValueTag = {
  string: tag(1, LEN),
  bool: tag(2, VARINT),
  int: tag(3, VARINT),
  double: tag(4, I64)
} as const

const MetricTag = {
  name: tag(1, LEN),
  description: tag(2, LEN),
  unit: tag(3, LEN),
  gauge: tag(5, LEN),
  sum: tag(7, LEN),
  histogram: tag(9, LEN)
} as const

// Sum and Histogram share these: data_points = 1, aggregation_temporality = 2; Sum adds is_monotonic = 3.
const AggregationTag = {
  dataPoints: tag(1, LEN),
  temporality: tag(2, VARINT),
  monotonic: tag(3, VARINT)
} as const

const NumberPointTag = {
  startTime: tag(2, I64),
  time: tag(3, I64),
  asDouble: tag(4, I64),
  asInt: tag(6, I64),
  attributes: tag(7, LEN)
} as const

const HistogramPointTag = {
  startTime: tag(2, I64),
  time: tag(3, I64),
  count: tag(4, I64),
  sum: tag(5, I64),
  bucketCounts: tag(6, LEN),
  explicitBounds: tag(7, LEN),
  attributes: tag(9, LEN),
  min: tag(11, I64),
  max: tag(12, I64)
} as const

const LogRecordTag = {
  time: tag(1, I64),
  severityNumber: tag(2, VARINT),
  severityText: tag(3, LEN),
  body: tag(5, LEN),
  attributes: tag(6, LEN),
  flags: tag(8, I32),
  traceId: tag(9, LEN),
  spanId: tag(10, LEN),
  observedTime: tag(11, I64)
} as const

// AggregationTemporality enum: DELTA = 1, CUMULATIVE = 2.
const temporalityValue = (t: Temporality): number => (t === "delta" ? 1 : 2)

// One scratch writer for the module: encoding is synchronous, so calls cannot interleave, and reuse saves
// growing a fresh buffer per request. `finish` hands back a copy.
export const w = P.make(16 * 1024)
// A rare huge request should not pin its buffer for the life of the process.
const RETAIN_LIMIT = 1024 * 1024

export const finish = (): Uint8Array => {
  const out = P.finish(w)
  if (w.buf.length > RETAIN_LIMIT) {
    const fresh = P.make(16 * 1024)
    w.buf = fresh.buf
    w.view = fresh.view
  }
  P.reset(w)
  return out
}

export const stringField = (fieldTag: number, s: string): void => {
  if (s.length === 0) return
  P.uint32(w, fieldTag)
  P.string(w, s)
}

/** An attribute value's OTLP type. */
export type AttributeType = "string" | "int" | "double" | "boolean"

// The body of an AnyValue holding one scalar.
const scalar = (type: AttributeType, value: string | number | boolean): void => {
  switch (type) {
    case "string":
      P.uint32(w, AnyValueTag.string)
      P.string(w, value as string)
      break
    case "int":
      P.uint32(w, AnyValueTag.int)
      P.int64(w, value as number)
      break
    case "double":
      P.uint32(w, AnyValueTag.double)
      P.double(w, value as number)
      break
    case "boolean":
      P.uint32(w, AnyValueTag.bool)
      P.uint32(w, value ? 1 : 0)
  }
}

// A KeyValue: key = 1, value = 2.
export const keyValue = (
  fieldTag: number,
  key: string,
  type: AttributeType,
  value: string | number | boolean
): void => {
  const at = P.fork(w, fieldTag)
  stringField(F1_LEN, key)
  const inner = P.fork(w, F2_LEN)
  scalar(type, value)
  P.ldelim(w, inner)
  P.ldelim(w, at)
}

export const attributes = (fieldTag: number, kvs: ReadonlyArray<KeyValue>): void => {
  for (let i = 0; i < kvs.length; i++) {
    const { key, value: v } = kvs[i]!
    if ("string" in v) keyValue(fieldTag, key, "string", v.string)
    else if ("int" in v) keyValue(fieldTag, key, "int", v.int)
    else if ("double" in v) keyValue(fieldTag, key, "double", v.double)
    else keyValue(fieldTag, key, "boolean", v.bool)
  }
}

// Resource.attributes = 1; the resource itself is field 1 of both ResourceMetrics and ResourceLogs.
export const resource = (kvs: ReadonlyArray<KeyValue>): void => {
  const at = P.fork(w, F1_LEN)
  attributes(F1_LEN, kvs)
  P.ldelim(w, at)
}

// InstrumentationScope name = 1, version = 2; the scope is field 1 of both ScopeMetrics and ScopeLogs.
export const scope = (s: Scope): void => {
  const at = P.fork(w, F1_LEN)
  stringField(F1_LEN, s.name)
  stringField(F2_LEN, s.version)
  P.ldelim(w, at)
}

export const timestamp = (fieldTag: number, nanos: bigint): void => {
  if (nanos === 0n) return
  P.uint32(w, fieldTag)
  P.fixed64Big(w, nanos)
}

const numberPoints = (points: ReadonlyArray<NumberPoint>): void => {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    const at = P.fork(w, AggregationTag.dataPoints)
    timestamp(NumberPointTag.startTime, p.startTimeUnixNano)
    timestamp(NumberPointTag.time, p.timeUnixNano)
    if (p.isInt) {
      P.uint32(w, NumberPointTag.asInt)
      P.fixed64(w, p.value)
    } else {
      P.uint32(w, NumberPointTag.asDouble)
      P.double(w, p.value)
    }
    attributes(NumberPointTag.attributes, p.attributes)
    P.ldelim(w, at)
  }
}

const histogramPoint = (p: HistogramPoint): void => {
  const at = P.fork(w, AggregationTag.dataPoints)
  timestamp(HistogramPointTag.startTime, p.startTimeUnixNano)
  timestamp(HistogramPointTag.time, p.timeUnixNano)
  if (p.count !== 0) {
    P.uint32(w, HistogramPointTag.count)
    P.fixed64(w, p.count)
  }
  // `optional double sum`: written even when zero, since absence means "sum unknown".
  P.uint32(w, HistogramPointTag.sum)
  P.double(w, p.sum)
  const counts = p.bucketCounts
  if (counts.length > 0) {
    P.uint32(w, HistogramPointTag.bucketCounts)
    P.uint32(w, counts.length * 8)
    for (let i = 0; i < counts.length; i++) P.fixed64(w, counts[i]!)
  }
  const bounds = p.explicitBounds
  if (bounds.length > 0) {
    P.uint32(w, HistogramPointTag.explicitBounds)
    P.uint32(w, bounds.length * 8)
    for (let i = 0; i < bounds.length; i++) P.double(w, bounds[i]!)
  }
  attributes(HistogramPointTag.attributes, p.attributes)
  if (p.min !== undefined) {
    P.uint32(w, HistogramPointTag.min)
    P.double(w, p.min)
  }
  if (p.max !== undefined) {
    P.uint32(w, HistogramPointTag.max)
    P.double(w, p.max)
  }
  P.ldelim(w, at)
}

const metric = (m: MetricData): void => {
  // ScopeMetrics.metrics = 2
  const at = P.fork(w, F2_LEN)
  stringField(MetricTag.name, m.name)
  stringField(MetricTag.description, m.description)
  stringField(MetricTag.unit, m.unit)
  switch (m.kind) {
    case "gauge": {
      const data = P.fork(w, MetricTag.gauge)
      numberPoints(m.points)
      P.ldelim(w, data)
      break
    }
    case "sum": {
      const data = P.fork(w, MetricTag.sum)
      numberPoints(m.points)
      P.uint32(w, AggregationTag.temporality)
      P.uint32(w, temporalityValue(m.temporality))
      if (m.monotonic) {
        P.uint32(w, AggregationTag.monotonic)
        P.uint32(w, 1)
      }
      P.ldelim(w, data)
      break
    }
    case "histogram": {
      const data = P.fork(w, MetricTag.histogram)
      for (let i = 0; i < m.points.length; i++) histogramPoint(m.points[i]!)
      P.uint32(w, AggregationTag.temporality)
      P.uint32(w, temporalityValue(m.temporality))
      P.ldelim(w, data)
      break
    }
  }
  P.ldelim(w, at)
}

/**
 * Encodes an export request: per batch, one `Resource*` (field 1 of the request) holding its resource and one
 * `Scope*` (its field 2) holding the scope and the batch's items, as the three collector services define them.
 */
export const request = <B extends { readonly resource: ReadonlyArray<KeyValue>; readonly scope: Scope }, I>(
  batches: ReadonlyArray<B>,
  items: (batch: B) => ReadonlyArray<I>,
  item: (value: I) => void
): Uint8Array => {
  P.reset(w)
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!
    const outer = P.fork(w, F1_LEN)
    resource(batch.resource)
    const inner = P.fork(w, F2_LEN)
    scope(batch.scope)
    const values = items(batch)
    for (let j = 0; j < values.length; j++) item(values[j]!)
    P.ldelim(w, inner)
    P.ldelim(w, outer)
  }
  return finish()
}

// Encodes an `opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest`.
export const metricsRequest = (batches: ReadonlyArray<ResourceMetrics>): Uint8Array =>
  request(batches, (batch) => batch.metrics, metric)

/** Writes one attribute: its key, its OTLP type and its value. */
export type AttributeWriter = (key: string, type: AttributeType, value: string | number | boolean) => void

/**
 * A log record, span event or span that can list its attributes without building `KeyValue`
 * objects (the recorder's buffered records, the tracer's ended spans): the encoder writes them
 * as they come.
 */
export interface AttributeSource {
  /** Lists the record's own attributes, before the shared ones. */
  readonly eachAttribute: (write: AttributeWriter) => void
  /** Attributes that follow them, as one array shared by many records. */
  readonly sharedAttributes: ReadonlyArray<KeyValue>
}

/**
 * The bytes of shared attributes as written under one field: each array is written once and copied for every
 * other record. One cache per field, since the tag is part of the bytes.
 */
type SharedBytes = WeakMap<ReadonlyArray<KeyValue>, Uint8Array>

const sharedAttributes = (fieldTag: number, cache: SharedBytes, kvs: ReadonlyArray<KeyValue>): void => {
  const bytes = cache.get(kvs)
  if (bytes !== undefined) return P.raw(w, bytes)
  const start = w.pos
  attributes(fieldTag, kvs)
  cache.set(kvs, w.buf.slice(start, w.pos))
}

const isAttributeSource = (r: object): r is AttributeSource =>
  typeof (r as Partial<AttributeSource>).eachAttribute === "function"

/**
 * The writer of one kind's attributes under `fieldTag`: an {@link AttributeSource}'s own as it lists them and its
 * shared ones once encoded per array; any other's plain list.
 */
export const attributeField = (fieldTag: number) => {
  const write: AttributeWriter = (key, type, value) => keyValue(fieldTag, key, type, value)
  const shared: SharedBytes = new WeakMap()
  return (r: { readonly attributes: ReadonlyArray<KeyValue> }): void => {
    if (isAttributeSource(r)) {
      r.eachAttribute(write)
      sharedAttributes(fieldTag, shared, r.sharedAttributes)
    } else attributes(fieldTag, r.attributes)
  }
}

const logAttributes = attributeField(LogRecordTag.attributes)

const logRecord = (r: LogRecordData): void => {
  // ScopeLogs.log_records = 2
  const at = P.fork(w, F2_LEN)
  timestamp(LogRecordTag.time, r.timeUnixNano)
  if (r.severityNumber !== 0) {
    P.uint32(w, LogRecordTag.severityNumber)
    P.uint32(w, r.severityNumber)
  }
  stringField(LogRecordTag.severityText, r.severityText)
  // The body is an AnyValue holding string_value; written inline to spare an object per record.
  const body = P.fork(w, LogRecordTag.body)
  P.uint32(w, AnyValueTag.string)
  P.string(w, r.body)
  P.ldelim(w, body)
  logAttributes(r)
  if (r.flags !== undefined && r.flags !== 0) {
    P.uint32(w, LogRecordTag.flags)
    P.fixed32(w, r.flags)
  }
  if (r.traceId !== undefined) P.hexBytes(w, LogRecordTag.traceId, r.traceId, 16)
  if (r.spanId !== undefined) P.hexBytes(w, LogRecordTag.spanId, r.spanId, 8)
  timestamp(LogRecordTag.observedTime, r.observedTimeUnixNano)
  P.ldelim(w, at)
}

// Encodes an `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest`, one `ResourceLogs` with one
// `ScopeLogs` per batch.
export const logsRequest = (batches: ReadonlyArray<ResourceLogs>): Uint8Array =>
  request(batches, (batch) => batch.records, logRecord)
