/**
 * The dashboards as data, generated from the catalogue: sections of panels, each panel with
 * its queries (PromQL for VictoriaMetrics, LogsQL for VictoriaLogs), unit and style. One list
 * feeds two renderers: `Dashboards` turns it into Grafana JSON, and the receiver's page
 * (`gastown-otel serve`, `GET /`) draws it itself. Everything here is plain JSON.
 *
 * "Gas Town" charts gt (and the telemetry library's own metric, and Claude Code's), "beads"
 * charts bd: a panel per metric, a logs panel per event family.
 *
 * @since 0.1.0
 */
import { type Annotations, Catalogue, ClaudeCode, Naming } from "@gastown-otel/schema"
import * as Queries from "./Queries.ts"

type Entry = Catalogue.Entry
type Metric = Catalogue.Metric

/**
 * One query of a time series panel and the legend of its series (Grafana's `{{label}}`
 * template).
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly expr: string
  readonly legend: string
}

/**
 * How a time series panel draws: stacked bars (counts per interval), lines (quantiles) or
 * steps (a last value carried forward).
 *
 * @since 0.1.0
 * @category models
 */
export type Style = "bars" | "lines" | "steps"

/**
 * A time series panel: PromQL range queries.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeseriesPanel {
  readonly kind: "timeseries"
  readonly title: string
  readonly description: string
  /** A Grafana unit: `short`, or the catalogue's unit (`ms`). */
  readonly unit: string
  readonly style: Style
  readonly targets: ReadonlyArray<Target>
}

/**
 * A logs panel: one LogsQL query, newest records first.
 *
 * @since 0.1.0
 * @category models
 */
export interface LogsPanel {
  readonly kind: "logs"
  readonly title: string
  readonly description: string
  readonly expr: string
}

/**
 * A panel.
 *
 * @since 0.1.0
 * @category models
 */
export type Panel = TimeseriesPanel | LogsPanel

/**
 * A titled group of panels (a Grafana row).
 *
 * @since 0.1.0
 * @category models
 */
export interface Section {
  readonly title: string
  readonly panels: ReadonlyArray<Panel>
}

/**
 * A dashboard: its uid (the Grafana file name), title and sections.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dashboard {
  readonly uid: string
  readonly title: string
  readonly sections: ReadonlyArray<Section>
}

const legendOf = (labels: ReadonlyArray<string>, fallback: string): string =>
  labels.length === 0 ? fallback : labels.map((l) => `{{${Naming.promCompatible(l)}}}`).join(" ")

const describe = (metric: Metric, series: string): string =>
  `${metric.description}. A ${metric.kind} in ${metric.unit}, from event ${metric.event}; stored as ${series}.`

const metricPanel = (metric: Metric): Panel => {
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

const logsPanels = (events: ReadonlyArray<Entry>): ReadonlyArray<Panel> =>
  [...Map.groupBy(events, (e) => family(e.spec.name)).values()].map((group) => ({
    kind: "logs",
    title: group.map((e) => e.spec.name).join(", "),
    description: group.map((e) => `${e.spec.name}: ${e.spec.description}.`).join(" "),
    expr: Queries.logs(group.map((e) => e.spec.name))
  }))

const emitterTitles: { readonly [E in Annotations.Emitter]: string } = {
  gt: "gt",
  bd: "bd",
  telemetry: "Telemetry library"
}

const emitterSections = (emitter: Annotations.Emitter): ReadonlyArray<Section> => {
  const own = Catalogue.metrics.filter((m) => m.emitter === emitter)
  const byKind = (kind: Metric["kind"]) => own.filter((m) => m.kind === kind).map(metricPanel)
  const name = emitterTitles[emitter]
  return [
    { title: `${name}: counts per interval`, panels: byKind("counter") },
    { title: `${name}: latency (p50, p95, p99)`, panels: byKind("histogram") },
    { title: `${name}: current values`, panels: byKind("gauge") },
    {
      title: `${name}: log events`,
      panels: logsPanels(Catalogue.entries.filter((e) => e.spec.emitter === emitter))
    }
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

/**
 * Every dashboard: "Gas Town" (gt, Claude Code, the telemetry library) and "beads" (bd).
 *
 * @since 0.1.0
 * @category dashboards
 */
export const dashboards: ReadonlyArray<Dashboard> = [
  {
    uid: "gastown",
    title: "Gas Town",
    sections: [...emitterSections("gt"), claudeSection, ...emitterSections("telemetry")]
  },
  { uid: "beads", title: "beads", sections: emitterSections("bd") }
]
