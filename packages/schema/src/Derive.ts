/**
 * What one event becomes: metric updates and a log record, computed from the
 * catalogue's annotations. The exporters and the demo share these functions.
 *
 * @since 0.1.0
 */
import { type AttributeType, byName, type Event, type Field, type Metric, metrics } from "./Catalogue.ts"
import * as Correlation from "./Correlation.ts"
import * as Redact from "./Redact.ts"
import * as Truncate from "./Truncate.ts"

/**
 * A typed OTLP attribute.
 *
 * @since 0.1.0
 * @category models
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
 * @category models
 */
export type Severity = "INFO" | "ERROR"

/**
 * The OTLP `SeverityNumber` of each severity.
 *
 * @since 0.1.0
 * @category derivation
 */
export const severityNumber: { readonly [S in Severity]: number } = { INFO: 9, ERROR: 17 }

/**
 * The log record derived from one event.
 *
 * @since 0.1.0
 * @category models
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
 * @category models
 */
export interface MetricUpdate {
  readonly metric: Metric
  readonly labelValues: ReadonlyArray<string | undefined>
  readonly value: number
}

/**
 * Per-process export choices (docs/contract.md#configuration: `GT_LOG_BD_OUTPUT`, `GT_LOG_BD_CONTENT_LIMIT`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `false` leaves captured process output (fields annotated `content`) out. Default `true`. */
  readonly includeContent?: boolean | undefined
  /** A byte limit replacing the catalogue's for content fields. */
  readonly contentLimitBytes?: number | undefined
}

// Per event: its metrics, each with the byte limit of each of its label fields.
const metricsByEvent: ReadonlyMap<
  string,
  ReadonlyArray<{ readonly metric: Metric; readonly limits: ReadonlyArray<number | undefined> }>
> = Map.groupBy(
  metrics.map((m) => ({
    metric: m,
    limits: m.labels.map((l) => byName.get(m.event)!.fields.find((f) => f.name === l)?.truncateBytes)
  })),
  ({ metric }) => metric.event
)

const cut = (value: string, maxBytes: number | undefined) =>
  maxBytes === undefined ? value : Truncate.utf8(value, maxBytes).text

/**
 * A metric label value as exported: text cut to the field's byte limit, anything else
 * (a boolean) as its string.
 *
 * @since 0.1.0
 * @category derivation
 */
export const labelValue = (value: unknown, maxBytes: number | undefined): string =>
  typeof value === "string" ? cut(value, maxBytes) : String(value)

const correlationValue = (labels: Correlation.Labels, key: Correlation.Key) => {
  const value = labels[key]
  return value === undefined ? undefined : cut(value, Correlation.maxValueBytes)
}

/**
 * What a labels object contributes to every event: its metric label values (in
 * `Correlation.metricKeys` order, `undefined` where unset) and its log attributes.
 *
 * @since 0.1.0
 * @category models
 */
export interface CorrelationValues {
  readonly metricValues: ReadonlyArray<string | undefined>
  readonly attributes: ReadonlyArray<Attribute>
}

const correlations = new WeakMap<Correlation.Labels, CorrelationValues>()

/**
 * The values a labels object contributes, cut to `Correlation.maxValueBytes`. A labels object
 * is immutable and shared by a whole region of work, so this is computed once per object.
 *
 * @since 0.1.0
 * @category derivation
 */
export const correlation = (labels: Correlation.Labels): CorrelationValues => {
  let found = correlations.get(labels)
  if (found === undefined) {
    const attributes: Array<Attribute> = []
    for (const label of Correlation.definitions) {
      const value = correlationValue(labels, label.key)
      if (value !== undefined) attributes.push({ key: label.key, value, type: "string" })
    }
    found = { metricValues: Correlation.metricKeys.map((key) => correlationValue(labels, key)), attributes }
    correlations.set(labels, found)
  }
  return found
}

/**
 * How a text field is exported under the given options.
 *
 * @since 0.1.0
 * @category models
 */
export interface TextRule {
  /** Cut to this many UTF-8 bytes (the cut is marked); no limit when `undefined`. */
  readonly limitBytes: number | undefined
  readonly redact: boolean
}

/**
 * Whether a field is exported under the given options: process output is left out with
 * `includeContent: false`.
 *
 * @since 0.1.0
 * @category derivation
 */
export const isExported = (field: Field, options: Options): boolean =>
  !(field.content && options.includeContent === false)

/**
 * The rule for a text field: the content limit replaces the catalogue's for process output.
 *
 * @since 0.1.0
 * @category derivation
 */
export const textRule = (field: Field, options: Options): TextRule => ({
  limitBytes: (field.content ? options.contentLimitBytes : undefined) ?? field.truncateBytes,
  redact: field.redact ?? false
})

/**
 * Text as exported under a rule: secrets masked (only in what the limit keeps, and a little
 * beyond, so a secret straddling the cut is still recognised), then cut. The result is written
 * into `into` when given, so a caller on a hot path allocates nothing for text that is not cut.
 *
 * @since 0.1.0
 * @category derivation
 */
export const exportText = (
  text: string,
  rule: TextRule,
  into: { text: string; truncated: boolean } = { text: "", truncated: false }
): Truncate.Truncated => {
  const limit = rule.limitBytes
  const redacted = rule.redact ? Redact.secrets(limit === undefined ? text : Redact.window(text, limit)) : text
  const exported = limit === undefined || Truncate.fits(redacted, limit) ? undefined : Truncate.utf8(redacted, limit)
  into.text = exported?.text ?? redacted
  into.truncated = exported?.truncated ?? false
  return into
}

const noMetrics: ReadonlyArray<never> = []

/**
 * The metric updates an event derives, for the given correlation labels.
 *
 * @since 0.1.0
 * @category derivation
 */
export const metricUpdates = (event: Event, labels: Correlation.Labels): ReadonlyArray<MetricUpdate> => {
  const plans = metricsByEvent.get(event._tag) ?? noMetrics
  if (plans.length === 0) return noMetrics
  const record = event as unknown as Record<string, unknown>
  const correlationValues = correlation(labels).metricValues
  const updates: Array<MetricUpdate> = []
  for (const { limits, metric } of plans) {
    // Correlation values first, then the metric's own labels: `metric.labelKeys` order.
    const labelValues = correlationValues.slice()
    for (let i = 0; i < metric.labels.length; i++) labelValues.push(labelValue(record[metric.labels[i]!], limits[i]))
    updates.push({ metric, labelValues, value: metric.value === undefined ? 1 : (record[metric.value] as number) })
  }
  return updates
}

/**
 * The severity of an event's log record: ERROR when its status is `error`.
 *
 * @since 0.1.0
 * @category derivation
 */
export const severity = (event: Event): Severity => {
  const entry = byName.get(event._tag)!
  if (entry.statusField !== undefined) {
    return (event as unknown as Record<string, unknown>)[entry.statusField] === "error" ? "ERROR" : "INFO"
  }
  return entry.spec.severity ?? "INFO"
}

/**
 * The log record an event derives: body = event name, attributes = the fields
 * (truncated and redacted as annotated) then the correlation labels.
 *
 * @since 0.1.0
 * @category derivation
 */
export const logRecord = (event: Event, labels: Correlation.Labels, options: Options = {}): LogRecord => {
  const entry = byName.get(event._tag)!
  const record = event as unknown as Record<string, unknown>
  const attributes: Array<Attribute> = []
  for (const field of entry.fields) {
    const value = record[field.name]
    if (value === undefined || !isExported(field, options)) continue
    if (field.type !== "string") {
      attributes.push({ key: field.name, value: value as number | boolean, type: field.type })
      continue
    }
    const exported = exportText(value as string, textRule(field, options))
    attributes.push({ key: field.name, value: exported.text, type: "string" })
    if (exported.truncated) attributes.push({ key: `${field.name}_truncated`, value: true, type: "boolean" })
  }
  for (const attribute of correlation(labels).attributes) attributes.push(attribute)
  return { body: event._tag, severity: severity(event), attributes }
}
