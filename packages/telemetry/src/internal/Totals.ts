// Turns drained deltas into OTLP cumulative points. This is where temporality, start
// times and point values are decided (ours, not an SDK's). `inMemory` serves one process;
// `HostTotals` shares the totals between the processes of a host.
import type { Catalogue } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as Tally from "./Tally.ts"
import type { HistogramPoint, MetricData, NumberPoint } from "../OtlpData.ts"
import type { Series } from "./Recorder.ts"

/** The running totals of one series, since `start`. */
export interface SeriesTotal extends Tally.Tally {
  readonly start: bigint
}

export interface Totals {
  /**
   * Adds the deltas to the running totals and returns every touched series' point. A
   * defect (the state not writable) means nothing was added: the caller keeps the deltas.
   */
  readonly points: (deltas: ReadonlyArray<Series>) => Effect.Effect<ReadonlyArray<MetricData>>
}

/** Adds `deltas` into `totals` (new series start at `start`) and builds the points at `time`. */
export const pointsFrom = (
  totals: Map<string, SeriesTotal>,
  deltas: ReadonlyArray<Series>,
  start: bigint,
  time: bigint
): ReadonlyArray<MetricData> => {
  const byMetric = new Map<Catalogue.Metric, Array<NumberPoint | HistogramPoint>>()
  for (const s of deltas) {
    let total = totals.get(s.key)
    if (total === undefined) {
      total = { start, ...Tally.empty(s.buckets.length) }
      totals.set(s.key, total)
    }
    Tally.add(total, s, s.metric.kind === "gauge")
    const list = byMetric.get(s.metric) ?? []
    byMetric.set(s.metric, list)
    list.push(
      s.metric.kind === "histogram"
        ? {
            attributes: s.attributes,
            startTimeUnixNano: total.start,
            timeUnixNano: time,
            count: total.count,
            sum: total.sum,
            bucketCounts: [...total.buckets],
            explicitBounds: s.metric.boundaries ?? [],
            min: total.min,
            max: total.max
          }
        : {
            attributes: s.attributes,
            startTimeUnixNano: s.metric.kind === "gauge" ? time : total.start,
            timeUnixNano: time,
            value: total.value,
            isInt: s.metric.valueType === "int"
          }
    )
  }
  return [...byMetric].map(([m, points]) => toMetricData(m, points))
}

/** Totals kept in this process only, starting at `startUnixNano`. */
export const inProcess = (startUnixNano: bigint, now: () => bigint): Totals => {
  const totals = new Map<string, SeriesTotal>()
  return { points: (deltas) => Effect.sync(() => pointsFrom(totals, deltas, startUnixNano, now())) }
}

export const toMetricData = (m: Catalogue.Metric, points: ReadonlyArray<NumberPoint | HistogramPoint>): MetricData => {
  const common = { name: m.name, description: m.description, unit: m.unit }
  switch (m.kind) {
    case "counter":
      return {
        kind: "sum",
        ...common,
        monotonic: true,
        temporality: "cumulative",
        points: points as ReadonlyArray<NumberPoint>
      }
    case "gauge":
      return { kind: "gauge", ...common, points: points as ReadonlyArray<NumberPoint> }
    case "histogram":
      return {
        kind: "histogram",
        ...common,
        temporality: "cumulative",
        points: points as ReadonlyArray<HistogramPoint>
      }
  }
}
