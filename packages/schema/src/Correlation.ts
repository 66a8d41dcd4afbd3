/**
 * The gt.* correlation labels (docs/contract.md#resource-and-correlation-labels) and how
 * they are read from a process environment.
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect"

/**
 * One correlation label: its key, the environment variables it is read from (first
 * set wins) and whether it is bounded enough to be a metric label.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition {
  readonly key: string
  readonly env: ReadonlyArray<string>
  readonly onMetrics: boolean
}

/**
 * Every correlation label, in the order they are documented.
 *
 * @since 0.1.0
 * @category labels
 */
export const definitions = [
  { key: "gt.role", env: ["GT_ROLE"], onMetrics: true },
  { key: "gt.rig", env: ["GT_RIG"], onMetrics: true },
  { key: "gt.actor", env: ["BD_ACTOR"], onMetrics: true },
  { key: "gt.agent", env: ["GT_POLECAT", "GT_CREW"], onMetrics: true },
  { key: "gt.town", env: ["GT_TOWN"], onMetrics: false },
  { key: "gt.session", env: ["GT_SESSION"], onMetrics: false },
  { key: "gt.run_id", env: ["GT_RUN"], onMetrics: false }
] as const satisfies ReadonlyArray<Definition>

/**
 * A correlation label key, e.g. `gt.rig`.
 *
 * @since 0.1.0
 * @category models
 */
export type Key = (typeof definitions)[number]["key"]

/**
 * The labels people narrow a view by, broadest first: a rig, a role in it, an agent. The
 * dashboards offer them as variables.
 *
 * @since 0.1.0
 * @category labels
 */
export const filterKeys = ["gt.rig", "gt.role", "gt.agent"] as const satisfies ReadonlyArray<Key>

/**
 * Label values are cut to this many UTF-8 bytes on export: they come from the
 * environment, where nothing bounds them.
 *
 * @since 0.1.0
 * @category labels
 */
export const maxValueBytes = 256

/**
 * The label keys that go on metric points (the others are too many-valued).
 *
 * @since 0.1.0
 * @category labels
 */
export const metricKeys: ReadonlyArray<Key> = definitions.filter((l) => l.onMetrics).map((l) => l.key)

/**
 * Every environment variable a label is read from.
 *
 * @since 0.1.0
 * @category labels
 */
export const envVariables: ReadonlyArray<string> = definitions.flatMap((l) => l.env)

const Value = Schema.NonEmptyString

/**
 * The correlation labels of a region of work; absent keys are simply not set.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Labels = Schema.Struct(
  Object.fromEntries(definitions.map((l) => [l.key, Schema.optionalKey(Value)])) as {
    readonly [K in Key]: Schema.optionalKey<typeof Value>
  }
).annotate({ identifier: "Labels" })

/**
 * @since 0.1.0
 * @category models
 */
export type Labels = typeof Labels.Type

const Environment = Schema.Record(Schema.String, Schema.UndefinedOr(Schema.String))

const fromEnvironment = (env: { readonly [name: string]: string | undefined }): Labels => {
  const out: { [K in Key]?: string } = {}
  for (const label of definitions) {
    const value = label.env.map((name) => env[name]?.trim()).find((v) => v !== undefined && v !== "")
    if (value !== undefined) out[label.key] = value
  }
  return out
}

const toEnvironment = (labels: Labels): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const label of definitions) {
    const value = labels[label.key]
    if (value !== undefined) out[label.env[0]] = value
  }
  return out
}

/**
 * Decodes the correlation labels from an environment record (`process.env`):
 * `GT_ROLE` → `gt.role`, `GT_POLECAT` else `GT_CREW` → `gt.agent`, …; empty values
 * are unset.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FromEnvironment = Environment.pipe(
  Schema.decodeTo(Labels, {
    decode: SchemaGetter.transform(fromEnvironment),
    encode: SchemaGetter.transform(toEnvironment)
  })
)
