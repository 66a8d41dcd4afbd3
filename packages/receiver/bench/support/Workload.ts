// The receiver bench's import: a Gas Town day compressed into the dashboards' default range
// (the last 6 hours), as the exporters send it. Catalogue events, drawn from a fixed pool (a
// few of each kind from its schema's arbitrary, bd.call several times over as on a real day),
// are emitted by 16 processes' correlation labels at an even pace; each becomes a log record
// (the catalogue's own derivation) and updates the cumulative series its metrics derive.
// Every series is exported at every export (as the OTel SDK exports cumulative series), so
// samples = series × exports; Claude Code's sessions add delta sums. Processes restart now and
// then: their counters and histograms start again from zero. Everything derives from a seed.
//
// Requests are encoded beforehand by the official OTLP definitions (test/support/Official.ts);
// VictoriaMetrics gets the same samples as JSON lines for /api/v1/import (the 1.79 packaged by
// Debian predates OTLP ingestion), labelled by the receiver's own decoder, so both hold the
// same series.
import { Catalogue, ClaudeCode, Correlation, Derive, GtEvents, Resource } from "@gastown-otel/schema"
import { Arbitrary, Effect } from "effect"
import * as OtlpMetrics from "../../src/otlp/Metrics.ts"
import { random } from "../../test/support/Generate.ts"
import * as Official from "../../test/support/Official.ts"

export interface Workload {
  readonly startMs: number
  readonly endMs: number
  /** Series as stored (a histogram is its buckets, `_sum` and `_count`), each in every export. */
  readonly series: number
  readonly exports: number
  readonly intervalMs: number
  readonly samples: number
  readonly records: number
  readonly recordsPerRequest: number
  /** OTLP metrics requests, one per export. */
  readonly metrics: ReadonlyArray<Uint8Array>
  /** OTLP logs requests of `recordsPerRequest` records. */
  readonly logs: ReadonlyArray<Uint8Array>
  /** The same samples as `metrics`, as JSON lines for VictoriaMetrics' /api/v1/import. */
  readonly imports: ReadonlyArray<Uint8Array>
}

const rangeMs = 6 * 3_600_000
const recordsPerRequest = 1000
const restartChance = 0.002

// The processes: label values in `Correlation.metricKeys` order (role, rig, actor, agent); the
// town's mayor runs in no rig and as no agent.
const rigs = ["mol", "town", "forge"]
const polecats = ["jana", "max", "ona", "lee"]
const contexts: ReadonlyArray<Correlation.Labels> = [
  ...rigs.flatMap((rig) => polecats.map((a) => [`${rig}/polecats/${a}`, rig, `${rig}/polecats/${a}`, a])),
  ...rigs.map((rig) => [`${rig}/witness`, rig, `${rig}/witness`, undefined]),
  ["mayor", undefined, "mayor", undefined]
].map(
  (values) =>
    Object.fromEntries(
      Correlation.metricKeys.flatMap((key, i) => (values[i] === undefined ? [] : [[key, values[i]]]))
    ) as Correlation.Labels
)
// Claude Code runs in the polecats' sessions (the processes with an agent).
const agentKey = Correlation.metricKeys.at(-1)!

const bdCall = Catalogue.entries.find((e) => e.schema === GtEvents.BdCall)!

// The pool: one event of each kind, three bd.calls.
const pool: ReadonlyArray<Catalogue.Event> = Catalogue.entries.flatMap((entry, i) =>
  Effect.runSync(
    Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: entry === bdCall ? 3 : 1, seed: i + 1 })
  )
)

const serviceOf = (event: Catalogue.Event): string => {
  const emitter = Catalogue.byName.get(event._tag)!.spec.emitter
  return Resource.serviceNames[emitter === "telemetry" ? "gt" : emitter]
}

type Attributes = ReturnType<typeof Official.attributes>

const resourceOf = (service: string) => ({
  attributes: Official.attributes({ [Resource.keys.serviceName]: service, [Resource.keys.hostName]: "bench" })
})

// Claude Code reports as a service of its own; its label values are made up.
const claudeService = "claude-code"

interface Series {
  readonly service: string
  readonly name: string
  readonly kind: Catalogue.Metric["kind"] | "delta"
  readonly int: boolean
  readonly boundaries: ReadonlyArray<number>
  readonly attributes: Attributes
  readonly context: number
  startMs: number
  value: number
  // Histograms: observations per bucket (the last one above every boundary), their sum.
  readonly buckets: Array<number>
  sum: number
}

const storedSeries = (s: Series) => (s.kind === "histogram" ? s.boundaries.length + 3 : 1)

const pointOf = (s: Series, timeMs: number): object => {
  const times = { startTimeUnixNano: Official.nanos(s.startMs), timeUnixNano: Official.nanos(timeMs) }
  if (s.kind === "histogram") {
    const count = s.buckets.reduce((a, b) => a + b, 0)
    return {
      attributes: s.attributes,
      ...times,
      count: String(count),
      sum: s.sum,
      bucketCounts: s.buckets.map(String),
      explicitBounds: s.boundaries
    }
  }
  return { attributes: s.attributes, ...times, ...(s.int ? { asInt: String(s.value) } : { asDouble: s.value }) }
}

const metricOf = (name: string, kind: Series["kind"], points: Array<object>): object => {
  switch (kind) {
    case "counter":
      return { name, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points } }
    case "delta":
      return { name, sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: points } }
    case "gauge":
      return { name, gauge: { dataPoints: points } }
    case "histogram":
      return { name, histogram: { aggregationTemporality: 2, dataPoints: points } }
  }
}

// One export of every series: a resource per service, a metric per name.
const exportRequest = (series: ReadonlyArray<Series>, timeMs: number): Uint8Array => {
  const byService = Map.groupBy(series, (s) => s.service)
  return Official.encodeMetrics({
    resourceMetrics: [...byService].map(([service, own]) => ({
      resource: resourceOf(service),
      scopeMetrics: [
        {
          scope: { name: "gastown", version: "0.1.0" },
          metrics: [...Map.groupBy(own, (s) => s.name)].map(([name, same]) =>
            metricOf(
              name,
              same[0]!.kind,
              same.map((s) => pointOf(s, timeMs))
            )
          )
        }
      ]
    }))
  })
}

// The same samples for VictoriaMetrics: one JSON line each, labelled as the receiver stores them.
const importLines = (body: Uint8Array): Uint8Array => {
  const lines: Array<string> = []
  OtlpMetrics.decode(body, (_key, labels, ms, value) => {
    const metric: Record<string, string> = {}
    for (let i = 0; i < labels.length; i += 2) metric[labels[i]!] = labels[i + 1]!
    lines.push(JSON.stringify({ metric, values: [value], timestamps: [ms] }))
  })
  return new TextEncoder().encode(`${lines.join("\n")}\n`)
}

const logRecordOf = (event: Catalogue.Event, labels: Correlation.Labels) => {
  const record = Derive.logRecord(event, labels)
  return {
    severityNumber: Derive.severityNumber[record.severity],
    severityText: record.severity,
    body: { stringValue: record.body },
    attributes: record.attributes.map((a) => ({
      key: a.key,
      value:
        a.type === "string"
          ? { stringValue: a.value }
          : a.type === "boolean"
            ? { boolValue: a.value }
            : a.type === "int"
              ? { intValue: String(a.value) }
              : { doubleValue: a.value }
    }))
  }
}

export const make = (options: { readonly samples: number; readonly records: number; readonly endMs: number }) => {
  const r = random(20_260_601)
  const startMs = options.endMs - rangeMs
  const series = new Map<string, Series>()
  // The series an event touches, created on first use.
  const seriesOf = (update: Derive.MetricUpdate, service: string, context: number): Series => {
    const metric = update.metric
    const key = `${context} ${metric.name} ${update.labelValues.join("\u0000")}`
    let s = series.get(key)
    if (s === undefined) {
      const attributes: Record<string, string> = {}
      metric.labelKeys.forEach((k, i) => {
        const v = update.labelValues[i]
        if (v !== undefined) attributes[k] = v
      })
      s = {
        service,
        name: metric.name,
        kind: metric.kind,
        int: metric.valueType === "int",
        boundaries: metric.boundaries ?? [],
        attributes: Official.attributes(attributes),
        context,
        startMs,
        value: 0,
        buckets: Array.from({ length: (metric.boundaries?.length ?? 0) + 1 }, () => 0),
        sum: 0
      }
      series.set(key, s)
    }
    return s
  }
  const apply = (event: Catalogue.Event, context: number) => {
    for (const update of Derive.metricUpdates(event, contexts[context]!)) {
      const s = seriesOf(update, serviceOf(event), context)
      if (s.kind === "counter") s.value += update.value
      else if (s.kind === "gauge") s.value = update.value
      else {
        const bucket = s.boundaries.findIndex((b) => update.value <= b)
        s.buckets[bucket === -1 ? s.boundaries.length : bucket]!++
        s.sum += update.value
      }
    }
  }
  // Every process has used every event of the pool before the range starts: the series are
  // there from the first export.
  contexts.forEach((labels, context) => {
    for (const event of pool) {
      for (const update of Derive.metricUpdates(event, labels)) seriesOf(update, serviceOf(event), context)
    }
  })
  contexts.forEach((labels, context) => {
    if (labels[agentKey] === undefined) return
    for (const metric of ClaudeCode.metrics) {
      const combinations = metric.labels.length === 0 ? [{}] : ["a", "b"].map((v) => ({ [metric.labels[0]!]: v }))
      for (const own of combinations) {
        const attributes = Official.attributes({ ...labels, ...own })
        series.set(`${context} ${metric.name} ${JSON.stringify(own)}`, {
          service: claudeService,
          name: metric.name,
          kind: "delta",
          int: false,
          boundaries: [],
          attributes,
          context,
          startMs,
          value: 0,
          buckets: [],
          sum: 0
        })
      }
    }
  })
  const all = [...series.values()]
  const perExport = all.reduce((n, s) => n + storedSeries(s), 0)
  const exports = Math.max(1, Math.round(options.samples / perExport))
  const intervalMs = rangeMs / exports

  // Events at an even pace over the range; an export after each interval's events.
  const startNs = BigInt(startMs) * 1_000_000n
  const rangeNs = BigInt(rangeMs) * 1_000_000n
  const contextRecords = contexts.map((labels) => pool.map((event) => logRecordOf(event, labels)))
  const metrics: Array<Uint8Array> = []
  const logs: Array<Uint8Array> = []
  let batch: Array<{ service: string; record: object }> = []
  const flushLogs = () => {
    logs.push(
      Official.encodeLogs({
        resourceLogs: [...Map.groupBy(batch, (b) => b.service)].map(([service, records]) => ({
          resource: resourceOf(service),
          scopeLogs: [{ scope: { name: "gastown" }, logRecords: records.map((b) => b.record) }]
        }))
      })
    )
    batch = []
  }
  let next = 0
  for (let e = 0; e < exports; e++) {
    const exportMs = startMs + (e + 1) * intervalMs
    for (
      ;
      next < options.records && Number(startNs + (BigInt(next) * rangeNs) / BigInt(options.records)) / 1e6 < exportMs;
      next++
    ) {
      const timeNs = startNs + (BigInt(next) * rangeNs) / BigInt(options.records)
      const p = r.int(0, pool.length - 1)
      const context = r.int(0, contexts.length - 1)
      apply(pool[p]!, context)
      // A gt command and its bd children share a trace: about ten records each.
      batch.push({
        service: serviceOf(pool[p]!),
        record: {
          ...contextRecords[context]![p]!,
          timeUnixNano: timeNs.toString(),
          traceId: Buffer.alloc(16, Math.floor(next / 10) % 251).toString("base64"),
          spanId: Buffer.alloc(8, next % 251).toString("base64")
        }
      })
      if (batch.length === recordsPerRequest) flushLogs()
    }
    for (const s of all) {
      if (s.kind !== "delta") continue
      s.value = r.int(0, 40) / 4
      s.startMs = Math.round(exportMs - intervalMs)
    }
    const body = exportRequest(all, Math.round(exportMs))
    metrics.push(body)
    // Restarts after the export: the next one starts from zero.
    contexts.forEach((_, context) => {
      if (!r.chance(restartChance)) return
      for (const s of all) {
        if (s.context !== context || s.kind === "delta" || s.kind === "gauge") continue
        s.value = 0
        s.sum = 0
        s.buckets.fill(0)
        s.startMs = Math.round(exportMs)
      }
    })
  }
  if (batch.length > 0) flushLogs()
  const imports = metrics.map(importLines)
  return {
    startMs,
    endMs: options.endMs,
    series: perExport,
    exports,
    intervalMs,
    samples: perExport * exports,
    records: options.records,
    recordsPerRequest,
    metrics,
    logs,
    imports
  } satisfies Workload
}
