import { assert, describe, it } from "@effect/vitest"
import { Catalogue, ClaudeCode, Naming } from "@gastown-otel/schema"
import { Dashboards, Grafana, Queries } from "@gastown-otel/stack"
import { type Doc, generated, read } from "./support/Generated.ts"
import * as PromQL from "./support/PromQL.ts"

const dashboardFiles = generated.filter((f) => f.path.endsWith(".json"))
const dashboards: ReadonlyArray<Doc> = dashboardFiles.map((f) => JSON.parse(read(f.path)) as Doc)
const panels = dashboards.flatMap((d) => (d["panels"] as ReadonlyArray<Doc>).filter((p) => p["type"] !== "row"))
const metricPanels = panels.filter((p) => p["datasource"].uid === Grafana.metricsDatasource.uid)
const logsPanels = panels.filter((p) => p["datasource"].uid === Grafana.logsDatasource.uid)
const exprs = (panel: Doc): ReadonlyArray<string> => (panel["targets"] as ReadonlyArray<Doc>).map((t) => t["expr"])

describe("dashboards", () => {
  const checked = new Map(metricPanels.map((p) => [p, exprs(p).map((e) => PromQL.check(e))]))
  const series = (m: Catalogue.Metric) => Naming.promCompatible(m.name) + (m.kind === "histogram" ? "_bucket" : "")

  it("are 'Gas Town' and 'beads', each with the generated note", () => {
    assert.deepStrictEqual(
      dashboards.map((d) => [d["uid"], d["title"]]),
      [
        ["gastown", "Gas Town"],
        ["beads", "beads"]
      ]
    )
    for (const d of dashboards) assert.strictEqual(d["description"], Dashboards.generatedNote)
  })

  it("write only valid PromQL, each query an instant vector", () => {
    for (const [panel, results] of checked) {
      for (const result of results) assert.strictEqual(result.kind, "instant", panel["title"])
    }
  })

  it("chart every catalogue metric in exactly one panel (histograms through _bucket)", () => {
    for (const metric of Catalogue.metrics) {
      const holders = metricPanels.filter((p) => checked.get(p)!.some((r) => r.metrics.includes(series(metric))))
      assert.lengthOf(holders, 1, metric.name)
    }
  })

  it("query no series but the catalogue's and Claude Code's", () => {
    const known = new Set([
      ...Catalogue.metrics.map(series),
      ...ClaudeCode.metrics.map((m) => Naming.promCompatible(m.name))
    ])
    for (const results of checked.values()) {
      for (const name of results.flatMap((r) => r.metrics)) assert.isTrue(known.has(name), name)
    }
  })

  it("draw p50, p95 and p99 of every histogram", () => {
    for (const metric of Catalogue.metrics.filter((m) => m.kind === "histogram")) {
      const panel = metricPanels.find((p) => checked.get(p)!.some((r) => r.metrics.includes(series(metric))))!
      assert.deepStrictEqual(
        exprs(panel).map((e) => /^histogram_quantile\(([\d.]+), sum by \(le\) \(rate\(/.exec(e)?.[1]),
        ["0.5", "0.95", "0.99"]
      )
    }
  })

  it("filter every selector by rig, role and agent", () => {
    for (const [panel, results] of checked) {
      const selectors = results.reduce((n, r) => n + r.metrics.length, 0)
      for (const v of Queries.variables) {
        const filters = exprs(panel).join(" ").split(`${v.label}=~"$${v.name}"`).length - 1
        assert.strictEqual(filters, selectors, `${panel["title"]}: ${v.name}`)
      }
    }
  })

  it("have rig, role and agent variables listing gt_rig, gt_role, gt_agent", () => {
    for (const d of dashboards) {
      const list: ReadonlyArray<Doc> = d["templating"].list
      assert.deepStrictEqual(
        list.map((v) => [v["name"], v["query"], v["datasource"].uid, v["includeAll"], v["allValue"]]),
        [
          ["rig", "label_values(gt_rig)", "victoriametrics", true, ".*"],
          ["role", "label_values(gt_role)", "victoriametrics", true, ".*"],
          ["agent", "label_values(gt_agent)", "victoriametrics", true, ".*"]
        ]
      )
    }
  })

  it("show every catalogue event's records in exactly one logs panel, filtered by rig, role and agent", () => {
    const events = (panel: Doc): ReadonlyArray<string> => {
      const [expr = ""] = exprs(panel)
      const match = /^_msg:in\(((?:"[^"]+"(?:, )?)+)\) /.exec(expr)
      assert.isNotNull(match, expr)
      for (const key of ["gt.rig", "gt.role", "gt.agent"]) assert.include(expr, ` ${key}:~"^\${${key.slice(3)}}$"`)
      return JSON.parse(`[${match![1]}]`)
    }
    const shown = logsPanels.flatMap(events)
    assert.deepStrictEqual(shown.toSorted(), Catalogue.entries.map((e) => e.spec.name).toSorted())
    for (const panel of logsPanels) {
      assert.strictEqual(panel["type"], "logs")
      assert.strictEqual(panel["targets"][0].queryType, "instant")
    }
  })

  it("lay panels out without overlap, within 24 columns, with unique ids", () => {
    for (const d of dashboards) {
      const all: ReadonlyArray<Doc> = d["panels"]
      assert.strictEqual(new Set(all.map((p) => p["id"])).size, all.length)
      const cells = new Set<string>()
      for (const { gridPos: g, title } of all) {
        assert.isAtMost(g.x + g.w, 24, title)
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            assert.isFalse(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`)
            cells.add(`${x},${y}`)
          }
        }
      }
    }
  })
})

describe("PromQL checker", () => {
  it("accepts the shapes the dashboards use", () => {
    for (const good of [
      'sum by (a, b) (increase(x_total{a=~"$rig", b!="c"}[$__interval]))',
      "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))",
      "sum(rate(x[1h30m])) by (a)",
      "max by (a) (last_over_time(x[1h]))",
      "-x + 2 * y / (z - 1) ^ 2",
      "sum(rate(x[$__rate_interval])) / sum(rate(y[$__rate_interval]))",
      '{__name__="x"}',
      // Quoted (UTF-8) label names are PromQL since Prometheus 3.
      'x{"a"="b"}'
    ]) {
      assert.doesNotThrow(() => PromQL.check(good), good)
    }
  })

  it("rejects broken expressions", () => {
    for (const bad of [
      "",
      "rate(x)", // rate needs a range vector
      "x[5m]", // a range vector as the result
      "x[5m] + 1",
      "sum(x[5m])",
      "histogram_quantile(0.9)",
      "histogram_quantile(x, y)",
      "sum by (le (rate(x[5m]))",
      "sum(rate(x[5m])",
      "rate(x[5m]))",
      'x{a="b"',
      'x{a~"b"}',
      "x{a=b}",
      "x[5 m]",
      "x[five]",
      "x[5m",
      "sum(rate(x[5m])) +",
      "foo bar",
      "nosuchfunction(x)",
      "sum by (a) (x) by (b)",
      "topk(x)",
      "{}"
    ]) {
      assert.throws(() => PromQL.check(bad), PromQL.PromQLError, undefined, JSON.stringify(bad))
    }
  })
})
