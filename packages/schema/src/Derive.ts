/**
 * What one event becomes: metric updates and a log record, computed from the
 * catalogue's annotations. The exporters and the demo share these functions.
 *
 * @since 0.1.0
 */
import { type AttributeType, byName, type Event, type Metric, metrics } from "./Catalogue.ts"
import * as GtContext from "./GtContext.ts"
import * as Redact from "./Redact.ts"
import * as Truncate from "./Truncate.ts"

/**
 * A typed OTLP attribute.
 *
 * @since 0.1.0
 */
export interface Attribute {
  readonly key: string
  readonly value: string | number | boolean
  readonly type: AttributeType
}

/**
 * Log severities we emit.
 *
 * @since 0.1.0
 */
export type Severity = "INFO" | "ERROR"

/**
 * The OTLP `SeverityNumber` of each severity.
 *
 * @since 0.1.0
 */
export const severityNumber: { readonly [S in Severity]: number } = { INFO: 9, ERROR: 17 }

/**
 * The log record derived from one event.
 *
 * @since 0.1.0
 */
export interface LogRecord {
  readonly body: string
  readonly severity: Severity
  readonly attributes: ReadonlyArray<Attribute>
}

/**
 * One metric update: `value` added to a counter, recorded in a histogram or set on a
 * gauge, for the label values given in `metric.labelKeys` order (`undefined`: a
 * correlation label that is not set).
 *
 * @since 0.1.0
 */
export interface MetricUpdate {
  readonly metric: Metric
  readonly labelValues: ReadonlyArray<string | undefined>
  readonly value: number
}

/**
 * Per-process export choices (SPEC §2: `GT_LOG_BD_OUTPUT`, `GT_LOG_BD_CONTENT_LIMIT`).
 *
 * @since 0.1.0
 */
export interface Options {
  /** `false` leaves captured process output (fields annotated `content`) out. Default `true`. */
  readonly includeContent?: boolean | undefined
  /** A byte limit replacing the catalogue's for content fields. */
  readonly contentLimitBytes?: number | undefined
}

const metricsByEvent: ReadonlyMap<string, ReadonlyArray<Metric>> = Map.groupBy(metrics, (m) => m.event)

// Per metric label field: its byte limit, if it has one.
const labelLimits: ReadonlyMap<Metric, ReadonlyArray<number | undefined>> = new Map(
  metrics.map((m) => [m, m.labels.map((l) => byName.get(m.event)!.fields.find((f) => f.name === l)?.truncateBytes)])
)

const cut = (value: string, maxBytes: number | undefined) =>
  maxBytes === undefined ? value : Truncate.utf8(value, maxBytes).text

const labelValue = (value: unknown, maxBytes: number | undefined): string =>
  typeof value === "string" ? cut(value, maxBytes) : String(value)

const correlationValue = (context: GtContext.GtContext, key: GtContext.Key) => {
  const value = context[key]
  return value === undefined ? undefined : cut(value, GtContext.maxValueBytes)
}

/**
 * The metric updates an event derives, for the given correlation labels.
 *
 * @since 0.1.0
 */
export const metricUpdates = (event: Event, context: GtContext.GtContext): ReadonlyArray<MetricUpdate> => {
  const record = event as unknown as Record<string, unknown>
  const correlation = GtContext.metricKeys.map((key) => correlationValue(context, key))
  return (metricsByEvent.get(event._tag) ?? []).map((metric) => ({
    metric,
    labelValues: [
      ...correlation,
      ...metric.labels.map((field, i) => labelValue(record[field], labelLimits.get(metric)![i]))
    ],
    value: metric.value === undefined ? 1 : (record[metric.value] as number)
  }))
}

/**
 * The severity of an event's log record: ERROR when its outcome is `error`.
 *
 * @since 0.1.0
 */
export const severity = (event: Event): Severity => {
  const entry = byName.get(event._tag)!
  if (entry.outcome !== undefined) {
    return (event as unknown as Record<string, unknown>)[entry.outcome] === "error" ? "ERROR" : "INFO"
  }
  return entry.spec.severity ?? "INFO"
}

/**
 * The log record an event derives: body = event name, attributes = the fields
 * (truncated and redacted as annotated) then the correlation labels.
 *
 * @since 0.1.0
 */
export const logRecord = (event: Event, context: GtContext.GtContext, options: Options = {}): LogRecord => {
  const entry = byName.get(event._tag)!
  const record = event as unknown as Record<string, unknown>
  const attributes: Array<Attribute> = []
  for (const field of entry.fields) {
    const value = record[field.name]
    if (value === undefined || (field.content && options.includeContent === false)) continue
    if (field.type !== "string") {
      attributes.push({ key: field.name, value: value as number | boolean, type: field.type })
      continue
    }
    const limit = (field.content ? options.contentLimitBytes : undefined) ?? field.truncateBytes
    let text = value as string
    if (field.redact) text = Redact.secrets(limit === undefined ? text : Redact.window(text, limit))
    if (limit !== undefined) {
      const cut = Truncate.utf8(text, limit)
      attributes.push({ key: field.name, value: cut.text, type: "string" })
      if (cut.truncated) attributes.push({ key: `${field.name}_truncated`, value: true, type: "boolean" })
      continue
    }
    attributes.push({ key: field.name, value: text, type: "string" })
  }
  for (const label of GtContext.labels) {
    const value = correlationValue(context, label.key)
    if (value !== undefined) attributes.push({ key: label.key, value, type: "string" })
  }
  return { body: event._tag, severity: severity(event), attributes }
}
