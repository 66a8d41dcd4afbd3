/**
 * The dashboard queries, built from the catalogue: PromQL for VictoriaMetrics, LogsQL for
 * VictoriaLogs, all filtered by the dashboard variables rig, role and agent.
 *
 * @since 0.1.0
 */
import { type Catalogue, type ClaudeCode, Correlation, Naming } from "@gastown-otel/schema"

type Metric = Catalogue.Metric

/**
 * One dashboard variable: its name, the correlation key it filters on and that key's
 * VictoriaMetrics label name.
 *
 * @since 0.1.0
 * @category models
 */
export interface Variable {
  readonly name: string
  readonly key: Correlation.Key
  readonly label: string
}

/**
 * The variables every panel is filtered by: `rig`, `role`, `agent`.
 *
 * @since 0.1.0
 * @category queries
 */
export const variables: ReadonlyArray<Variable> = Correlation.filterKeys.map((key) => ({
  name: key.replace(/^gt\./, ""),
  key,
  label: Naming.promCompatible(key)
}))

/**
 * The value of a variable's "All": it also matches series and records without the label
 * (a process with no `GT_RIG`), which a list of the known values would not.
 *
 * @since 0.1.0
 * @category queries
 */
export const allValue = ".*"

/**
 * The variable query listing a label's values, e.g. `label_values(gt_rig)`.
 *
 * @since 0.1.0
 * @category queries
 */
export const labelValues = (variable: Variable): string => `label_values(${variable.label})`

const selector = (series: string): string => `${series}{${variables.map((v) => `${v.label}=~"$${v.name}"`).join(", ")}}`

const sumBy = (labels: ReadonlyArray<string>, inner: string): string =>
  labels.length === 0 ? `sum(${inner})` : `sum by (${labels.map(Naming.promCompatible).join(", ")}) (${inner})`

const bucketSeries = (metric: Metric): string => {
  const name = Naming.series(metric).find((s) => s.endsWith("_bucket"))
  if (name === undefined) throw new Error(`${metric.name} is not a histogram`)
  return name
}

const rig = variables.find((v) => v.name === "rig")!

/**
 * A counter's increase per interval, by its own labels: each point counts the events of its
 * own step (`$__interval`, not `$__rate_interval`, so steps do not overlap and bars add up).
 *
 * @since 0.1.0
 * @category queries
 */
export const increasePerInterval = (metric: Metric): string =>
  sumBy(metric.labels, `increase(${selector(Naming.promCompatible(metric.name))}[$__interval])`)

/**
 * The quantiles a histogram panel draws.
 *
 * @since 0.1.0
 * @category queries
 */
export const quantiles: ReadonlyArray<number> = [0.5, 0.95, 0.99]

/**
 * One quantile of a histogram, over every label set.
 *
 * @since 0.1.0
 * @category queries
 */
export const histogramQuantile = (metric: Metric, quantile: number): string =>
  `histogram_quantile(${quantile}, sum by (le) (rate(${selector(bucketSeries(metric))}[$__rate_interval])))`

/**
 * The labels a gauge is shown by: the rig (each rig has its own beads database) and its own.
 *
 * @since 0.1.0
 * @category queries
 */
export const gaugeBy = (metric: Metric): ReadonlyArray<string> => [
  rig.label,
  ...metric.labels.map(Naming.promCompatible)
]

/**
 * A gauge's last reported value by {@link gaugeBy}. A gauge is only reported when a command
 * runs, so the last report is carried forward for an hour. `max`, not `sum`: every actor of a
 * rig reports the same database.
 *
 * @since 0.1.0
 * @category queries
 */
export const gaugeLast = (metric: Metric): string =>
  `max by (${gaugeBy(metric).join(", ")}) (last_over_time(${selector(Naming.promCompatible(metric.name))}[1h]))`

/**
 * A delta-temporality metric (Claude Code's) summed per interval: VictoriaMetrics stores each
 * delta as a sample, so the sum of the samples in a step is the step's total.
 *
 * @since 0.1.0
 * @category queries
 */
export const deltaSum = (metric: ClaudeCode.Metric): string =>
  sumBy(metric.labels, `sum_over_time(${selector(Naming.promCompatible(metric.name))}[$__interval])`)

/**
 * LogsQL for the records of some events. VictoriaLogs keeps OTLP names as sent: the body is
 * `_msg` and attribute keys keep their dots (`gt.rig`). The regexp filters are anchored (LogsQL
 * regexps match substrings) and, for a missing field, match the empty string: "All" (`.*`)
 * keeps records without the label.
 *
 * @since 0.1.0
 * @category queries
 */
export const logs = (events: ReadonlyArray<string>): string =>
  `_msg:in(${events.map((e) => JSON.stringify(e)).join(", ")}) ${logsFilter}`

/**
 * The LogsQL filter of the variables alone (`gt.rig:~"^${rig}$" …`), as {@link logs} writes
 * it: the live tail of the receiver's page narrows by it.
 *
 * @since 0.1.0
 * @category queries
 */
export const logsFilter: string = variables.map((v) => `${v.key}:~"^\${${v.name}}$"`).join(" ")
