// Per-event recording plans, compiled once per recorder from the catalogue's annotations and
// the export options: which fields label which metrics, which field each metric records, and
// how each field becomes a log attribute (kept, redacted, cut or left out). The recorder runs
// a plan per event instead of reading the annotations again; `Derive` is the straightforward
// reading the plans are tested against.
import { Catalogue, Derive } from "@gastown-otel/schema"
import type { Schema, SchemaAST } from "effect"
import type { KeyValue } from "../OtlpData.ts"

/** An event field that labels at least one of its metrics. */
export interface LabelPlan {
  readonly name: string
  readonly maxBytes: number | undefined
}

export interface MetricPlan {
  readonly metric: Catalogue.Metric
  /** Per label of the metric beyond the correlation keys: its index in the event's `labels`. */
  readonly labels: ReadonlyArray<number>
  /** The field holding the recorded value; `undefined` counts one per event. */
  readonly value: string | undefined
  /** A histogram's bucket boundaries (empty otherwise). */
  readonly bounds: ReadonlyArray<number>
}

/** An exported field: how its value is kept and how it becomes an OTLP attribute. */
export interface FieldPlan {
  readonly name: string
  readonly type: Catalogue.AttributeType
  /** Redaction and cut for text; `undefined` when the value is kept as it is (numbers, booleans, literals). */
  readonly text: Derive.TextRule | undefined
  readonly keyValue: (value: unknown) => KeyValue
  /** `<field>_truncated = true`, shared by every record that cut the field. */
  readonly truncated: KeyValue
  readonly truncatedKey: string
}

export interface EventPlan {
  /** Position in the catalogue: recorders keep per-event tables in arrays. */
  readonly index: number
  readonly name: string
  /** The fields that label the event's metrics, in the order they first appear. */
  readonly labels: ReadonlyArray<LabelPlan>
  readonly metrics: ReadonlyArray<MetricPlan>
  readonly fields: ReadonlyArray<FieldPlan>
  /** Index in `fields` of the status field (`error` makes the record ERROR), or -1. */
  readonly status: number
  /** The severity when there is no status field. */
  readonly severity: Derive.Severity
}

// The values a field's schema allows when it is a literal or a union of literals (an outcome,
// an exit type): their attributes are built once and shared by every record.
const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<unknown> | undefined => {
  if (ast._tag === "Literal") return [ast.literal]
  if (ast._tag !== "Union") return undefined
  const literals: Array<unknown> = []
  for (const member of ast.types) {
    if (member._tag !== "Literal") return undefined
    literals.push(member.literal)
  }
  return literals
}

const keyValueOf = (field: Catalogue.Field, ast: SchemaAST.AST): FieldPlan["keyValue"] => {
  const key = field.name
  switch (field.type) {
    case "int":
      return (value) => ({ key, value: { int: value as number } })
    case "double":
      return (value) => ({ key, value: { double: value as number } })
    case "boolean": {
      const yes: KeyValue = { key, value: { bool: true } }
      const no: KeyValue = { key, value: { bool: false } }
      return (value) => (value === true ? yes : no)
    }
    case "string": {
      const literals = literalsOf(ast)
      if (literals === undefined) return (value) => ({ key, value: { string: value as string } })
      const shared = new Map(literals.map((l) => [l, { key, value: { string: l as string } }]))
      return (value) => shared.get(value) ?? { key, value: { string: value as string } }
    }
  }
}

// The text rule of a string field, or `undefined` where it cannot change any value the schema
// allows: no limit and no redaction, or a set of literals that all pass through unchanged.
const textRule = (field: Catalogue.Field, ast: SchemaAST.AST, options: Derive.Options): Derive.TextRule | undefined => {
  const rule = Derive.textRule(field, options)
  if (rule.limitBytes === undefined && !rule.redact) return undefined
  const literals = literalsOf(ast)
  const unchanged = (literal: unknown) => {
    const exported = Derive.exportText(literal as string, rule)
    return exported.text === literal && !exported.truncated
  }
  return literals !== undefined && literals.every(unchanged) ? undefined : rule
}

const compileEvent = (entry: Catalogue.Entry, index: number, options: Derive.Options): EventPlan => {
  const schemaFields = entry.schema.fields as Schema.Struct.Fields
  const fieldNamed = (name: string) => entry.fields.find((f) => f.name === name)!
  const labels: Array<LabelPlan> = []
  const labelIndex = (name: string) => {
    let i = labels.findIndex((l) => l.name === name)
    if (i < 0) i = labels.push({ name, maxBytes: fieldNamed(name).truncateBytes }) - 1
    return i
  }
  const metrics = Catalogue.metrics
    .filter((m) => m.event === entry.spec.name)
    .map((metric): MetricPlan => ({
      metric,
      labels: metric.labels.map(labelIndex),
      value: metric.value,
      bounds: metric.kind === "histogram" ? (metric.boundaries ?? []) : []
    }))
  const fields = entry.fields
    .filter((field) => Derive.isExported(field, options))
    .map((field): FieldPlan => {
      const ast = schemaFields[field.name]!.ast
      const truncatedKey = `${field.name}_truncated`
      return {
        name: field.name,
        type: field.type,
        text: field.type === "string" ? textRule(field, ast, options) : undefined,
        keyValue: keyValueOf(field, ast),
        truncated: { key: truncatedKey, value: { bool: true } },
        truncatedKey
      }
    })
  return {
    index,
    name: entry.spec.name,
    labels,
    metrics,
    fields,
    status: fields.findIndex((f) => f.name === entry.statusField),
    severity: entry.spec.severity ?? "INFO"
  }
}

/** The plan of every catalogue event under the given export options, by event name. */
export const compile = (options: Derive.Options): ReadonlyMap<string, EventPlan> =>
  new Map(Catalogue.entries.map((entry, i) => [entry.spec.name, compileEvent(entry, i, options)]))
