/**
 * The catalogue: every gt/bd event schema, and the metrics and log events derived
 * from their annotations alone.
 *
 * @since 0.1.0
 */
import { Schema, SchemaAST } from "effect"
import { type EventSpec, eventSpec, type FieldSpec, fieldSpec, type MetricSpec } from "./Annotations.ts"
import * as BdEvents from "./BdEvents.ts"
import * as GtEvents from "./GtEvents.ts"
import * as SelfEvents from "./SelfEvents.ts"
import * as Correlation from "./Correlation.ts"

/**
 * Every event schema: gt's, bd's, then the library's own.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const events = [
  GtEvents.BdCall,
  GtEvents.SessionStart,
  GtEvents.SessionStop,
  GtEvents.PromptSend,
  GtEvents.PaneRead,
  GtEvents.Prime,
  GtEvents.AgentStateChange,
  GtEvents.PolecatSpawn,
  GtEvents.PolecatRemove,
  GtEvents.Sling,
  GtEvents.Mail,
  GtEvents.Nudge,
  GtEvents.Done,
  GtEvents.DaemonRestart,
  GtEvents.FormulaInstantiate,
  GtEvents.ConvoyCreate,
  BdEvents.Command,
  BdEvents.StorageOperation,
  BdEvents.StorageError,
  BdEvents.DbRetry,
  BdEvents.DbLockWait,
  BdEvents.IssueCount,
  BdEvents.AiRequest,
  SelfEvents.TelemetryDropped
] as const

/**
 * Any catalogue event, discriminated by `_tag` (the event name).
 *
 * @since 0.1.0
 * @category catalogue
 */
export const Event = Schema.Union(events)

/**
 * @since 0.1.0
 * @category models
 */
export type Event = typeof Event.Type

/**
 * An event name, e.g. `"bd.call"`.
 *
 * @since 0.1.0
 * @category models
 */
export type EventName = Event["_tag"]

/**
 * The OTLP attribute type a field is exported as.
 *
 * @since 0.1.0
 * @category models
 */
export type AttributeType = "string" | "int" | "double" | "boolean"

/**
 * One field of an event as the exporters see it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Field extends FieldSpec {
  readonly name: string
  readonly type: AttributeType
  readonly optional: boolean
}

/**
 * One catalogue entry: the schema, its event annotation and its fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly schema: (typeof events)[number]
  readonly spec: EventSpec
  readonly fields: ReadonlyArray<Field>
  /** The field holding `ok`/`error`, when the event has one. */
  readonly statusField: string | undefined
}

const isInt = (ast: SchemaAST.AST) =>
  ast.checks?.some((check) => check.annotations?.["representation"]?.id === "effect/schema/isInt") ?? false

const attributeType = (ast: SchemaAST.AST): AttributeType => {
  switch (ast._tag) {
    case "Boolean":
      return "boolean"
    case "Number":
      return isInt(ast) ? "int" : "double"
    default:
      return "string"
  }
}

const entry = (schema: (typeof events)[number]): Entry => {
  const fields = Object.entries(schema.fields as Schema.Struct.Fields)
    .filter(([name]) => name !== "_tag")
    .map(([name, field]): Field => ({
      name,
      type: attributeType(field.ast),
      optional: field.ast.context?.isOptional ?? false,
      ...fieldSpec(field)
    }))
  return {
    schema,
    spec: eventSpec(schema)!,
    fields,
    statusField: fields.find((f) => f.status)?.name
  }
}

/**
 * Every entry, in catalogue order.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const entries: ReadonlyArray<Entry> = events.map(entry)

/**
 * Entries by event name.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const byName: ReadonlyMap<string, Entry> = new Map(entries.map((e) => [e.spec.name, e]))

/**
 * A metric with the event it is derived from and the full label key list (gt.*
 * correlation labels first).
 *
 * @since 0.1.0
 * @category models
 */
export interface Metric extends MetricSpec {
  readonly event: string
  readonly emitter: EventSpec["emitter"]
  readonly labelKeys: ReadonlyArray<string>
  /** How point values are sent: `int` for counts, `double` for measured values. */
  readonly valueType: "int" | "double"
  /** Per label key (same order): the most distinct values kept per process, if capped. */
  readonly labelMaxValues: ReadonlyArray<number | undefined>
}

/**
 * Every metric the catalogue derives.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const metrics: ReadonlyArray<Metric> = entries.flatMap((e) =>
  e.spec.metrics.map((m) => ({
    ...m,
    event: e.spec.name,
    emitter: e.spec.emitter,
    labelKeys: [...Correlation.metricKeys, ...m.labels],
    valueType: m.value === undefined || e.fields.find((f) => f.name === m.value)?.type === "int" ? "int" : "double",
    labelMaxValues: [
      ...Correlation.metricKeys.map(() => undefined),
      ...m.labels.map((l) => e.fields.find((f) => f.name === l)?.maxValues)
    ]
  }))
)

/**
 * Every log event: its name and attribute keys (fields, then the correlation labels).
 *
 * @since 0.1.0
 * @category catalogue
 */
export const logEvents: ReadonlyArray<{
  readonly name: string
  readonly emitter: EventSpec["emitter"]
  readonly attributes: ReadonlyArray<string>
}> = entries.map((e) => ({
  name: e.spec.name,
  emitter: e.spec.emitter,
  attributes: [...e.fields.map((f) => f.name), ...Correlation.definitions.map((l) => l.key)]
}))
