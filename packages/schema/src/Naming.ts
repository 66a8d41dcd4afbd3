/**
 * How the compose stack's VictoriaMetrics stores what we send. It runs with
 * `-usePromCompatibleNaming` (characters outside `[a-zA-Z0-9_:]` become `_`) and
 * without `-opentelemetry.usePrometheusNaming`, which would rename `ms` histograms to
 * `*_milliseconds`. Our instrument names are therefore already the stored names, and
 * units stay honest (`ms`, `{call}`).
 *
 * @since 0.1.0
 */
import type { MetricSpec } from "./Annotations.ts"

/**
 * The VictoriaMetrics flags the stack runs with; the compose file is generated from these.
 *
 * @since 0.1.0
 * @category naming
 */
export const victoriaMetricsFlags: ReadonlyArray<string> = ["-usePromCompatibleNaming"]

/**
 * A metric or label name as VictoriaMetrics stores it under {@link victoriaMetricsFlags}.
 *
 * @since 0.1.0
 * @category naming
 */
export const promCompatible = (name: string): string => name.replace(/[^a-zA-Z0-9_:]/g, "_")

/**
 * A label name as VictoriaMetrics stores it under {@link victoriaMetricsFlags}: like
 * {@link promCompatible}, but `:` is also replaced (Prometheus reserves it for metric names).
 *
 * @since 0.1.0
 * @category naming
 */
export const promCompatibleLabel = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, "_")

/**
 * The series names one metric produces in VictoriaMetrics: one for a counter or gauge,
 * `_bucket`/`_sum`/`_count` for a histogram.
 *
 * @since 0.1.0
 * @category naming
 */
export const series = (metric: MetricSpec): ReadonlyArray<string> => {
  const name = promCompatible(metric.name)
  return metric.kind === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]
}
