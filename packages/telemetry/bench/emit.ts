// What recording an event costs: our emit path (validation, the fiber's labels and span,
// metric aggregation, the log record, drained as the live layer drains it) against the
// OpenTelemetry JS SDK doing the same work (its instruments for the event's metrics and a log
// record with the same attributes, buffered for export), in the same run, rounds alternating. Events: bd.call, and
// the cheapest and dearest of the other catalogue events for us. Also what validation costs:
// each event's `Schema.is` compiled by Effect's schema JIT, against the interpreter.
//
//   bash scripts/with-node.sh node packages/telemetry/bench/emit.ts
import { Catalogue } from "@gastown-otel/schema"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import * as Bench from "@gastown-otel/testkit/Bench"
import { LoggerProvider, type LogRecordProcessor, type SdkLogRecord } from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import { Effect, Schema } from "effect"
import { InvalidEvent } from "../src/TelemetryError.ts"
import * as Emit from "../src/internal/Emit.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import * as Validate from "../src/internal/Validate.ts"
import * as Events from "./Events.ts"
import * as Sdk from "./Sdk.ts"

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

// The same through the public accessor, `Telemetry.emit`, which finds the service first.
const oursViaService: Contender = (events, n) => {
  const recorder = Recorder.make({})
  const service = Telemetry.Telemetry.of({
    emit: Emit.make(recorder, { strict: false }),
    flush: Effect.void,
    flushReport: Effect.succeed({ _tag: "Off" } as const)
  })
  const program = Effect.gen(function* () {
    for (let i = 0; i < n; i++) {
      yield* Telemetry.emit(events[i & mask]!)
      if (i % DRAIN_EVERY === DRAIN_EVERY - 1 || i === n - 1) recorder.drain()
    }
  }).pipe(Labels.withLabels(Events.labels), Effect.provideService(Telemetry.Telemetry, service))
  return { round: () => Effect.runSync(program) }
}

const accessor = (): ReadonlyArray<Bench.Row> => {
  const [direct, viaService] = Bench.cpuMicros(
    [ours, oursViaService].map((c) => c(Events.pool("bd.call"), N)),
    { operations: N, rounds: ROUNDS }
  )
  return [
    {
      section: "emit, CPU per event",
      subject: "bd.call through Telemetry.emit (the service looked up per call)",
      value: `${viaService!.toFixed(2)} µs`,
      comparison: `+${((viaService! - direct!) * 1000).toFixed(0)} ns over the service's own emit`
    }
  ]
}

// The SDK as an app would set it up: a meter provider whose reader exports every hour (not
// during the bench), and a logger provider whose processor buffers the records until an export,
// as the SDK's batch processor does and as our recorder does. (Its simple processor would start
// an export, three promises, per record; in a synchronous loop they pile up unmeasured.)
const buffering = (records: Array<SdkLogRecord>): LogRecordProcessor => ({
  onEmit: (record) => void records.push(record),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve()
})

const sdk: Contender = (events, n) => {
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000
      })
    ]
  })
  const buffered: Array<SdkLogRecord> = []
  const loggerProvider = new LoggerProvider({ processors: [buffering(buffered)] })
  const record = Sdk.recorder(meterProvider.getMeter("bench"), loggerProvider.getLogger("bench"), events[0]!._tag)
  return {
    round: () => {
      for (let i = 0; i < n; i++) {
        record(events[i & mask]!)
        // Handed to the exporter as often as ours are.
        if (i % DRAIN_EVERY === DRAIN_EVERY - 1 || i === n - 1) buffered.length = 0
      }
    }
  }
}

// Allocations are measured in a process of their own (a new space large enough that no
// collection runs while measuring): `--alloc <event>` prints ours and the SDK's, in bytes.
if (process.argv[2] === "--alloc") {
  await Validate.compileAll()
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

// Validation alone: each event's guard as compiled once its kind is hot, against the
// interpreted guard every kind starts with.
const validation = (): ReadonlyArray<Bench.Row> => {
  const events = Events.pool("bd.call")
  // A copy of the schema is a new AST, never enabled for the JIT: its guard is interpreted.
  const interpreted = Schema.is((Catalogue.byName.get("bd.call")!.schema as Schema.Top).annotate({}))
  const compiled = (input: unknown) => !(Validate.validate(input) instanceof InvalidEvent)
  const n = 200_000
  const [fast, slow] = Bench.cpuMicros(
    [compiled, interpreted].map((is) => ({
      round: () => {
        for (let i = 0; i < n; i++) if (!is(events[i & mask])) throw new Error("an invalid bench event")
      }
    })),
    { operations: n, rounds: ROUNDS }
  )
  const section = "validate, CPU per event"
  return [
    {
      section,
      subject: "bd.call: Schema.is, JIT-compiled (once hot)",
      value: `${(fast! * 1000).toFixed(0)} ns`,
      comparison: `${(slow! / fast!).toFixed(1)}× faster than interpreted`
    },
    { section, subject: "bd.call: Schema.is, interpreted (while cold)", value: `${(slow! * 1000).toFixed(0)} ns` }
  ]
}

export const rows = async (): Promise<ReadonlyArray<Bench.Row>> => {
  // The steady state of a busy process: every kind hot, its guard compiled.
  await Validate.compileAll()
  // A first pass over every event finds our cheapest and dearest; bd.call is reported anyway,
  // so when it is the dearest, the dearest of the others is reported beside it.
  // Rounds alternate between the events, so a change of load weighs on all of them alike.
  const names = Catalogue.entries.map((e) => e.spec.name as Catalogue.EventName)
  const scanned = Bench.cpuMicros(
    names.map((name) => ours(Events.pool(name), 5_000)),
    { operations: 5_000, rounds: 9 }
  )
  const scan = names.map((name, i) => ({ name, us: scanned[i]! })).toSorted((a, b) => a.us - b.us)
  const cheapest = scan[0]!.name
  const dearest = scan.findLast((e) => e.name !== "bd.call")!.name
  const chosen: ReadonlyArray<[Catalogue.EventName, string]> = [
    ["bd.call", scan.at(-1)!.name === "bd.call" ? "bd.call (our dearest)" : "bd.call"],
    [cheapest, `${cheapest} (our cheapest)`],
    [dearest, scan.at(-1)!.name === "bd.call" ? `${dearest} (our dearest after bd.call)` : `${dearest} (our dearest)`]
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
  return [...out, ...accessor(), ...validation()]
}

await Bench.main(rows)
