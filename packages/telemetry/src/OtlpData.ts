/**
 * The plain data the OTLP encoder takes: just the parts of the OTLP metrics, logs and traces protos we send,
 * with nanosecond timestamps as bigints.
 *
 * @since 0.1.0
 */

/**
 * An attribute value: one of the four scalar OTLP `AnyValue` kinds.
 *
 * @since 0.1.0
 * @category models
 */
export type AnyValue =
  { readonly string: string } | { readonly int: number } | { readonly double: number } | { readonly bool: boolean }

/**
 * One attribute.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyValue {
  readonly key: string
  readonly value: AnyValue
}

/**
 * The instrumentation scope every batch is tagged with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Scope {
  readonly name: string
  readonly version: string
}

/**
 * A sum or gauge point; `isInt` picks `as_int` (value truncated to an integer) over `as_double`.
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberPoint {
  readonly attributes: ReadonlyArray<KeyValue>
  readonly startTimeUnixNano: bigint
  readonly timeUnixNano: bigint
  readonly value: number
  readonly isInt: boolean
}

/**
 * An explicit-bucket histogram point; `bucketCounts` has one more entry than `explicitBounds`.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistogramPoint {
  readonly attributes: ReadonlyArray<KeyValue>
  readonly startTimeUnixNano: bigint
  readonly timeUnixNano: bigint
  readonly count: number
  readonly sum: number
  readonly bucketCounts: ReadonlyArray<number>
  readonly explicitBounds: ReadonlyArray<number>
  readonly min?: number | undefined
  readonly max?: number | undefined
}

/**
 * OTLP aggregation temporality.
 *
 * @since 0.1.0
 * @category models
 */
export type Temporality = "delta" | "cumulative"

/**
 * One metric with its points.
 *
 * @since 0.1.0
 * @category models
 */
export type MetricData =
  | {
      readonly kind: "sum"
      readonly name: string
      readonly description: string
      readonly unit: string
      readonly monotonic: boolean
      readonly temporality: Temporality
      readonly points: ReadonlyArray<NumberPoint>
    }
  | {
      readonly kind: "gauge"
      readonly name: string
      readonly description: string
      readonly unit: string
      readonly points: ReadonlyArray<NumberPoint>
    }
  | {
      readonly kind: "histogram"
      readonly name: string
      readonly description: string
      readonly unit: string
      readonly temporality: Temporality
      readonly points: ReadonlyArray<HistogramPoint>
    }

/**
 * The metrics of one resource and scope.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceMetrics {
  readonly resource: ReadonlyArray<KeyValue>
  readonly scope: Scope
  readonly metrics: ReadonlyArray<MetricData>
}

/**
 * OTLP SeverityNumber: INFO = 9, WARN = 13, ERROR = 17.
 *
 * @since 0.1.0
 * @category models
 */
export type SeverityNumber = number

/**
 * One log record; `traceId` is 32 hex chars and `spanId` 16, and a malformed id is left out.
 *
 * @since 0.1.0
 * @category models
 */
export interface LogRecordData {
  readonly timeUnixNano: bigint
  readonly observedTimeUnixNano: bigint
  readonly severityNumber: SeverityNumber
  readonly severityText: string
  readonly body: string
  readonly attributes: ReadonlyArray<KeyValue>
  readonly traceId?: string | undefined
  readonly spanId?: string | undefined
  readonly flags?: number | undefined
}

/**
 * The log records of one resource and scope.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceLogs {
  readonly resource: ReadonlyArray<KeyValue>
  readonly scope: Scope
  readonly records: ReadonlyArray<LogRecordData>
}

/**
 * An event on a span.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanEventData {
  readonly name: string
  readonly timeUnixNano: bigint
  readonly attributes: ReadonlyArray<KeyValue>
}

/**
 * A link from a span to another span; `traceId` is 32 hex chars and `spanId` 16.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanLinkData {
  readonly traceId: string
  readonly spanId: string
  readonly attributes: ReadonlyArray<KeyValue>
}

/**
 * OTLP span kind.
 *
 * @since 0.1.0
 * @category models
 */
export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer"

/**
 * OTLP span status: unset, ok, or error with a message.
 *
 * @since 0.1.0
 * @category models
 */
export type SpanStatus =
  { readonly code: "unset" } | { readonly code: "ok" } | { readonly code: "error"; readonly message: string }

/**
 * One ended span; ids in lowercase hex (a malformed id is left out), what a limit kept out counted in the
 * `dropped*` fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanData {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string | undefined
  readonly name: string
  readonly kind: SpanKind
  readonly startTimeUnixNano: bigint
  readonly endTimeUnixNano: bigint
  readonly attributes: ReadonlyArray<KeyValue>
  readonly droppedAttributesCount: number
  readonly events: ReadonlyArray<SpanEventData>
  readonly droppedEventsCount: number
  readonly links: ReadonlyArray<SpanLinkData>
  readonly droppedLinksCount: number
  readonly status: SpanStatus
}

/**
 * The spans of one resource and scope.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceSpans {
  readonly resource: ReadonlyArray<KeyValue>
  readonly scope: Scope
  readonly spans: ReadonlyArray<SpanData>
}
