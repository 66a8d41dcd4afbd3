// Load (docs/contract.md#delivery-and-failure): many events as fast as they come. With the backend down the
// emitting fiber never waits and memory stays bounded; whatever is dropped is counted, so
// what arrives later plus what was counted is what was emitted. With the backend up and
// the emitter yielding now and then, nothing is lost. The 1,000,000-event variants run in
// `npm run soak`.
import { CaptureServer, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { attributesOf, decodeLogs, decodeMetrics } from "@gastown-otel/testkit/OtlpDecode"
import { logsPath, metricsPath } from "./support/Processes.ts"

const events = Number(process.env["LOAD_EVENTS"] ?? 200_000)
// Exposed by this project's vitest config (--expose-gc).
declare const gc: () => void
const selfMetric = Catalogue.metrics.find((m) => m.emitter === "telemetry")!.name

const live = (url: string, stateDir: string) =>
  Telemetry.layer({
    metricsUrl: url + metricsPath,
    logsUrl: url + logsPath,
    resource: { "service.name": "gastown" },
    stateDir,
    exportInterval: "200 millis"
  })

const nudge = (i: number): Catalogue.Event => ({ _tag: "nudge", target: `t${i}`, status: "ok" })

// The emitted records that arrived (not the library's own drop reports), each once.
const acceptedLogs = (server: CaptureServer.CaptureServer) => {
  const targets = server
    .accepted(logsPath)
    .flatMap((r) => decodeLogs(r.body).resourceLogs[0]!.scopeLogs[0]!.logRecords)
    .filter((l) => l.body?.stringValue === "nudge")
    .map((l) => String(attributesOf(l.attributes)["target"]))
  assert.strictEqual(new Set(targets).size, targets.length, "no record arrived twice")
  return targets.length
}

const droppedCounted = (server: CaptureServer.CaptureServer) => {
  let total = 0
  for (const request of server.accepted(metricsPath)) {
    for (const m of decodeMetrics(request.body).resourceMetrics[0]!.scopeMetrics[0]!.metrics) {
      if (m.name !== selfMetric) continue
      for (const p of m.sum!.dataPoints) {
        if (attributesOf(p.attributes)["reason"] === "log_buffer_full") total = Math.max(total, Number(p.asInt))
      }
    }
  }
  return total
}

describe(`${events} events`, () => {
  it.live(
    "backend down: the emitter never waits, memory stays bounded, every drop is counted",
    () =>
      Effect.gen(function* () {
        const stateDir = yield* TempDir.make()
        const down = yield* CaptureServer.start()
        const url = down.url
        yield* CaptureServer.stop(down)
        // Live memory: what is still reachable after a collection, sampled through the run.
        const liveHeap = () => {
          gc()
          return process.memoryUsage().heapUsed
        }
        const heapBefore = liveHeap()
        let heapPeak = heapBefore
        yield* Effect.gen(function* () {
          for (let i = 0; i < events; i++) {
            yield* Telemetry.emit(nudge(i))
            if (i % 50_000 === 0) heapPeak = Math.max(heapPeak, liveHeap())
          }
        }).pipe(Effect.provide(live(url, stateDir)))
        const grownMb = (heapPeak - heapBefore) / 2 ** 20
        // The log buffer holds 10,000 records (a few KB each at most) and 2,000 series.
        assert.isBelow(grownMb, 32, `live heap grew ${grownMb.toFixed(1)} MB`)

        // The backend comes back: a later process sends the spool; counted drops + arrivals = emitted.
        const server = yield* CaptureServer.start(Number(new URL(url).port))
        yield* Telemetry.flush.pipe(Effect.provide(live(url, stateDir)))
        const arrived = acceptedLogs(server)
        const counted = droppedCounted(server)
        assert.isAbove(arrived, 0)
        assert.strictEqual(arrived + counted, events, `${arrived} arrived + ${counted} counted as dropped`)
        console.info(
          `load, backend down: live heap +${grownMb.toFixed(1)} MB at peak, ${arrived} spooled, ${counted} counted`
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
            yield* Telemetry.emit(nudge(i))
            if (i % 1_000 === 999) yield* Effect.sleep(0)
          }
        }).pipe(Effect.provide(live(server.url, yield* TempDir.make())))
        const seconds = (performance.now() - started) / 1000
        assert.strictEqual(acceptedLogs(server), events, `at ${Math.round(events / seconds)} events/s`)
        console.info(`load, backend up: ${events} events at ${Math.round(events / seconds)} events/s, none lost`)
        assert.strictEqual(droppedCounted(server), 0)
      }),
    120_000
  )
})
