// What recording one bd.call costs: our Telemetry.emit (validation, metrics, log record)
// against the OpenTelemetry JS SDK doing the same work (a counter, a histogram, a log
// record with the same attributes), measured in the same run. Medians of repeated rounds.
import { Catalogue } from "@gastown-otel/schema"
import { Labels } from "@gastown-otel/telemetry"
import { metrics } from "@opentelemetry/api"
import { logs } from "@opentelemetry/api-logs"
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import { Effect } from "effect"
import * as Emit from "../src/internal/Emit.ts"
import * as Recorder from "../src/internal/Recorder.ts"

const N = 20_000
const ROUNDS = 15

const event = {
  _tag: "bd.call",
  subcommand: "list",
  args: "list --json --status open",
  duration_ms: 12.5,
  status: "ok",
  stdout: "bd-1 open Fix the flaky test\nbd-2 open Write docs",
  stderr: ""
} as const
const labels = { "gt.role": "mol/polecats/jana", "gt.rig": "mol", "gt.actor": "mol/polecats/jana", "gt.agent": "jana" }

const median = (xs: Array<number>) => xs.toSorted((a, b) => a - b)[xs.length >> 1]!

const measure = (name: string, round: () => void) => {
  for (let i = 0; i < 3; i++) round()
  const perEvent: Array<number> = []
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now()
    round()
    perEvent.push(((performance.now() - start) * 1000) / N)
  }
  return { name, us: median(perEvent) }
}

// Ours: the emit path every recording layer runs (validation, labels, span lookup,
// metric aggregation, log record derivation), drained every 5,000 events as the live
// layer's pressure export does; encoding and sending are not in the loop.
const recorder = Recorder.make({})
const emit = Emit.make(recorder, { strict: false })
const ours = () =>
  Effect.runSync(
    Effect.gen(function* () {
      for (let i = 0; i < N; i++) {
        yield* emit(event)
        if (i % 5_000 === 4_999) recorder.drain()
      }
    }).pipe(Labels.withLabels(labels))
  )

// The peer: OTel JS SDK instruments and logger, in-memory exporters, same attributes.
const reader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000
})
const meterProvider = new MeterProvider({ readers: [reader] })
metrics.setGlobalMeterProvider(meterProvider)
const logExporter = new InMemoryLogRecordExporter()
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] })
logs.setGlobalLoggerProvider(loggerProvider)
const meter = meterProvider.getMeter("bench")
const [calls, duration] = ["counter", "histogram"].map((kind) =>
  Catalogue.metrics.find((m) => m.event === event._tag && m.kind === kind)!
)
const counter = meter.createCounter(calls!.name, { unit: calls!.unit })
const histogram = meter.createHistogram(duration!.name, {
  unit: duration!.unit,
  advice: { explicitBucketBoundaries: [...duration!.boundaries!] }
})
const logger = loggerProvider.getLogger("bench")
const otel = () => {
  for (let i = 0; i < N; i++) {
    const attributes = { ...labels, subcommand: event.subcommand, status: event.status }
    counter.add(1, attributes)
    histogram.record(event.duration_ms, attributes)
    logger.emit({
      body: event._tag,
      severityNumber: 9,
      severityText: "INFO",
      attributes: { ...labels, ...event }
    })
  }
  logExporter.reset()
}

const results = [
  measure("gastown-otel emit (validation, metrics, log record)", ours),
  measure("OpenTelemetry JS SDK", otel)
]
const peer = results[1]!.us
console.log(`one bd.call, median of ${ROUNDS} rounds of ${N} events (Node ${process.version})`)
for (const r of results)
  console.log(`${r.name.padEnd(48)} ${r.us.toFixed(3)} µs/event  ${(r.us / peer).toFixed(2)}× the SDK`)
