// What `Telemetry.flushReport` says a flush did, against what a local endpoint received
// (decoded with the independent OTLP decoder) or what the spool still holds.
import { CaptureServer, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { decodeLogs, decodeMetrics, decodeTraces } from "@gastown-otel/testkit/OtlpDecode"
import { logsPath, metricsPath, tracesPath } from "./support/Processes.ts"

const live = (url: string, stateDir?: string) =>
  Telemetry.layer({
    metricsUrl: url + metricsPath,
    logsUrl: url + logsPath,
    resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
    stateDir,
    // Nothing left for the exit: the report is about the flush alone.
    shutdownTimeout: 0
  })

const nudges = (n: number) =>
  Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    (i) => Telemetry.emit({ _tag: "nudge", target: `mol/t${i}`, status: "ok" })
  )

// Log records and metric points in what the server received.
const recordsIn = (server: CaptureServer.CaptureServer) =>
  server.byPath(logsPath).reduce((n, r) => n + decodeLogs(r.body).resourceLogs[0]!.scopeLogs[0]!.logRecords.length, 0) +
  server
    .byPath(metricsPath)
    .flatMap((r) => decodeMetrics(r.body).resourceMetrics[0]!.scopeMetrics[0]!.metrics)
    .reduce((n, m) => n + (m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.gauge?.dataPoints ?? []).length, 0)

describe("Telemetry.flushReport", () => {
  it.live("backend up: what was sent, as received", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const report = yield* nudges(3).pipe(
        Effect.andThen(Telemetry.flushReport),
        Effect.provide(live(server.url, yield* TempDir.make()))
      )
      assert.deepStrictEqual(report, {
        _tag: "Flushed",
        spool: true,
        sent: { requests: server.requests.length, records: recordsIn(server) },
        spooled: [],
        dropped: [],
        elsewhere: 0
      })
      assert.strictEqual(server.requests.length, 2)
      assert.strictEqual(recordsIn(server), 3 + 1, "three log records, one counter point")
    })
  )

  it.live("backend down: still spooled, per endpoint, with why; nothing sent", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      yield* CaptureServer.stop(server)
      const report = yield* nudges(2).pipe(
        Effect.andThen(Telemetry.flushReport),
        Effect.provide(live(server.url, yield* TempDir.make()))
      )
      assert.strictEqual(report._tag, "Flushed")
      if (report._tag !== "Flushed") return
      assert.deepStrictEqual(report.sent, { requests: 0, records: 0 })
      assert.deepStrictEqual(
        report.spooled
          .map(({ signal, url, requests, records }) => ({ signal, url, requests, records }))
          .toSorted((a, b) => a.signal.localeCompare(b.signal)),
        [
          { signal: "logs", url: server.url + logsPath, requests: 1, records: 2 },
          { signal: "metrics", url: server.url + metricsPath, requests: 1, records: 1 }
        ]
      )
      for (const unsent of report.spooled) assert.include(unsent.reason, `backend at ${unsent.url} is unreachable`)
    })
  )

  it.live("spans: their own requests, spooled while the backend is down, counted and sent by the next flush", () =>
    Effect.gen(function* () {
      const stateDir = yield* TempDir.make()
      const server = yield* CaptureServer.start()
      const port = Number(new URL(server.url).port)
      yield* CaptureServer.stop(server)
      const withTraces = (url: string) =>
        Telemetry.layer({
          metricsUrl: url + metricsPath,
          logsUrl: url + logsPath,
          tracesUrl: url + tracesPath,
          resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
          stateDir,
          shutdownTimeout: 0
        })
      const threeSpans = Effect.forEach(["gt sling", "gt nudge", "gt status"], (name) =>
        Effect.void.pipe(Effect.withSpan(name))
      )
      const down = yield* threeSpans.pipe(Effect.andThen(Telemetry.flushReport), Effect.provide(withTraces(server.url)))
      assert.deepInclude(down, { sent: { requests: 0, records: 0 } })
      assert.deepStrictEqual(
        down._tag === "Flushed"
          ? down.spooled.map(({ signal, url, requests, records }) => ({ signal, url, requests, records }))
          : [],
        [{ signal: "traces", url: server.url + tracesPath, requests: 1, records: 3 }],
        "nothing else was recorded"
      )

      const up = yield* CaptureServer.start(port)
      const report = yield* Telemetry.flushReport.pipe(Effect.provide(withTraces(up.url)))
      assert.deepInclude(report, { sent: { requests: 1, records: 3 }, spooled: [] })
      const names = up
        .byPath(tracesPath)
        .flatMap((r) => decodeTraces(r.body).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name))
      assert.deepStrictEqual(names, ["gt sling", "gt nudge", "gt status"])
    })
  )

  it.live("requests spooled for other endpoints: counted, left for a process configured for them", () =>
    Effect.gen(function* () {
      const stateDir = yield* TempDir.make()
      const other = yield* CaptureServer.start()
      yield* CaptureServer.stop(other)
      yield* nudges(1).pipe(Effect.andThen(Telemetry.flush), Effect.provide(live(other.url, stateDir)))
      const server = yield* CaptureServer.start()
      const report = yield* Telemetry.flushReport.pipe(Effect.provide(live(server.url, stateDir)))
      assert.deepInclude(report, { sent: { requests: 0, records: 0 }, spooled: [], elsewhere: 2 })
    })
  )

  it.live("a request the backend rejects: dropped, with the answer", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      server.setReply((request) => (request.path === logsPath ? { status: 400 } : { status: 200 }))
      const report = yield* nudges(1).pipe(
        Effect.andThen(Telemetry.flushReport),
        Effect.provide(live(server.url, yield* TempDir.make()))
      )
      assert.deepInclude(report, {
        sent: { requests: 1, records: 1 },
        spooled: [],
        dropped: [
          {
            signal: "logs",
            url: server.url + logsPath,
            requests: 1,
            records: 1,
            reason: `backend at ${server.url + logsPath} answered HTTP 400, rejecting a logs request`
          }
        ]
      })
    })
  )

  it.live("no state directory: no spool, said in the report", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const report = yield* nudges(1).pipe(Effect.andThen(Telemetry.flushReport), Effect.provide(live(server.url)))
      assert.deepInclude(report, { spool: false, sent: { requests: 2, records: 2 } })
    })
  )

  it.live("an endpoint URL that does not parse: telemetry off, never a failure", () =>
    Effect.gen(function* () {
      const report = yield* nudges(1).pipe(
        Effect.andThen(Telemetry.flushReport),
        Effect.provide(Telemetry.layer({ metricsUrl: "not a url", logsUrl: "nor this", resource: {} }))
      )
      assert.deepStrictEqual(report, { _tag: "Off" })
    })
  )

  it.effect("off and in memory", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Telemetry.flushReport.pipe(Effect.provide(Telemetry.layerNoop)), { _tag: "Off" })
      const memory = yield* nudges(1).pipe(
        Effect.andThen(Telemetry.flushReport),
        Effect.provide(Telemetry.layerMemory())
      )
      assert.deepInclude(memory, { _tag: "Flushed", spool: false, sent: { requests: 0, records: 0 } })
    })
  )
})
