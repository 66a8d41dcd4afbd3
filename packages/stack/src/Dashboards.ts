/**
 * The Grafana dashboards: the panel list of `Panels` rendered as Grafana JSON, with the
 * variables rig, role and agent.
 *
 * @since 0.1.0
 */
import type * as Document from "./Document.ts"
import * as Grafana from "./Grafana.ts"
import * as Panels from "./Panels.ts"
import * as Queries from "./Queries.ts"

type Json = Document.Value

/**
 * A dashboard document.
 *
 * @since 0.1.0
 * @category models
 */
export type Dashboard = { readonly uid: string; readonly title: string } & { readonly [key: string]: Json }

/**
 * The note every generated dashboard carries in its description.
 *
 * @since 0.1.0
 * @category dashboards
 */
export const generatedNote =
  "Generated from the gastown-otel event catalogue (packages/schema) by `npm run gen`: do not edit, changes are overwritten."

const target = (refId: string, t: Panels.Target): Json => ({
  refId,
  datasource: { ...Grafana.metricsDatasource },
  expr: t.expr,
  legendFormat: t.legend,
  editorMode: "code",
  range: true,
  instant: false
})

const styles = {
  bars: { drawStyle: "bars", fillOpacity: 60, lineInterpolation: "linear", stacking: { mode: "normal", group: "A" } },
  lines: { drawStyle: "line", fillOpacity: 10, lineInterpolation: "linear", stacking: { mode: "none", group: "A" } },
  steps: { drawStyle: "line", fillOpacity: 10, lineInterpolation: "stepAfter", stacking: { mode: "none", group: "A" } }
} as const

const panel = (spec: Panels.Panel, id: number, gridPos: Json): Json =>
  spec.kind === "logs"
    ? {
        id,
        type: "logs",
        title: spec.title,
        description: spec.description,
        datasource: { ...Grafana.logsDatasource },
        gridPos,
        options: {
          showTime: true,
          wrapLogMessage: true,
          enableLogDetails: true,
          sortOrder: "Descending",
          dedupStrategy: "none"
        },
        targets: [
          {
            refId: "A",
            datasource: { ...Grafana.logsDatasource },
            expr: spec.expr,
            // "Raw Logs" in the plugin's editor: records, not stats.
            queryType: "instant",
            editorMode: "code"
          }
        ]
      }
    : {
        id,
        type: "timeseries",
        title: spec.title,
        description: spec.description,
        datasource: { ...Grafana.metricsDatasource },
        gridPos,
        fieldConfig: {
          defaults: { unit: spec.unit, min: 0, custom: { ...styles[spec.style], showPoints: "auto" } },
          overrides: []
        },
        options: {
          legend: { showLegend: true, displayMode: "list", placement: "bottom", calcs: [] },
          tooltip: { mode: "multi", sort: "desc" }
        },
        targets: spec.targets.map((t, i) => target(String.fromCharCode(65 + i), t))
      }

// Rows of two metric panels (12 of 24 columns, 8 high); logs panels take the full width.
const layout = (sections: ReadonlyArray<Panels.Section>): ReadonlyArray<Json> => {
  const out: Array<Json> = []
  let id = 1
  let y = 0
  for (const section of sections) {
    out.push({
      id: id++,
      type: "row",
      title: section.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: []
    })
    y += 1
    let x = 0
    for (const spec of section.panels) {
      const w = spec.kind === "logs" ? 24 : 12
      const h = spec.kind === "logs" ? 10 : 8
      if (x + w > 24) {
        x = 0
        y += 8
      }
      out.push(panel(spec, id++, { h, w, x, y }))
      x += w
      if (x >= 24) {
        x = 0
        y += h
      }
    }
    if (x > 0) y += 8
  }
  return out
}

const variable = (v: Queries.Variable): Json => ({
  name: v.name,
  label: v.name,
  description: `${v.key} (${v.label} in VictoriaMetrics). All also matches data without the label.`,
  type: "query",
  datasource: { ...Grafana.metricsDatasource },
  query: Queries.labelValues(v),
  definition: Queries.labelValues(v),
  refresh: 2,
  sort: 1,
  regex: "",
  multi: true,
  includeAll: true,
  allValue: Queries.allValue,
  current: { text: ["All"], value: ["$__all"] },
  options: [],
  hide: 0
})

const dashboard = ({ uid, title, sections }: Panels.Dashboard): Dashboard => ({
  uid,
  title,
  description: generatedNote,
  tags: ["gastown-otel", "generated"],
  editable: false,
  graphTooltip: 1,
  timezone: "browser",
  schemaVersion: 41,
  version: 1,
  refresh: "30s",
  time: { from: "now-6h", to: "now" },
  links: [
    {
      type: "dashboards",
      title: "Gas Town dashboards",
      tags: ["gastown-otel"],
      asDropdown: false,
      includeVars: true,
      keepTime: true
    }
  ],
  annotations: { list: [] },
  templating: { list: Queries.variables.map(variable) },
  panels: layout(sections)
})

/**
 * Every generated dashboard.
 *
 * @since 0.1.0
 * @category dashboards
 */
export const all = (): ReadonlyArray<Dashboard> => Panels.dashboards.map(dashboard)
