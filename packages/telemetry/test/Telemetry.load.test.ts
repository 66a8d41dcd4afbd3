// Load (docs/contract.md#delivery-and-failure): many events as fast as they come. With the backend down the
// emitting fiber never waits and memory stays bounded; whatever is dropped is counted, so
// what arrives later plus what was counted is what was emitted. With the backend up and
// the emitter yielding now and then, nothing is lost. The 1,000,000-event variants run in
// `npm run soak`; `npm run bench` reports the same run's memory (test/support/Load.ts).
import { CaptureServer, Ports, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import * as Load from "./support/Load.ts"

const events = Number(process.env["LOAD_EVENTS"] ?? 200_000)

describe(`${events} events`, () => {
  it.live(
    "backend down: the emitter never waits, memory stays bounded, every drop is counted",
    () =>
      Effect.gen(function* () {
        const stateDir = yield* TempDir.make()
        const url = yield* Ports.closedUrl
        const ran = yield* Load.emitWithBackendDown({ events, url, stateDir })
        const grownMb = (ran.heapPeak - ran.heapBefore) / 2 ** 20
        // The log buffer holds 10,000 records (a few KB each at most) and 2,000 series.
        assert.isBelow(grownMb, 32, `live heap grew ${grownMb.toFixed(1)} MB`)

        // The backend comes back: a later process sends the spool; counted drops + arrivals = emitted.
        const server = yield* CaptureServer.start(Number(new URL(url).port))
        yield* Load.sendSpool(url, stateDir)
        const arrived = Load.acceptedLogs(server)
        const counted = Load.droppedCounted(server).get("log_buffer_full") ?? 0
        assert.isAbove(arrived, 0)
        assert.strictEqual(arrived + counted, events, `${arrived} arrived + ${counted} counted as dropped`)
        console.info(
          `load, backend down: live heap +${grownMb.toFixed(1)} MB at peak, ${arrived} spooled, ${counted} counted`
        )
      }),
    120_000
  )

  it.live(
    "backend down, spans on: memory stays bounded, what spans kept arrives, every drop is counted",
    () =>
      Effect.gen(function* () {
        const stateDir = yield* TempDir.make()
        const url = yield* Ports.closedUrl
        const ran = yield* Load.emitWithBackendDown({ events, url, stateDir, traces: true })
        const grownMb = (ran.heapPeak - ran.heapBefore) / 2 ** 20
        // Besides the log buffer: 2,000 ended spans of at most 128 events, which are buffered log records.
        assert.isBelow(grownMb, 32, `live heap grew ${grownMb.toFixed(1)} MB`)

        const server = yield* CaptureServer.start(Number(new URL(url).port))
        yield* Load.sendSpool(url, stateDir, true)
        const counted = Load.droppedCounted(server)
        const spans = Load.acceptedSpans(server)
        const logs = Load.acceptedLogs(server)
        assert.isAbove(spans.length, 0)
        assert.isAbove(logs, 0)
        // Each span kept its first events and counted the rest on itself (and in the drop counter).
        for (const span of spans) {
          assert.strictEqual(span.events.length, 128)
          assert.strictEqual(span.events.length + (span.droppedEventsCount ?? 0), Load.eventsPerSpan)
        }
        const eventLimit = counted.get("span_event_limit") ?? 0
        assert.isAtLeast(eventLimit, spans.length * (Load.eventsPerSpan - 128))
        // What did not arrive was counted: dropped from its buffer, or with its request when the spool was full
        // (counted once for records, points and spans together).
        const spoolFull = counted.get("spool_full") ?? 0
        const spansEmitted = Math.ceil(events / Load.eventsPerSpan)
        assert.isAtLeast(spans.length + (counted.get("span_buffer_full") ?? 0) + spoolFull, spansEmitted)
        assert.isAtLeast(logs + (counted.get("log_buffer_full") ?? 0) + spoolFull, events)
        console.info(
          `load, backend down, spans on: live heap +${grownMb.toFixed(1)} MB at peak, ${spans.length} spans and ${logs} records spooled, counted ${JSON.stringify(Object.fromEntries(counted))}`
        )
      }),
    120_000
  )

  it.live(
    "backend up, the emitter yielding every 1,000 events: nothing lost",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const started = performance.now()
        yield* Effect.gen(function* () {
          for (let i = 0; i < events; i++) {
            yield* Telemetry.emit(Load.nudge(i))
            if (i % 1_000 === 999) yield* Effect.sleep(0)
          }
        }).pipe(Effect.provide(Load.live(server.url, yield* TempDir.make())))
        const seconds = (performance.now() - started) / 1000
        assert.strictEqual(Load.acceptedLogs(server), events, `at ${Math.round(events / seconds)} events/s`)
        console.info(`load, backend up: ${events} events at ${Math.round(events / seconds)} events/s, none lost`)
        assert.strictEqual(Load.droppedCounted(server).size, 0)
      }),
    120_000
  )
})
