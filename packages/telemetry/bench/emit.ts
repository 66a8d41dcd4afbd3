// What recording an event costs: our emit path (validation, the fiber's labels and span,
// metric aggregation, the log record, drained as the live layer drains it) against the
// OpenTelemetry JS SDK doing the same work (its instruments for the event's metrics and a log
// record with the same attributes), in the same run, rounds alternating. Events: bd.call, and
// the cheapest and dearest of the other catalogue events for us. Also what validation costs:
// each event's `Schema.is` compiled by Effect's schema JIT, against the interpreter.
//
//   bash scripts/with-node.sh node packages/telemetry/bench/emit.ts
import { Catalogue, Correlation } from "@gastown-otel/schema"
import { Labels } from "@gastown-otel/telemetry"
import * as Bench from "@gastown-otel/testkit/Bench"
import { type Attributes, metrics, ValueType } from "@opentelemetry/api"
import { logs } from "@opentelemetry/api-logs"
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import { Effect, Schema } from "effect"
import * as Emit from "../src/internal/Emit.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import { checks } from "../src/internal/Validate.ts"
import * as Events from "./Events.ts"

const N = 20_000
const ROUNDS = 15
// The live layer drains under pressure, at half its 10,000-record buffer.
const DRAIN_EVERY = 5_000
const mask = Events.poolSize - 1

type Contender = (events: ReadonlyArray<Catalogue.Event>, n: number) => { readonly round: () => void }

const ours: Contender = (events, n) => {
  const recorder = Recorder.make({})
  const emit = Emit.make(recorder, { strict: false })
  const program = Effect.gen(function* () {
    for (let i = 0; i < n; i++) {
      yield* emit(events[i & mask]!)
      if (i % DRAIN_EVERY === DRAIN_EVERY - 1 || i === n - 1) recorder.drain()
    }
  }).pipe(Labels.withLabels(Events.labels))
  return { round: () => Effect.runSync(program) }
}

const metricLabels = Object.fromEntries(
  Correlation.metricKeys.map((k) => [k, Events.labels[k as keyof typeof Events.labels]])
)

// The SDK as an app would set it up: a meter provider whose reader exports every hour (not
// during the bench) and a logger provider with a simple processor into memory.
const sdk: Contender = (events, n) => {
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000
      })
    ]
  })
  metrics.setGlobalMeterProvider(meterProvider)
  const logExporter = new InMemoryLogRecordExporter()
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] })
  logs.setGlobalLoggerProvider(loggerProvider)
  const meter = meterProvider.getMeter("bench")
  const logger = loggerProvider.getLogger("bench")
  const instruments = Catalogue.metrics
    .filter((m) => m.event === events[0]!._tag)
    .map((m) => {
      const options = { unit: m.unit, valueType: m.valueType === "int" ? ValueType.INT : ValueType.DOUBLE }
      const record: (value: number, attributes: Attributes) => void =
        m.kind === "counter"
          ? (
              (c) => (v, a) =>
                c.add(v, a)
            )(meter.createCounter(m.name, options))
          : m.kind === "gauge"
            ? (
                (g) => (v, a) =>
                  g.record(v, a)
              )(meter.createGauge(m.name, options))
            : (
                (h) => (v, a) =>
                  h.record(v, a)
              )(meter.createHistogram(m.name, { ...options, advice: { explicitBucketBoundaries: [...m.boundaries!] } }))
      return { metric: m, record }
    })
  return {
    round: () => {
      for (let i = 0; i < n; i++) {
        const event = events[i & mask]! as unknown as Record<string, string | number | boolean>
        for (const { metric, record } of instruments) {
          const attributes: Attributes = { ...metricLabels }
          for (const label of metric.labels) attributes[label] = String(event[label])
          record(metric.value === undefined ? 1 : (event[metric.value] as number), attributes)
        }
        const { _tag, ...fields } = event
        logger.emit({
          body: _tag as string,
          severityNumber: event["status"] === "error" ? 17 : 9,
          severityText: event["status"] === "error" ? "ERROR" : "INFO",
          attributes: { ...Events.labels, ...fields }
        })
      }
      logExporter.reset()
    }
  }
}

// Allocations are measured in a process of their own (a new space large enough that no
// collection runs while measuring): `--alloc <event>` prints ours and the SDK's, in bytes.
if (process.argv[2] === "--alloc") {
  const events = Events.pool(process.argv[3] as Catalogue.EventName)
  const n = DRAIN_EVERY
  const measured = [ours, sdk].map((c) => Bench.allocatedBytes(c(events, n).round, { operations: n }))
  process.stdout.write(`${JSON.stringify(measured)}\n`)
  process.exit(0)
}

const perEvent = (name: Catalogue.EventName, rounds: number, n: number) =>
  Bench.cpuMicros(
    [ours, sdk].map((c) => c(Events.pool(name), n)),
    { operations: n, rounds }
  )

const validation = (): ReadonlyArray<Bench.Row> => {
  const events = Events.pool("bd.call")
  const jit = checks.get("bd.call")!
  // A copy of the schema is a new AST, never enabled for the JIT: its guard is interpreted.
  const interpreted = Schema.is((Catalogue.byName.get("bd.call")!.schema as Schema.Top).annotate({}))
  const n = 200_000
  const [fast, slow] = Bench.cpuMicros(
    [jit, interpreted].map((is) => ({
      round: () => {
        for (let i = 0; i < n; i++) if (!is(events[i & mask])) throw new Error("an invalid bench event")
      }
    })),
    { operations: n, rounds: ROUNDS }
  )
  return [
    {
      section: "validate, per event",
      subject: "bd.call: Schema.is, JIT-compiled (ours)",
      value: `${(fast! * 1000).toFixed(0)} ns`,
      comparison: `${(slow! / fast!).toFixed(1)}× faster than interpreted`
    },
    {
      section: "validate, per event",
      subject: "bd.call: Schema.is, interpreted",
      value: `${(slow! * 1000).toFixed(0)} ns`
    }
  ]
}

export const rows = async (): Promise<ReadonlyArray<Bench.Row>> => {
  // A first pass over every other event finds our cheapest and dearest.
  const others = Catalogue.entries.map((e) => e.spec.name as Catalogue.EventName).filter((n) => n !== "bd.call")
  const scan = others.map((name) => ({
    name,
    us: Bench.cpuMicros([ours(Events.pool(name), 5_000)], { operations: 5_000, rounds: 9 })[0]!
  }))
  const sorted = scan.toSorted((a, b) => a.us - b.us)
  const chosen: ReadonlyArray<[Catalogue.EventName, string]> = [
    ["bd.call", "bd.call"],
    [sorted[0]!.name, `${sorted[0]!.name} (our cheapest)`],
    [sorted.at(-1)!.name, `${sorted.at(-1)!.name} (our dearest)`]
  ]
  const out: Array<Bench.Row> = []
  for (const [name, subject] of chosen) {
    const [us, peer] = perEvent(name, ROUNDS, N)
    const [allocOurs, allocPeer] = Bench.inAllocationProcess<[number | undefined, number | undefined]>(
      import.meta.filename,
      ["--alloc", name]
    )
    const section = "emit, CPU per event"
    out.push(
      {
        section,
        subject: `${subject}: gastown-otel`,
        value: `${us!.toFixed(2)} µs`,
        allocations: Bench.bytes(allocOurs),
        comparison: `${(peer! / us!).toFixed(1)}× faster than the SDK`
      },
      {
        section,
        subject: `${subject}: OpenTelemetry JS SDK`,
        value: `${peer!.toFixed(2)} µs`,
        allocations: Bench.bytes(allocPeer)
      }
    )
  }
  return [...out, ...validation()]
}

await Bench.main(rows)
