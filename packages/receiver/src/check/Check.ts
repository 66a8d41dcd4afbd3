/**
 * What arrived, held against the catalogue: unknown metric and event names, missing,
 * mistyped or out-of-range attributes, wrong severities, histogram bucket boundaries, and
 * how much of the catalogue was seen at all. Pure: it reads a {@link SampleSource} (series
 * labels only) and a {@link LogSource} over a time range.
 *
 * What is held against what:
 *
 * - Only gt's and bd's own telemetry is checked: series and records of another service
 *   (Claude Code, anything else sharing the backend) are counted as skipped, unless they
 *   carry a catalogue name (the library's own `telemetry.dropped` may come from any program).
 * - Values: VictoriaMetrics keeps label values and VictoriaLogs keeps every field as a
 *   string, so a value is checked by parsing it as the catalogue's type (`int`, `double`,
 *   `boolean`), then by the field's schema (literals such as `ok`/`error`, non-negative
 *   counts, non-empty labels). An empty value is stored as no value at all, so a field whose
 *   schema accepts `""` may be absent.
 * - Units: metrics carry no unit in VictoriaMetrics' storage. What shows a unit is a
 *   histogram's bucket boundaries: the `le` values of every `_bucket` series must be the
 *   catalogue's boundaries (in the catalogue's unit) and `+Inf`. A histogram recorded in
 *   seconds, or with other boundaries, fails that.
 *
 * @since 0.1.0
 */
import { Catalogue, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { Result, Schema, type SchemaAST } from "effect"
import type { LogSource } from "../logs/LogRow.ts"
import { parseStream } from "../logsql/internal/compile.ts"
import type { Labels, SampleSource } from "../metrics/Series.ts"

/**
 * The kinds of finding.
 *
 * @since 0.1.0
 * @category models
 */
export const Kind = Schema.Literals([
  "unknown-metric",
  "unknown-event",
  "missing-attribute",
  "mistyped-attribute",
  "invalid-value",
  "unknown-attribute",
  "wrong-severity",
  "bucket-boundaries"
])

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * One kind of problem with one metric series name or event (and attribute), with how many
 * series or records showed it and the first offending value.
 *
 * @since 0.1.0
 * @category models
 */
export const Finding = Schema.Struct({
  kind: Kind,
  signal: Schema.Literals(["metrics", "logs"]),
  /** The stored series name (`gastown_bd_calls_total`) or the event name (`bd.call`). */
  subject: Schema.String,
  /** The label or field concerned, as stored (`status`, `gt_rig`, `gt.rig`, `le`). */
  attribute: Schema.optionalKey(Schema.String),
  /** The first value that showed it. */
  value: Schema.optionalKey(Schema.String),
  /** What the catalogue expects there. */
  expected: Schema.optionalKey(Schema.String),
  /** Series (metrics) or records (logs) affected. */
  count: Schema.Number,
  message: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type Finding = typeof Finding.Type

/**
 * How much of one part of the catalogue was seen.
 *
 * @since 0.1.0
 * @category models
 */
export const Coverage = Schema.Struct({
  seen: Schema.Number,
  total: Schema.Number,
  /** Catalogue names with nothing in the range. */
  missing: Schema.Array(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Coverage = typeof Coverage.Type

/**
 * The result of a check.
 *
 * @since 0.1.0
 * @category models
 */
export const Report = Schema.Struct({
  range: Schema.Struct({ startMs: Schema.Number, endMs: Schema.Number }),
  checked: Schema.Struct({
    series: Schema.Number,
    records: Schema.Number,
    /** Series and records of other services (Claude Code, …), not held against the catalogue. */
    skippedSeries: Schema.Number,
    skippedRecords: Schema.Number
  }),
  findings: Schema.Array(Finding),
  coverage: Schema.Struct({ events: Coverage, metrics: Coverage })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Report = typeof Report.Type

/**
 * What a check reads: series labels and log records.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sources {
  readonly metrics: Pick<SampleSource, "series">
  readonly logs: Pick<LogSource, "scan">
}

/**
 * The time range checked, Unix milliseconds, both ends included.
 *
 * @since 0.1.0
 * @category models
 */
export interface Range {
  readonly startMs: number
  readonly endMs: number
}

const ourServices: ReadonlySet<string> = new Set(Object.values(Resource.serviceNames))
const serviceLabel = Naming.promCompatibleLabel(Resource.keys.serviceName)
const correlationKeys: ReadonlySet<string> = new Set(Correlation.definitions.map((d) => d.key))

// Fields VictoriaLogs gives every record beside its attributes.
const recordFields: ReadonlySet<string> = new Set([
  "_msg",
  "_time",
  "_stream",
  "_stream_id",
  "severity",
  "trace_id",
  "span_id"
])

// The suffix the exporter adds beside a field it had to cut (see Derive.logRecord).
const truncatedSuffix = "_truncated"

interface FieldRule {
  readonly field: Catalogue.Field
  readonly schema: Schema.Top
  /** An empty value is valid, so the field may be stored as absent. */
  readonly mayBeEmpty: boolean
  /** What the catalogue expects, for messages. */
  readonly expected: string
  /** Validation results per stored value (few distinct values per field). */
  readonly cache: Map<string, Problem | undefined>
}

interface Problem {
  readonly kind: "mistyped-attribute" | "invalid-value"
  readonly detail: string
}

const literalsOf = (schema: Schema.Top): ReadonlyArray<string> | undefined => {
  const ast = schema.ast
  if (ast._tag === "Literal") return [String(ast.literal)]
  if (ast._tag === "Union" && ast.types.every((t) => t._tag === "Literal")) {
    return ast.types.map((t) => String((t as SchemaAST.Literal).literal))
  }
  return undefined
}

const fieldRule = (entry: Catalogue.Entry, field: Catalogue.Field): FieldRule => {
  const schema = (entry.schema.fields as Record<string, Schema.Top>)[field.name]!
  const literals = literalsOf(schema)
  return {
    field,
    schema,
    mayBeEmpty: field.type === "string" && Schema.is(schema)(""),
    expected: literals === undefined ? field.type : literals.join("|"),
    cache: new Map()
  }
}

// A stored value read back as the catalogue's type; undefined when it is not one.
const parse = (type: Catalogue.AttributeType, value: string): unknown => {
  switch (type) {
    case "string":
      return value
    case "boolean":
      return value === "true" ? true : value === "false" ? false : undefined
    case "int":
      return /^-?\d+$/.test(value) ? Number(value) : undefined
    case "double": {
      const n = Number(value)
      return value.trim() === "" || Number.isNaN(n) ? undefined : n
    }
  }
}

const validate = (rule: FieldRule, value: string): Problem | undefined => {
  if (rule.cache.has(value)) return rule.cache.get(value)
  let problem: Problem | undefined
  const parsed = parse(rule.field.type, value)
  if (parsed === undefined)
    problem = {
      kind: "mistyped-attribute",
      detail: `is not a${/^[aeiou]/.test(rule.field.type) ? "n" : ""} ${rule.field.type}`
    }
  else {
    const decoded = Schema.decodeUnknownResult(rule.schema as Schema.Codec<unknown, unknown>)(parsed)
    if (Result.isFailure(decoded)) problem = { kind: "invalid-value", detail: decoded.failure.message }
  }
  if (rule.cache.size < 1000) rule.cache.set(value, problem)
  return problem
}

interface MetricRule {
  readonly metric: Catalogue.Metric
  /** `bucket`, `sum`, `count` for a histogram's series, `value` otherwise. */
  readonly part: "bucket" | "sum" | "count" | "value"
  /** Per label field: its stored label name and rule. */
  readonly labels: ReadonlyArray<readonly [string, FieldRule]>
}

interface EventRule {
  readonly entry: Catalogue.Entry
  readonly fields: ReadonlyArray<FieldRule>
  readonly allowed: ReadonlySet<string>
}

const partOf = (metric: Catalogue.Metric, series: string): MetricRule["part"] => {
  if (metric.kind !== "histogram") return "value"
  const base = Naming.promCompatible(metric.name)
  return series === `${base}_bucket` ? "bucket" : series === `${base}_sum` ? "sum" : "count"
}

const eventRules: ReadonlyMap<string, EventRule> = new Map(
  Catalogue.entries.map((entry) => {
    const fields = entry.fields.map((f) => fieldRule(entry, f))
    const allowed = new Set([
      ...entry.fields.map((f) => f.name),
      ...entry.fields.filter((f) => f.truncateBytes !== undefined).map((f) => f.name + truncatedSuffix),
      ...correlationKeys
    ])
    return [entry.spec.name, { entry, fields, allowed }] as const
  })
)

const metricRules: ReadonlyMap<string, MetricRule> = new Map(
  Catalogue.metrics.flatMap((metric) => {
    const event = eventRules.get(metric.event)!
    const labels = metric.labels.map(
      (name) => [Naming.promCompatibleLabel(name), event.fields.find((r) => r.field.name === name)!] as const
    )
    return Naming.series(metric).map((series) => [series, { metric, part: partOf(metric, series), labels }] as const)
  })
)

const bucketLabel = "le"

const leValue = (le: string): number => (le === "+Inf" || le === "Inf" ? Infinity : Number(le))

const formatLe = (n: number): string => (n === Infinity ? "+Inf" : String(n))

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

// A collector of findings, one per (kind, subject, attribute), counting occurrences.
const collector = () => {
  const findings = new Map<string, { -readonly [K in keyof Finding]: Finding[K] }>()
  const add = (finding: Omit<Finding, "count">) => {
    const key = `${finding.kind}\u0000${finding.subject}\u0000${finding.attribute ?? ""}`
    const known = findings.get(key)
    if (known !== undefined) known.count++
    else findings.set(key, { ...finding, count: 1 })
  }
  // In a fixed order: metrics then logs, by subject, kind and attribute.
  const all = (): ReadonlyArray<Finding> =>
    [...findings.values()].toSorted(
      (a, b) =>
        order(a.signal, b.signal) ||
        order(a.subject, b.subject) ||
        order(a.kind, b.kind) ||
        order(a.attribute ?? "", b.attribute ?? "")
    )
  return { add, all }
}

const quoted = (value: string) => JSON.stringify(value)

/**
 * Checks what arrived in `range`.
 *
 * @since 0.1.0
 * @category checking
 */
export const run = (sources: Sources, range: Range): Report => {
  const found = collector()
  const seenMetrics = new Set<string>()
  const seenEvents = new Set<string>()
  let series = 0
  let records = 0
  let skippedSeries = 0
  let skippedRecords = 0

  // Histogram bucket sets: per `_bucket` series name and the other labels, the `le` values seen.
  const buckets = new Map<string, { readonly rule: MetricRule; readonly les: Set<string> }>()

  const checkValue = (
    signal: Finding["signal"],
    subject: string,
    attribute: string,
    rule: FieldRule,
    value: string | undefined
  ) => {
    if (value === undefined || value === "") {
      if (rule.field.optional || rule.mayBeEmpty) return
      found.add({
        kind: "missing-attribute",
        signal,
        subject,
        attribute,
        expected: rule.expected,
        message: `${subject}: no ${attribute} (${rule.expected}, required by the catalogue)`
      })
      return
    }
    const problem = validate(rule, value)
    if (problem === undefined) return
    found.add({
      kind: problem.kind,
      signal,
      subject,
      attribute,
      value,
      expected: rule.expected,
      message: `${subject}: ${attribute}=${quoted(value)} ${problem.kind === "mistyped-attribute" ? problem.detail : `is invalid: ${problem.detail}`}`
    })
  }

  for (const labels of sources.metrics.series(
    [{ name: "__name__", op: "=~", value: ".+" }],
    range.startMs,
    range.endMs
  )) {
    const name = labels["__name__"] ?? ""
    const rule = metricRules.get(name)
    const service = labels[serviceLabel]
    if (rule === undefined) {
      if (service !== undefined && ourServices.has(service)) {
        series++
        found.add({
          kind: "unknown-metric",
          signal: "metrics",
          subject: name,
          value: service,
          message: `${name}: not a catalogue metric (from ${service})`
        })
      } else skippedSeries++
      continue
    }
    series++
    seenMetrics.add(rule.metric.name)
    for (const [label, field] of rule.labels) checkValue("metrics", name, label, field, labels[label])
    if (rule.part === "bucket") {
      const le = labels[bucketLabel]
      if (le === undefined) {
        found.add({
          kind: "missing-attribute",
          signal: "metrics",
          subject: name,
          attribute: bucketLabel,
          message: `${name}: a bucket series without ${bucketLabel}`
        })
        continue
      }
      const key =
        name +
        JSON.stringify(
          Object.entries(labels as Labels)
            .filter(([k]) => k !== bucketLabel)
            .toSorted()
        )
      let group = buckets.get(key)
      if (group === undefined) buckets.set(key, (group = { rule, les: new Set() }))
      group.les.add(le)
    }
  }

  for (const { rule, les } of buckets.values()) {
    const expected = [...(rule.metric.boundaries ?? []), Infinity]
    const seen = [...les].map(leValue).toSorted((a, b) => a - b)
    if (seen.length === expected.length && seen.every((v, i) => v === expected[i])) continue
    const subject = `${Naming.promCompatible(rule.metric.name)}_bucket`
    found.add({
      kind: "bucket-boundaries",
      signal: "metrics",
      subject,
      attribute: bucketLabel,
      value: seen.map(formatLe).join(","),
      expected: expected.map(formatLe).join(","),
      message: `${subject}: buckets le=${seen.map(formatLe).join(",")}, not the catalogue's ${expected.map(formatLe).join(",")} (${rule.metric.unit}): another unit or other boundaries`
    })
  }

  const startNs = BigInt(range.startMs) * 1_000_000n
  const endNs = BigInt(range.endMs) * 1_000_000n + 999_999n
  sources.logs.scan({ startNs, endNs }, (row) => {
    const fields = row.fields
    const name = fields["_msg"] ?? ""
    const rule = eventRules.get(name)
    const service = fields[Resource.keys.serviceName]
    if (rule === undefined) {
      if (service !== undefined && ourServices.has(service)) {
        records++
        found.add({
          kind: "unknown-event",
          signal: "logs",
          subject: name,
          value: service,
          message: `${quoted(name)}: not a catalogue event (from ${service})`
        })
      } else skippedRecords++
      return true
    }
    records++
    seenEvents.add(name)
    for (const field of rule.fields) checkValue("logs", name, field.field.name, field, fields[field.field.name])
    const stream = parseStream(fields["_stream"] ?? "") ?? new Map<string, string>()
    for (const key of Object.keys(fields)) {
      if (recordFields.has(key) || stream.has(key) || rule.allowed.has(key)) continue
      found.add({
        kind: "unknown-attribute",
        signal: "logs",
        subject: name,
        attribute: key,
        value: fields[key]!,
        message: `${name}: attribute ${key} is not in the catalogue`
      })
    }
    // As the exporter derives it: ERROR when the status field says error, else the event's own.
    // A status that is itself invalid is already a finding; no severity follows from it.
    const statusRule = rule.fields.find((f) => f.field.name === rule.entry.statusField)
    const status = statusRule === undefined ? undefined : fields[statusRule.field.name]
    const statusValid = statusRule === undefined || status === undefined || validate(statusRule, status) === undefined
    const expected = status === undefined ? (rule.entry.spec.severity ?? "INFO") : status === "error" ? "ERROR" : "INFO"
    const severity = fields["severity"] ?? ""
    if (statusValid && severity !== expected) {
      found.add({
        kind: "wrong-severity",
        signal: "logs",
        subject: name,
        attribute: "severity",
        value: severity,
        expected,
        message: `${name}: severity ${quoted(severity)}, expected ${expected}${status === undefined ? "" : ` (${rule.entry.statusField}=${status})`}`
      })
    }
    return true
  })

  const coverage = (names: ReadonlyArray<string>, seen: ReadonlySet<string>): Coverage => ({
    seen: names.filter((n) => seen.has(n)).length,
    total: names.length,
    missing: names.filter((n) => !seen.has(n))
  })

  return {
    range: { startMs: range.startMs, endMs: range.endMs },
    checked: { series, records, skippedSeries, skippedRecords },
    findings: found.all(),
    coverage: {
      events: coverage(
        Catalogue.entries.map((e) => e.spec.name),
        seenEvents
      ),
      metrics: coverage(
        Catalogue.metrics.map((m) => m.name),
        seenMetrics
      )
    }
  }
}

const percent = (c: Coverage) => (c.total === 0 ? 100 : Math.floor((c.seen / c.total) * 100))

/**
 * The coverage line: `coverage: events 24/24 (100%), metrics 27/27 (100%)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const coverageLine = (report: Report): string => {
  const { events, metrics } = report.coverage
  return `coverage: events ${events.seen}/${events.total} (${percent(events)}%), metrics ${metrics.seen}/${metrics.total} (${percent(metrics)}%)`
}
