// The page fills the dashboards' queries in as Grafana does: checked against the test models
// of Grafana's Prometheus datasource (support/Grafana.ts) and of the VictoriaLogs plugin
// (support/GrafanaInterpolation.ts) on every query of the panel list, for any selections,
// ranges and panel widths.
import { assert, describe, it } from "@effect/vitest"
import * as Panels from "@gastown-otel/stack/Panels"
import * as Queries from "@gastown-otel/stack/Queries"
import { Schema } from "effect"
import * as Interpolate from "../../src/page/Interpolate.ts"
import * as Grafana from "../support/Grafana.ts"
import * as GrafanaInterpolation from "../support/GrafanaInterpolation.ts"

const panels = Panels.dashboards.flatMap((d) => d.sections.flatMap((s) => s.panels))
const promql = panels.flatMap((p) => (p.kind === "timeseries" ? p.targets.map((t) => t.expr) : []))
const logsql = [...panels.flatMap((p) => (p.kind === "logs" ? [p.expr] : [])), Queries.logsFilter]

// Values with regex metacharacters among them: a rig name is any string.
const Value = Schema.Literals(["mol", "wasp", "mol/polecats/jana", "a.b", "x|y", "(z)"])
const Selection = Schema.Union([Schema.Literal("All"), Schema.NonEmptyArray(Value)])
const Selections = Schema.Struct({ rig: Selection, role: Selection, agent: Selection })
const Range = Schema.Struct({
  fromMs: Schema.Int.check(Schema.isBetween({ minimum: 1_600_000_000_000, maximum: 1_800_000_000_000 })),
  spanMs: Schema.Literals([60_000, 300_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000]),
  maxDataPoints: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3000 }))
})

const unique = (selection: typeof Selection.Type): Interpolate.Selection =>
  selection === "All" ? "All" : [...new Set(selection)]

describe("the page's query interpolation", () => {
  it("has PromQL and LogsQL queries to check", () => {
    assert.isAbove(promql.length, 20)
    assert.isAbove(logsql.length, 5)
  })

  it.prop("PromQL: the query, start, end and step Grafana sends", { selections: Selections, range: Range }, (input) => {
    const selections = Object.fromEntries(Object.entries(input.selections).map(([k, v]) => [k, unique(v)]))
    const range = { fromMs: input.range.fromMs, toMs: input.range.fromMs + input.range.spanMs }
    for (const expr of promql) {
      const ours = Interpolate.promql(
        expr,
        { ...range, maxDataPoints: input.range.maxDataPoints },
        selections,
        Queries.allValue
      )
      const grafana = Grafana.request(expr, {
        ...range,
        maxDataPoints: input.range.maxDataPoints,
        variables: selections,
        allValue: Queries.allValue
      })
      assert.deepStrictEqual(ours, grafana, expr)
    }
  })

  it.prop("LogsQL: the query the VictoriaLogs plugin sends", { selections: Selections }, (input) => {
    const selections = Object.fromEntries(Object.entries(input.selections).map(([k, v]) => [k, unique(v)]))
    const model = Object.fromEntries(
      Object.entries(selections).map(([k, v]) => [k, v === "All" ? { all: true as const } : { values: v }])
    )
    for (const expr of logsql) {
      assert.strictEqual(
        Interpolate.logsql(expr, selections, Queries.allValue),
        GrafanaInterpolation.interpolate(
          expr,
          Queries.variables.map((v) => ({ name: v.name, allValue: Queries.allValue })),
          model
        ),
        expr
      )
    }
  })

  it("gives the /api/gastown routes the regex PromQL gets", () => {
    assert.strictEqual(Interpolate.regex("All", ".*"), ".*")
    assert.strictEqual(Interpolate.regex(["a.b"], ".*"), "a\\.b")
    assert.strictEqual(Interpolate.regex(["mol", "x|y"], ".*"), "(mol|x\\|y)")
  })
})
