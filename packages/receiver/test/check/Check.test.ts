// The check's rules, with the catalogue's own data: every event the schemas can generate,
// stored as VictoriaMetrics and VictoriaLogs store it, passes; each kind of finding fires on
// data broken in the way it names, and only then.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, ClaudeCode, Naming, Resource } from "@gastown-otel/schema"
import { Arbitrary, Effect, Schema, type SchemaAST } from "effect"
import * as Check from "../../src/check/Check.ts"
import { formatFloat } from "../../src/internal/GoFormat.ts"
import type { LogRow } from "../../src/logs/LogRow.ts"
import type { SeriesSamples } from "../../src/metrics/Series.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import * as Stored from "../support/Stored.ts"

const T0 = 1_790_000_000_000
const range = { startMs: T0 - 60_000, endMs: T0 + 60_000 }
const serviceOf = (entry: Catalogue.Entry) =>
  entry.spec.emitter === "bd" ? Resource.serviceNames.bd : Resource.serviceNames.gt
const otherService = "claude-code"

const run = (rows: ReadonlyArray<LogRow>, series: ReadonlyArray<SeriesSamples> = []) =>
  Check.run({ metrics: MemorySource.make(series), logs: MemoryLogSource.make(rows) }, range)

// One valid event of `entry`, the same on every run.
const sample = (entry: Catalogue.Entry): Catalogue.Event =>
  Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: 1, seed: 11 }))[0] as Catalogue.Event

const stored = (entry: Catalogue.Entry, event: Catalogue.Event = sample(entry)) => {
  const options = { service: serviceOf(entry), timeMs: T0 }
  return { row: Stored.record(event, options), series: Stored.series(event, options) }
}

const withFields = (row: LogRow, change: (fields: Record<string, string>) => void): LogRow => {
  const fields = { ...row.fields }
  change(fields)
  return { ...row, fields }
}

const withLabels = (s: SeriesSamples, change: (labels: Record<string, string>) => void): SeriesSamples => {
  const labels = { ...s.labels }
  change(labels)
  return { ...s, labels }
}

const kinds = (report: Check.Report) => report.findings.map((f) => [f.kind, f.subject, f.attribute ?? ""])

const findingOf = (report: Check.Report, subject: string, attribute: string) =>
  report.findings.find((f) => f.subject === subject && f.attribute === attribute)!

// The findings' (kind, subject, attribute), in any order.
const assertKinds = (report: Check.Report, expected: ReadonlyArray<ReadonlyArray<string>>) =>
  assert.sameDeepMembers(kinds(report), expected as Array<Array<string>>)

const schemaOf = (entry: Catalogue.Entry, field: Catalogue.Field) =>
  (entry.schema.fields as Record<string, Schema.Top>)[field.name]!

const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined =>
  ast._tag === "Union" && ast.types.every((t) => t._tag === "Literal")
    ? ast.types.map((t) => String((t as SchemaAST.Literal).literal))
    : undefined

// The first entry with a field that satisfies `test`, and that field.
const find = (test: (field: Catalogue.Field, entry: Catalogue.Entry) => boolean) => {
  for (const entry of Catalogue.entries) {
    if (entry.spec.emitter === "telemetry") continue
    const field = entry.fields.find((f) => test(f, entry))
    if (field !== undefined) return { entry, field }
  }
  throw new Error("no such field in the catalogue")
}

const labelled = (entry: Catalogue.Entry, field: Catalogue.Field) =>
  Catalogue.metrics.some((m) => m.event === entry.spec.name && m.labels.includes(field.name))

describe("Check", () => {
  describe("passes what the catalogue derives", () => {
    for (const entry of Catalogue.entries) {
      it.prop(
        `${entry.spec.name}: any valid event, as stored`,
        [entry.schema],
        ([event]) => {
          const { row, series } = stored(entry, event as Catalogue.Event)
          const report = run([row], series)
          assert.deepStrictEqual(report.findings, [])
          assert.strictEqual(report.checked.records, 1)
          assert.strictEqual(report.checked.series, series.length)
        },
        { arbitrary: { runs: 25 } }
      )
    }

    it("coverage counts every catalogue event and metric seen", () => {
      const all = Catalogue.entries.map((e) => stored(e))
      const report = run(
        all.map((s) => s.row),
        all.flatMap((s) => s.series)
      )
      assert.deepStrictEqual(report.findings, [])
      assert.deepStrictEqual(report.coverage, {
        events: { seen: Catalogue.entries.length, total: Catalogue.entries.length, missing: [] },
        metrics: { seen: Catalogue.metrics.length, total: Catalogue.metrics.length, missing: [] }
      })
      assert.strictEqual(
        Check.coverageLine(report),
        `coverage: events ${Catalogue.entries.length}/${Catalogue.entries.length} (100%), metrics ${Catalogue.metrics.length}/${Catalogue.metrics.length} (100%)`
      )

      const [first, ...rest] = Catalogue.entries
      const partial = run([stored(first!).row], stored(first!).series)
      assert.deepStrictEqual(
        partial.coverage.events.missing,
        rest.map((e) => e.spec.name)
      )
      const firstMetrics = Catalogue.metrics.filter((m) => m.event === first!.spec.name).length
      assert.strictEqual(partial.coverage.metrics.seen, firstMetrics)
      assert.strictEqual(
        Check.coverageLine(partial),
        `coverage: events 1/${Catalogue.entries.length} (${Math.floor(100 / Catalogue.entries.length)}%), metrics ${firstMetrics}/${Catalogue.metrics.length} (${Math.floor((100 * firstMetrics) / Catalogue.metrics.length)}%)`
      )
    })

    it("leaves other services alone: Claude Code's metrics and events are skipped, not findings", () => {
      const claudeMetric = Naming.promCompatible(ClaudeCode.metrics[0]!.name)
      const serviceLabel = Naming.promCompatibleLabel(Resource.keys.serviceName)
      const series: SeriesSamples = {
        labels: { __name__: claudeMetric, [serviceLabel]: otherService },
        timestamps: [T0],
        values: [1]
      }
      const row: LogRow = {
        timeNs: BigInt(T0) * 1_000_000n,
        fields: { _msg: `${ClaudeCode.metrics[0]!.name}.event`, [Resource.keys.serviceName]: otherService }
      }
      const report = run([row], [series])
      assert.deepStrictEqual(report.findings, [])
      assert.deepStrictEqual(report.checked, { series: 0, records: 0, skippedSeries: 1, skippedRecords: 1 })
    })

    it("reads only the range", () => {
      const entry = Catalogue.entries[0]!
      const row = Stored.record(sample(entry), { service: serviceOf(entry), timeMs: range.endMs + 1 })
      const bad = withFields(row, (f) => void (f["_msg"] = `${entry.spec.name}.unknown`))
      assert.strictEqual(run([bad]).checked.records, 0)
    })
  })

  describe("finds", () => {
    it("unknown metric and event names of gt and bd", () => {
      const entry = Catalogue.entries[0]!
      const { row, series } = stored(entry)
      const name = `${series[0]!.labels["__name__"]}_extra`
      const event = `${entry.spec.name}.extra`
      const report = run(
        [withFields(row, (f) => void (f["_msg"] = event))],
        [withLabels(series[0]!, (l) => void (l["__name__"] = name))]
      )
      assertKinds(report, [
        ["unknown-metric", name, ""],
        ["unknown-event", event, ""]
      ])
      assert.strictEqual(report.findings[0]!.value, serviceOf(entry))
    })

    it("a missing required attribute, not a missing optional one, nor one that may be empty", () => {
      const required = find(
        (f, e) => !f.optional && f.type === "string" && !Schema.is(schemaOf(e, f))("") && labelled(e, f)
      )
      const optional = find((f) => f.optional)
      const mayBeEmpty = find((f, e) => !f.optional && f.type === "string" && Schema.is(schemaOf(e, f))(""))
      const a = stored(required.entry)
      const b = stored(optional.entry)
      const c = stored(mayBeEmpty.entry)
      const label = Naming.promCompatibleLabel(required.field.name)
      const report = run(
        [
          withFields(a.row, (f) => delete f[required.field.name]),
          withFields(b.row, (f) => delete f[optional.field.name]),
          withFields(c.row, (f) => delete f[mayBeEmpty.field.name])
        ],
        [withLabels(a.series[0]!, (l) => delete l[label])]
      )
      assertKinds(report, [
        ["missing-attribute", a.series[0]!.labels["__name__"]!, label],
        ["missing-attribute", required.entry.spec.name, required.field.name]
      ])
    })

    it("values that do not parse as the catalogue's type", () => {
      const cases = (["int", "double", "boolean"] as const).map((type) => find((f) => f.type === type))
      const rows = cases.map(({ entry, field }) =>
        withFields(stored(entry).row, (f) => void (f[field.name] = `${field.name}?`))
      )
      const report = run(rows)
      assertKinds(
        report,
        cases.map(({ entry, field }) => ["mistyped-attribute", entry.spec.name, field.name])
      )
      const int = findingOf(report, cases[0]!.entry.spec.name, cases[0]!.field.name)
      assert.strictEqual(
        int.message,
        `${cases[0]!.entry.spec.name}: ${cases[0]!.field.name}="${cases[0]!.field.name}?" is not an int`
      )
      assert.strictEqual(int.expected, "int")
    })

    it("values outside the schema: a status neither ok nor error, another literal, a negative count", () => {
      const status = find((f, e) => f.name === e.statusField && labelled(e, f))
      const literal = find((f, e) => f.name !== e.statusField && literalsOf(schemaOf(e, f).ast) !== undefined)
      const count = find((f, e) => f.type === "int" && !Schema.is(schemaOf(e, f))(-1))
      const s = stored(status.entry)
      const statusLabel = Naming.promCompatibleLabel(status.field.name)
      const report = run(
        [
          withFields(s.row, (f) => void (f[status.field.name] = "maybe")),
          withFields(stored(literal.entry).row, (f) => void (f[literal.field.name] = "SOMETIMES")),
          withFields(stored(count.entry).row, (f) => void (f[count.field.name] = "-1"))
        ],
        [withLabels(s.series[0]!, (l) => void (l[statusLabel] = "maybe"))]
      )
      assertKinds(report, [
        ["invalid-value", s.series[0]!.labels["__name__"]!, statusLabel],
        ["invalid-value", status.entry.spec.name, status.field.name],
        ["invalid-value", literal.entry.spec.name, literal.field.name],
        ["invalid-value", count.entry.spec.name, count.field.name]
      ])
      const byStatus = findingOf(report, status.entry.spec.name, status.field.name)
      assert.strictEqual(byStatus.value, "maybe")
      assert.strictEqual(byStatus.expected, literalsOf(schemaOf(status.entry, status.field).ast)!.join("|"))
    })

    it("attributes the catalogue does not declare, but not the resource's", () => {
      const entry = Catalogue.entries[0]!
      const { row } = stored(entry)
      const extra = `${entry.fields[0]!.name}_extra`
      const resourceExtra = `${Resource.keys.serviceName}.extra`
      const withResource = withFields(row, (f) => {
        f[resourceExtra] = "x"
        f["_stream"] = Stored.streamOf({ ...Stored.resource(serviceOf(entry)), [resourceExtra]: "x" })
      })
      const report = run([withFields(withResource, (f) => void (f[extra] = "1"))])
      assertKinds(report, [["unknown-attribute", entry.spec.name, extra]])
    })

    it("a severity the status does not give", () => {
      const { entry } = find((f, e) => f.name === e.statusField)
      const { row } = stored(entry, { ...sample(entry), [entry.statusField!]: "error" } as Catalogue.Event)
      assert.deepStrictEqual(run([row]).findings, [])
      const report = run([withFields(row, (f) => void (f["severity"] = "INFO"))])
      assertKinds(report, [["wrong-severity", entry.spec.name, "severity"]])
      assert.strictEqual(report.findings[0]!.expected, "ERROR")
    })

    it("histogram buckets in another unit or with other boundaries", () => {
      const histogram = Catalogue.metrics.find((m) => m.kind === "histogram")!
      const entry = Catalogue.byName.get(histogram.event)!
      const [bucketName] = Naming.series(histogram)
      const { series } = stored(entry)
      const buckets = series.filter((s) => s.labels["__name__"] === bucketName)
      // The same histogram recorded in seconds: every boundary a thousand times smaller.
      const inSeconds = buckets.map((s) =>
        withLabels(s, (l) => {
          const le = Number(l["le"])
          if (Number.isFinite(le)) l["le"] = formatFloat(le / 1000)
        })
      )
      const report = run([], inSeconds)
      assertKinds(report, [["bucket-boundaries", bucketName!, "le"]])
      assert.strictEqual(report.findings[0]!.count, 1, "one histogram series")
      assert.strictEqual(report.findings[0]!.expected, [...histogram.boundaries!.map(String), "+Inf"].join(","))
      const missingOne = run([], buckets.slice(1))
      assertKinds(missingOne, [["bucket-boundaries", bucketName!, "le"]])
      assert.deepStrictEqual(run([], buckets).findings, [])
    })

    it("counts repeated findings once per kind, subject and attribute", () => {
      const { entry, field } = find((f) => f.type === "int")
      const rows = [1, 2, 3].map((n) =>
        withFields(
          Stored.record(sample(entry), { service: serviceOf(entry), timeMs: T0 + n }),
          (f) => void (f[field.name] = `x${n}`)
        )
      )
      const report = run(rows)
      assert.strictEqual(report.findings.length, 1)
      assert.strictEqual(report.findings[0]!.count, 3)
      assert.strictEqual(report.findings[0]!.value, "x3", "the first met, newest first")
    })
  })

  it("a report decodes with its own schema (the JSON the check route answers)", () => {
    const entry = Catalogue.entries[0]!
    const { row } = stored(entry)
    const report = run([withFields(row, (f) => void (f["_msg"] = `${entry.spec.name}.x`))])
    const decoded = Schema.decodeUnknownSync(Check.Report)(JSON.parse(JSON.stringify(report)))
    assert.deepStrictEqual(decoded, report)
  })
})
