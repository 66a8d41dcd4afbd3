// What turning a batch into an OTLP/HTTP protobuf body costs: our encoder (Encode.ts) against
// Effect's `OtlpSerialization.layerProtobuf` and the OpenTelemetry JS protobuf serializers of
// `@opentelemetry/otlp-transformer` 0.223.1 (the release beside the SDK 2.12 / 0.223 that the
// emit bench uses), each from the data its own pipeline hands it, with the same content: a
// request of 1,000 bd.call log records (the exporter's cap), and the metrics of a busy process
// (every catalogue event recorded, four values per open label). Time per batch, throughput,
// bytes on the wire and what each allocates.
//
//   bash scripts/with-node.sh node packages/telemetry/bench/encode.ts
import { Catalogue } from "@gastown-otel/schema"
import * as Bench from "@gastown-otel/testkit/Bench"
import type { Attributes } from "@opentelemetry/api"
import { ProtobufLogsSerializer, ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer"
import { resourceFromAttributes } from "@opentelemetry/resources"
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import { Effect } from "effect"
import { OtlpSerialization } from "effect/observability"
import type { AnyValue, KeyValue, LogRecordData, MetricData } from "../src/OtlpData.ts"
import * as InstrumentationScope from "../src/internal/InstrumentationScope.ts"
import { logsRequest, metricsRequest } from "../src/internal/otlp/Encode.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import * as Totals from "../src/internal/Totals.ts"
import * as UnixNanos from "../src/internal/UnixNanos.ts"
import * as Events from "./Events.ts"
import * as Sdk from "./Sdk.ts"

const RECORDS = 1_000
const ROUNDS = 15
const resourceAttributes = { "service.name": "gastown", "service.version": "0.1.0", "host.name": "bench-host" }
const resource: ReadonlyArray<KeyValue> = Object.entries(resourceAttributes).map(([key, value]) => ({
  key,
  value: { string: value }
}))
const { scope } = InstrumentationScope

// Our side: the records and series a recorder drains, as the exporter hands them to the encoder.
const logRecords = (): ReadonlyArray<LogRecordData> => {
  const recorder = Recorder.make({})
  const events = Events.pool("bd.call")
  for (let i = 0; i < RECORDS; i++) {
    recorder.record(events[i % events.length]!, Events.labels, undefined, UnixNanos.nowMillis(), false)
  }
  return recorder.drain().logs
}

const everyEvent = Catalogue.entries.map((e) => e.spec.name as Catalogue.EventName)

const metricData = (): ReadonlyArray<MetricData> => {
  const recorder = Recorder.make({})
  for (const name of everyEvent) {
    for (const event of Events.pool(name))
      recorder.record(event, Events.labels, undefined, UnixNanos.nowMillis(), false)
  }
  return Totals.pointsFrom(new Map(), recorder.drain().series, UnixNanos.now() - 60_000_000_000n, UnixNanos.now())
}

// Effect's side: its OTLP JSON-shaped model (what its OtlpLogger and OtlpMetrics build).
const effectValue = (v: AnyValue) =>
  "string" in v
    ? { stringValue: v.string }
    : "int" in v
      ? { intValue: v.int }
      : "double" in v
        ? { doubleValue: v.double }
        : { boolValue: v.bool }
const effectAttributes = (kvs: ReadonlyArray<KeyValue>) =>
  kvs.map((kv) => ({ key: kv.key, value: effectValue(kv.value) }))
const effectResource = { attributes: effectAttributes(resource), droppedAttributesCount: 0 }

const effectLogs = (records: ReadonlyArray<LogRecordData>) => ({
  resourceLogs: [
    {
      resource: effectResource,
      scopeLogs: [
        {
          scope,
          logRecords: records.map((r) => ({
            timeUnixNano: String(r.timeUnixNano),
            observedTimeUnixNano: String(r.observedTimeUnixNano),
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: { stringValue: r.body },
            attributes: effectAttributes(r.attributes),
            droppedAttributesCount: 0
          }))
        }
      ]
    }
  ]
})

const effectMetrics = (metrics: ReadonlyArray<MetricData>) => ({
  resourceMetrics: [
    {
      resource: effectResource,
      scopeMetrics: [
        {
          scope,
          metrics: metrics.map((m) => {
            const common = { name: m.name, description: m.description, unit: m.unit }
            if (m.kind === "histogram") {
              return {
                ...common,
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: m.points.map((p) => ({
                    attributes: effectAttributes(p.attributes),
                    startTimeUnixNano: String(p.startTimeUnixNano),
                    timeUnixNano: String(p.timeUnixNano),
                    count: p.count,
                    sum: p.sum,
                    bucketCounts: p.bucketCounts,
                    explicitBounds: p.explicitBounds,
                    min: p.min,
                    max: p.max
                  }))
                }
              }
            }
            const dataPoints = m.points.map((p) => ({
              attributes: effectAttributes(p.attributes),
              startTimeUnixNano: String(p.startTimeUnixNano),
              timeUnixNano: String(p.timeUnixNano),
              ...(p.isInt ? { asInt: p.value } : { asDouble: p.value })
            }))
            return m.kind === "sum"
              ? { ...common, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints } }
              : { ...common, gauge: { dataPoints } }
          })
        }
      ]
    }
  ]
})

const effectSerialization = Effect.runSync(
  OtlpSerialization.OtlpSerialization.use(Effect.succeed).pipe(Effect.provide(OtlpSerialization.layerProtobuf))
)
const bodyOf = (body: unknown) => (body as { readonly body: Uint8Array }).body

// The OpenTelemetry JS side: what its SDK hands its exporters for the same content.
const plain = (kvs: ReadonlyArray<KeyValue>): Attributes =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.values(kv.value)[0] as string | number | boolean]))

const otelLogs = (records: ReadonlyArray<LogRecordData>) => {
  const exporter = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    processors: [new SimpleLogRecordProcessor({ exporter })]
  })
  const logger = provider.getLogger(scope.name, scope.version)
  for (const r of records) {
    logger.emit({
      body: r.body,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      attributes: plain(r.attributes),
      timestamp: new Date(Number(r.timeUnixNano / 1_000_000n))
    })
  }
  return exporter.getFinishedLogRecords()
}

const otelMetrics = async () => {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000
  })
  const provider = new MeterProvider({ resource: resourceFromAttributes(resourceAttributes), readers: [reader] })
  const meter = provider.getMeter(scope.name, scope.version)
  for (const m of Catalogue.metrics) {
    const record = Sdk.instrument(meter, m)
    for (const event of Events.pool(m.event as Catalogue.EventName)) {
      const fields = event as unknown as Record<string, string | number | boolean>
      const attributes: Attributes = { ...Sdk.metricLabels }
      for (const label of m.labels) attributes[label] = String(fields[label])
      record(m.value === undefined ? 1 : (fields[m.value] as number), attributes)
    }
  }
  const { resourceMetrics } = await reader.collect()
  await provider.shutdown()
  return resourceMetrics
}

interface Encoders {
  readonly items: number
  readonly unit: string
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly encode: () => Uint8Array }>
}

const batches = async (): Promise<ReadonlyArray<Encoders & { readonly section: string }>> => {
  const records = logRecords()
  const metrics = metricData()
  const effectLogsData = effectLogs(records)
  const effectMetricsData = effectMetrics(metrics)
  const otelLogRecords = otelLogs(records)
  const otelResourceMetrics = await otelMetrics()
  const points = metrics.reduce((n, m) => n + m.points.length, 0)
  return [
    {
      section: `encode logs: ${RECORDS.toLocaleString("en")} bd.call records`,
      items: records.length,
      unit: "record",
      contenders: [
        { name: "gastown-otel (Encode.ts)", encode: () => logsRequest([{ resource, scope, records }]) },
        {
          name: "Effect OtlpSerialization.layerProtobuf",
          encode: () => bodyOf(effectSerialization.logs(effectLogsData as never))
        },
        {
          name: "@opentelemetry/otlp-transformer 0.223.1",
          encode: () => ProtobufLogsSerializer.serializeRequest(otelLogRecords)!
        }
      ]
    },
    {
      section: `encode metrics: ${points} points of ${metrics.length} metrics`,
      items: points,
      unit: "point",
      contenders: [
        { name: "gastown-otel (Encode.ts)", encode: () => metricsRequest([{ resource, scope, metrics }]) },
        {
          name: "Effect OtlpSerialization.layerProtobuf",
          encode: () => bodyOf(effectSerialization.metrics(effectMetricsData as never))
        },
        {
          name: "@opentelemetry/otlp-transformer 0.223.1",
          encode: () => ProtobufMetricsSerializer.serializeRequest(otelResourceMetrics)!
        }
      ]
    }
  ]
}

// Allocations in a process of their own (see Bench.allocatedBytes): `--alloc` prints, per
// batch and contender, the bytes allocated per item.
if (process.argv[2] === "--alloc") {
  const measured = (await batches()).map((b) =>
    b.contenders.map((c) => Bench.allocatedBytes(() => void c.encode(), { operations: b.items }))
  )
  process.stdout.write(`${JSON.stringify(measured)}\n`)
  process.exit(0)
}

export const rows = async (): Promise<ReadonlyArray<Bench.Row>> => {
  const measured = await batches()
  const allocations = Bench.inAllocationProcess<ReadonlyArray<ReadonlyArray<number | undefined>>>(
    import.meta.filename,
    ["--alloc"]
  )
  return measured.flatMap((batch, b) => {
    const perRound = 10
    const micros = Bench.cpuMicros(
      batch.contenders.map((c) => ({
        round: () => {
          for (let i = 0; i < perRound; i++) c.encode()
        }
      })),
      { operations: perRound, rounds: ROUNDS }
    )
    const sizes = batch.contenders.map((c) => c.encode().byteLength)
    return batch.contenders.map((c, i): Bench.Row => {
      const us = micros[i]!
      const vsOurs = us / micros[0]!
      return {
        section: batch.section,
        subject: c.name,
        value: `${((us * 1000) / batch.items).toFixed(0)} ns/${batch.unit}, ${(sizes[i]! / us).toFixed(0)} MB/s, ${(sizes[i]! / batch.items).toFixed(1)} B/${batch.unit} on the wire`,
        allocations: `${Bench.bytes(allocations[b]![i])}/${batch.unit}`,
        comparison: i === 0 ? "" : `${vsOurs.toFixed(1)}× our time`
      }
    })
  })
}

await Bench.main(rows)
