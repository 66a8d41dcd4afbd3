import { Resource } from "@gastown-otel/schema"
// A backend that refuses, hangs, is slow, fails or resets (docs/contract.md#delivery-and-failure): the host's exit code
// is unchanged, it exits within the flush budget, retries follow the OTLP rules, and what
// could not be sent is spooled and sent once by a later process: log records and spans alike.
import { CaptureServer, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Labels, Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { attributesOf, decodeLogs } from "@gastown-otel/testkit/OtlpDecode"
import * as Spool from "../src/internal/Spool.ts"
import * as Traces from "../src/internal/Traces.ts"
import * as Load from "./support/Load.ts"
import { logsPath, metricsPath, patient, run, spanRuns, tracesPath, withTraces } from "./support/Processes.ts"

// Sending at exit may add TelemetryConfig.defaultFlushTimeoutMs; the rest is slack for a
// loaded CI machine. The Go CLI waits up to 2 s.
const budgetMs = TelemetryConfig.defaultFlushTimeoutMs
const slackMs = 750

const logIds = (requests: ReadonlyArray<CaptureServer.Captured>) =>
  requests.flatMap((r) =>
    decodeLogs(r.body).resourceLogs.flatMap((rl) =>
      rl.scopeLogs.flatMap((s) =>
        s.logRecords.map((l) => String(attributesOf(l.attributes)["args"]).replace("list --id ", ""))
      )
    )
  )

const spanIds = (requests: ReadonlyArray<CaptureServer.Captured>) => spanRuns(requests.map((r) => r.body)).map(String)

type Fault = CaptureServer.Reply | "refused"

const cases: ReadonlyArray<{
  readonly name: string
  readonly fault: Fault
  /** Delivered by the process itself (after retries), spooled for later, or dropped. */
  readonly outcome: "delivered" | "spooled" | "dropped"
}> = [
  { name: "connection refused", fault: "refused", outcome: "spooled" },
  { name: "accept and hang", fault: { fault: "hang" }, outcome: "spooled" },
  { name: "reset in the middle of the body", fault: { fault: "reset" }, outcome: "spooled" },
  { name: "slow response (100 ms)", fault: { status: 200, delayMs: 100 }, outcome: "delivered" },
  { name: "503 Service Unavailable", fault: { status: 503 }, outcome: "spooled" },
  { name: "502 Bad Gateway", fault: { status: 502 }, outcome: "spooled" },
  // The request is sound, the credentials are not: it waits for a process whose credentials work.
  { name: "401 Unauthorized", fault: { status: 401 }, outcome: "spooled" },
  { name: "500 Internal Server Error (not retryable)", fault: { status: 500 }, outcome: "dropped" },
  { name: "400 Bad Request (not retryable)", fault: { status: 400 }, outcome: "dropped" }
]

describe("a backend at fault", () => {
  for (const { name, fault, outcome } of cases) {
    it.live(
      `${name}: exit code unchanged, within the budget, then ${outcome}`,
      () =>
        Effect.gen(function* () {
          let server = yield* CaptureServer.start()
          const env = { ...withTraces(server.url), GT_OTEL_STATE_DIR: yield* TempDir.make() }
          if (fault === "refused") yield* CaptureServer.stop(server)
          else server.setReply(() => fault)
          const baseline = yield* run({ id: 0 })
          const faced = yield* run({ id: 1, env })
          assert.strictEqual(faced.code, baseline.code)
          assert.isBelow(faced.ms, baseline.ms + budgetMs + slackMs, `exit took ${Math.round(faced.ms)} ms`)

          // The backend recovers; the next process sends its own record and what was spooled.
          if (fault === "refused") server = yield* CaptureServer.start(Number(new URL(server.url).port))
          server.setReply(() => ({ status: 200 }))
          yield* run({ id: 2, env })
          const ids = logIds(server.accepted(logsPath)).toSorted()
          const expected = { delivered: ["1", "2"], spooled: ["1", "2"], dropped: ["2"] }[outcome]
          assert.deepStrictEqual(ids, expected, "each record once; a rejected one never")
          assert.deepStrictEqual(spanIds(server.accepted(tracesPath)).toSorted(), expected, "each span once, likewise")
          if (outcome === "dropped") {
            assert.include(faced.stderr, "rejecting a logs request: its records are dropped")
            assert.include(faced.stderr, "rejecting a traces request: its records are dropped")
          }
          if (outcome === "spooled") assert.include(faced.stderr, "kept in the spool, sent by a later command")
        }),
      30_000
    )
  }

  it.live(
    "an unreachable backend is reported once, by the first process to meet it, until it takes requests again",
    () =>
      Effect.gen(function* () {
        let server = yield* CaptureServer.start()
        const port = Number(new URL(server.url).port)
        // Time enough to send at exit on a loaded machine: a refused connection costs none.
        const env = { ...withTraces(server.url), GT_OTEL_STATE_DIR: yield* TempDir.make(), ...patient }
        yield* CaptureServer.stop(server)
        // One line per endpoint, naming it and saying where the data went.
        const said = (stderr: string) =>
          stderr
            .split("\n")
            .filter((line) => line.startsWith("gastown-otel:"))
            .map((line) => {
              assert.include(line, "is unreachable")
              assert.include(line, "telemetry kept in the spool, sent by a later command or `gt flush`")
              return Object.values(withTraces(server.url)).find((url) => line.includes(`backend at ${url} `))
            })
            .toSorted()
        const endpoints = Object.values(withTraces(server.url)).toSorted()

        assert.deepStrictEqual(said((yield* run({ id: 1, env })).stderr), endpoints, "the first process says so")
        assert.deepStrictEqual(said((yield* run({ id: 2, env })).stderr), [], "the next one does not repeat it")
        server = yield* CaptureServer.start(port)
        assert.deepStrictEqual(said((yield* run({ id: 3, env })).stderr), [])
        assert.deepStrictEqual(logIds(server.accepted(logsPath)).toSorted(), ["1", "2", "3"])
        assert.deepStrictEqual(spanIds(server.accepted(tracesPath)).toSorted(), ["1", "2", "3"])
        yield* CaptureServer.stop(server)
        assert.deepStrictEqual(said((yield* run({ id: 4, env })).stderr), endpoints, "a new outage is news again")
      }),
    60_000
  )

  it.live("429 with Retry-After: retried after the given delay, delivered once", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const refused = new Set<string>()
      server.setReply((request) => {
        if ((request.path !== logsPath && request.path !== tracesPath) || refused.has(request.path)) {
          return { status: 200 }
        }
        refused.add(request.path)
        return { status: 429, headers: { "retry-after": "0.1" } }
      })
      const faced = yield* run({ id: 1, env: { ...withTraces(server.url), GT_OTEL_STATE_DIR: yield* TempDir.make() } })
      assert.strictEqual(faced.code, 0)
      assert.deepStrictEqual(logIds(server.accepted(logsPath)), ["1"])
      assert.deepStrictEqual(spanIds(server.accepted(tracesPath)), ["1"])
      for (const path of [logsPath, tracesPath]) {
        const [first, retry] = server.byPath(path)
        assert.isDefined(retry, `the refused ${path} request was retried by the process itself`)
        // Timers may fire a millisecond early against performance.now().
        assert.isAtLeast(retry!.at - first!.at, 100 - 2, "not before Retry-After")
        assert.strictEqual(retry!.headers[Spool.batchHeader], first!.headers[Spool.batchHeader], "the same batch")
      }
    })
  )

  it.live("a slow backend: the buffers still drain into the spool under pressure, nothing dropped", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      server.setReply(() => ({ status: 200, delayMs: 300 }))
      // Three times what the span buffer holds, in steps of a quarter of it: each step puts
      // it under pressure while the sends of the step before still wait for their answer.
      const { maxSpans } = Traces.defaultLimits
      const spans = 3 * maxSpans
      const step = maxSpans / 4
      yield* Effect.gen(function* () {
        for (let i = 0; i < spans; i++) {
          yield* Effect.void.pipe(Labels.withSpan(`s${i}`))
          if (i % step === step - 1) yield* Effect.sleep(0)
        }
      }).pipe(
        Effect.provide(
          Telemetry.layer({
            metricsUrl: server.url + metricsPath,
            logsUrl: server.url + logsPath,
            tracesUrl: server.url + tracesPath,
            resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
            stateDir: yield* TempDir.make(),
            shutdownTimeout: "30 seconds"
          })
        )
      )
      assert.deepStrictEqual([...Load.droppedCounted(server)], [], "nothing dropped")
      assert.strictEqual(Load.acceptedSpans(server).length, spans, "every span arrived, once")
    })
  )

  it.live(
    "a second SIGINT during a hung flush exits at once, not at the end of the budget",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        server.setReply(() => ({ fault: "hang" }))
        const env = {
          ...withTraces(server.url),
          GT_OTEL_STATE_DIR: yield* TempDir.make(),
          GT_OTEL_FLUSH_TIMEOUT_MS: "20000"
        }
        const faced = yield* run({ mode: "wait", signal: "SIGINT", repeatSignalAfterMs: 300, env })
        assert.strictEqual(faced.code, 130)
        assert.isBelow(faced.ms, 3_000, "at once after the second signal, not at the end of the 20 s budget")
      }),
    30_000
  )
})
