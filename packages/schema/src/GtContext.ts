/**
 * The gt.* correlation labels (SPEC §3) and how they are read from a process
 * environment.
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect"

/**
 * One correlation label: its key, the environment variables it is read from (first
 * set wins) and whether it is bounded enough to be a metric label.
 *
 * @since 0.1.0
 */
export interface CorrelationLabel {
  readonly key: string
  readonly env: ReadonlyArray<string>
  readonly onMetrics: boolean
}

/**
 * All correlation labels, in the order they are documented.
 *
 * @since 0.1.0
 */
export const labels = [
  { key: "gt.role", env: ["GT_ROLE"], onMetrics: true },
  { key: "gt.rig", env: ["GT_RIG"], onMetrics: true },
  { key: "gt.actor", env: ["BD_ACTOR"], onMetrics: true },
  { key: "gt.agent", env: ["GT_POLECAT", "GT_CREW"], onMetrics: true },
  { key: "gt.town", env: ["GT_TOWN"], onMetrics: false },
  { key: "gt.session", env: ["GT_SESSION"], onMetrics: false },
  { key: "gt.run_id", env: ["GT_RUN"], onMetrics: false }
] as const satisfies ReadonlyArray<CorrelationLabel>

/**
 * A correlation label key, e.g. `gt.rig`.
 *
 * @since 0.1.0
 */
export type Key = (typeof labels)[number]["key"]

/**
 * Label values are cut to this many UTF-8 bytes on export: they come from the
 * environment, where nothing bounds them.
 *
 * @since 0.1.0
 */
export const maxValueBytes = 256

/**
 * The label keys that go on metric points (the others are too many-valued).
 *
 * @since 0.1.0
 */
export const metricKeys: ReadonlyArray<Key> = labels.filter((l) => l.onMetrics).map((l) => l.key)

/**
 * Every environment variable a label is read from.
 *
 * @since 0.1.0
 */
export const envVariables: ReadonlyArray<string> = labels.flatMap((l) => l.env)

const Value = Schema.NonEmptyString

/**
 * The correlation labels of a region of work; absent keys are simply not set.
 *
 * @since 0.1.0
 */
export const GtContext = Schema.Struct(
  Object.fromEntries(labels.map((l) => [l.key, Schema.optionalKey(Value)])) as {
    readonly [K in Key]: Schema.optionalKey<typeof Value>
  }
).annotate({ identifier: "GtContext" })

/**
 * @since 0.1.0
 */
export type GtContext = typeof GtContext.Type

const Environment = Schema.Record(Schema.String, Schema.UndefinedOr(Schema.String))

const fromEnvironment = (env: { readonly [name: string]: string | undefined }): GtContext => {
  const out: { [K in Key]?: string } = {}
  for (const label of labels) {
    const value = label.env.map((name) => env[name]?.trim()).find((v) => v !== undefined && v !== "")
    if (value !== undefined) out[label.key] = value
  }
  return out
}

const toEnvironment = (context: GtContext): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const label of labels) {
    const value = context[label.key]
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
 */
export const FromEnvironment = Environment.pipe(
  Schema.decodeTo(GtContext, {
    decode: SchemaGetter.transform(fromEnvironment),
    encode: SchemaGetter.transform(toEnvironment)
  })
)
