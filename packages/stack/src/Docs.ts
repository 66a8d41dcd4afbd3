/**
 * The catalogue as Markdown, for the README and docs/contract.md. Generated, never edited by
 * hand: a test fails when a copy is stale (`npm run gen` rewrites them).
 *
 * @since 0.1.0
 */
import { Catalogue, Correlation, Naming } from "@gastown-otel/schema"

const { entries, metrics } = Catalogue

/**
 * The Markdown documents, from the repository root, that carry the generated catalogue.
 *
 * @since 0.1.0
 * @category docs
 */
export const documents: ReadonlyArray<string> = ["README.md", "docs/contract.md"]

/**
 * Markers around the generated part of a Markdown file.
 *
 * @since 0.1.0
 * @category docs
 */
export const markers = {
  start: "<!-- catalogue:start (generated from packages/schema by `npm run gen`; do not edit) -->",
  end: "<!-- catalogue:end -->"
} as const

const code = (text: string) => `\`${text}\``
const row = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n")

const describeField = (field: Catalogue.Field): string => {
  const notes = [
    field.type,
    ...(field.optional ? ["optional"] : []),
    ...(field.truncateBytes !== undefined ? [`≤ ${field.truncateBytes} B`] : []),
    ...(field.redact ? ["redacted"] : [])
  ]
  return `${code(field.name)} (${notes.join(", ")})`
}

/**
 * The correlation labels table.
 *
 * @since 0.1.0
 * @category docs
 */
export const correlationTable = (): string =>
  table(
    ["label", "from", "on metrics (VictoriaMetrics name)"],
    Correlation.definitions.map((l) => [
      code(l.key),
      l.env.map(code).join(", then "),
      l.onMetrics ? code(Naming.promCompatible(l.key)) : "no: logs and spans only"
    ])
  )

/**
 * The metrics table: stored name, kind, unit, source event, labels.
 *
 * @since 0.1.0
 * @category docs
 */
export const metricsTable = (): string =>
  table(
    ["metric", "kind", "unit", "from event", "labels beyond gt.*", "description"],
    metrics.map((m) => [
      code(Naming.promCompatible(m.name)),
      m.kind,
      code(m.unit),
      code(m.event),
      m.labels.length === 0 ? "—" : m.labels.map(code).join(", "),
      m.description
    ])
  )

/**
 * The log events table: body, emitter, attributes.
 *
 * @since 0.1.0
 * @category docs
 */
export const eventsTable = (): string =>
  table(
    ["event (log body)", "emitted by", "attributes", "meaning"],
    entries.map((e) => [code(e.spec.name), e.spec.emitter, e.fields.map(describeField).join(", "), e.spec.description])
  )

/**
 * The whole generated section, markers included.
 *
 * @since 0.1.0
 * @category docs
 */
export const catalogueSection = (): string =>
  [
    markers.start,
    "",
    "#### Correlation labels",
    "",
    correlationTable(),
    "",
    `#### Metrics (${metrics.length})`,
    "",
    metricsTable(),
    "",
    `#### Log events (${entries.length})`,
    "",
    "Every record also carries the correlation labels that are set. A cut field carries `<field>_truncated=true`.",
    "",
    eventsTable(),
    "",
    markers.end
  ].join("\n")

/**
 * Replaces the generated section of a Markdown document.
 *
 * @since 0.1.0
 * @category docs
 */
export const replaceSection = (document: string, section: string = catalogueSection()): string => {
  const start = document.indexOf(markers.start)
  const end = document.indexOf(markers.end)
  if (start < 0 || end < start) throw new Error("the document has no catalogue markers")
  return document.slice(0, start) + section + document.slice(end + markers.end.length)
}
