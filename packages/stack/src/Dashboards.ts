/**
 * The Grafana dashboards, generated from the catalogue: a panel per metric, a logs panel per
 * event family, variables for rig, role and agent. "Gas Town" charts gt (and the telemetry
 * library's own metric, and Claude Code's), "beads" charts bd.
 *
 * @since 0.1.0
 */
import { type Annotations, Catalogue, ClaudeCode, Naming } from "@gastown-otel/schema"
import type * as Document from "./Document.ts"
import * as Grafana from "./Grafana.ts"
import * as Queries from "./Queries.ts"

type Json = Document.Value
type Emitter = Annotations.Emitter
type Entry = Catalogue.Entry
type Metric = Catalogue.Metric
const { entries, metrics } = Catalogue

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

interface Target {
  readonly expr: string
  readonly legend: string
}

type PanelSpec =
  | {
      readonly kind: "timeseries"
      readonly title: string
      readonly description: string
      readonly unit: string
      readonly style: "bars" | "lines" | "steps"
      readonly targets: ReadonlyArray<Target>
    }
  | { readonly kind: "logs"; readonly title: string; readonly description: string; readonly expr: string }

interface Section {
  readonly title: string
  readonly panels: ReadonlyArray<PanelSpec>
}

const legendOf = (labels: ReadonlyArray<string>, fallback: string): string =>
  labels.length === 0 ? fallback : labels.map((l) => `{{${Naming.promCompatible(l)}}}`).join(" ")

const describe = (metric: Metric, series: string): string =>
  `${metric.description}. A ${metric.kind} in ${metric.unit}, from event ${metric.event}; stored as ${series}.`

const metricPanel = (metric: Metric): PanelSpec => {
  const name = Naming.promCompatible(metric.name)
  switch (metric.kind) {
    case "counter":
      return {
        kind: "timeseries",
        title: name,
        description: `${describe(metric, name)} Increase per interval.`,
        unit: "short",
        style: "bars",
        targets: [{ expr: Queries.increasePerInterval(metric), legend: legendOf(metric.labels, name) }]
      }
    case "histogram":
      return {
        kind: "timeseries",
        title: name,
        description: `${describe(metric, `${name}_bucket/_sum/_count`)} p50, p95, p99 over every label set.`,
        unit: metric.unit,
        style: "lines",
        targets: Queries.quantiles.map((q) => ({
          expr: Queries.histogramQuantile(metric, q),
          legend: `p${Math.round(q * 100)}`
        }))
      }
    case "gauge":
      return {
        kind: "timeseries",
        title: name,
        description: `${describe(metric, name)} Last reported value per rig.`,
        unit: "short",
        style: "steps",
        targets: [{ expr: Queries.gaugeLast(metric), legend: legendOf(Queries.gaugeBy(metric), name) }]
      }
  }
}

// Events sharing all but the last segment of their name form a family: `session.start` and
// `session.stop`, `bd.storage.operation` and `bd.storage.error`.
const family = (name: string): string => (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name)

const logsPanels = (events: ReadonlyArray<Entry>): ReadonlyArray<PanelSpec> =>
  [...Map.groupBy(events, (e) => family(e.spec.name)).values()].map((group) => ({
    kind: "logs",
    title: group.map((e) => e.spec.name).join(", "),
    description: group.map((e) => `${e.spec.name}: ${e.spec.description}.`).join(" "),
    expr: Queries.logs(group.map((e) => e.spec.name))
  }))

const emitterTitles: { readonly [E in Emitter]: string } = { gt: "gt", bd: "bd", telemetry: "Telemetry library" }

const emitterSections = (emitter: Emitter): ReadonlyArray<Section> => {
  const own = metrics.filter((m) => m.emitter === emitter)
  const byKind = (kind: Metric["kind"]) => own.filter((m) => m.kind === kind).map(metricPanel)
  const name = emitterTitles[emitter]
  return [
    { title: `${name}: counts per interval`, panels: byKind("counter") },
    { title: `${name}: latency (p50, p95, p99)`, panels: byKind("histogram") },
    { title: `${name}: current values`, panels: byKind("gauge") },
    { title: `${name}: log events`, panels: logsPanels(entries.filter((e) => e.spec.emitter === emitter)) }
  ].filter((s) => s.panels.length > 0)
}

const claudeSection: Section = {
  title: "Claude Code sessions (delta temporality, sent by Claude Code itself)",
  panels: ClaudeCode.metrics.map((m) => {
    const name = Naming.promCompatible(m.name)
    return {
      kind: "timeseries",
      title: name,
      description: `${m.description}. Sent by Claude Code as ${m.name} (delta); total per interval.`,
      unit: m.unit,
      style: "bars",
      targets: [{ expr: Queries.deltaSum(m), legend: legendOf(m.labels, name) }]
    }
  })
}

const target = (refId: string, t: Target): Json => ({
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

const panel = (spec: PanelSpec, id: number, gridPos: Json): Json =>
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
const layout = (sections: ReadonlyArray<Section>): ReadonlyArray<Json> => {
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

const dashboard = (uid: string, title: string, sections: ReadonlyArray<Section>): Dashboard => ({
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
export const all = (): ReadonlyArray<Dashboard> => [
  dashboard("gastown", "Gas Town", [...emitterSections("gt"), claudeSection, ...emitterSections("telemetry")]),
  dashboard("beads", "beads", emitterSections("bd"))
]
