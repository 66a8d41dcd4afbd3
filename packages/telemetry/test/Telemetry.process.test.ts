// Real short-lived processes: what a CLI does at exit, on failure and on signals.
import { assert, describe, it } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import { CaptureServer } from "@gastown-otel/testkit"
import { attributesOf, decodeLogs, decodeTraces, idHex } from "@gastown-otel/testkit/OtlpDecode"
import { logsPath, metricsPath, patient, run, tracesPath, urls, withTraces } from "./support/Processes.ts"

// StatusCode: UNSET = 0 (absent on the wire), OK = 1, ERROR = 2.
const statusOf = { ok: 1, fail: 2, throw: 2, wait: undefined } as const

describe("a short-lived process", () => {
  for (const [mode, signal, expectedCode] of [
    ["ok", undefined, 0],
    ["fail", undefined, 1],
    ["throw", undefined, 1],
    ["wait", "SIGINT", 130],
    // NodeRuntime.runMain ends an interrupted program with 130, whatever the signal.
    ["wait", "SIGTERM", 130]
  ] as const) {
    it.live(
      `${mode}${signal ? ` + ${signal}` : ""}: what it recorded arrives, and its exit code is its own (${expectedCode})`,
      () =>
        Effect.gen(function* () {
          const server = yield* CaptureServer.start()
          const withTelemetry = yield* run({
            mode,
            env: { ...withTraces(server.url), ...patient },
            ...(signal ? { signal } : {})
          })
          const without = yield* run({ mode, ...(signal ? { signal } : {}) })
          assert.strictEqual(withTelemetry.code, without.code, "telemetry does not change the exit code")
          assert.strictEqual(withTelemetry.code, expectedCode)
          assert.strictEqual(server.byPath(metricsPath).length, 1)
          const logs = decodeLogs(server.byPath(logsPath)[0]!.body)
          const record = logs.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
          assert.strictEqual(record.body?.stringValue, "bd.call")
          assert.strictEqual(attributesOf(logs.resourceLogs[0]!.resource!.attributes)["service.name"], "gastown")
          // The span around the run, ended however the run ended, and the record inside it.
          const traces = decodeTraces(server.byPath(tracesPath)[0]!.body)
          const span = traces.resourceSpans[0]!.scopeSpans[0]!.spans[0]!
          assert.strictEqual(span.name, "emit-one 0")
          assert.strictEqual(span.status?.code, statusOf[mode])
          assert.strictEqual(idHex(record.spanId), idHex(span.spanId))
          assert.strictEqual(idHex(record.traceId), idHex(span.traceId))
          assert.deepStrictEqual(
            span.events.map((e) => e.name),
            ["bd.call", ...(mode === "fail" || mode === "throw" ? [Resource.spanKeys.exceptionEvent] : [])]
          )
          if (mode === "wait") assert.strictEqual(attributesOf(span.attributes)[Resource.spanKeys.interrupted], true)
          assert.strictEqual(
            attributesOf(traces.resourceSpans[0]!.resource!.attributes)[Resource.keys.serviceName],
            "gastown"
          )
        }),
      20_000
    )
  }

  it.live("telemetry off: no request, no connection", () =>
    Effect.gen(function* () {
      const result = yield* run({ env: { CHECK_SOCKETS: "1" } })
      assert.strictEqual(result.code, 0)
      assert.include(result.stderr, "connections=0")
    })
  )

  it.live("too many resource attributes: the rest left out, said once, the program runs on", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      const attributes = Array.from({ length: 40 }, (_, i) => `k${i}=v`).join(",")
      const result = yield* run({ env: { ...urls(server.url), ...patient, OTEL_RESOURCE_ATTRIBUTES: attributes } })
      assert.strictEqual(result.code, 0)
      assert.include(result.stderr, "OTEL_RESOURCE_ATTRIBUTES: left out 8 attribute(s)")
      const logs = decodeLogs(server.byPath(logsPath)[0]!.body)
      const resource = attributesOf(logs.resourceLogs[0]!.resource!.attributes)
      assert.include(resource, { k0: "v", k31: "v" })
      assert.notProperty(resource, "k32")
    })
  )

  it.live("a malformed URL: one typed error on stderr naming the variable, the program runs on", () =>
    Effect.gen(function* () {
      const result = yield* run({ env: { GT_OTEL_METRICS_URL: "not a url", CHECK_SOCKETS: "1" } })
      assert.strictEqual(result.code, 0)
      assert.include(result.stderr, 'GT_OTEL_METRICS_URL: "not a url"')
      assert.strictEqual(result.stderr.split("GT_OTEL_METRICS_URL").length - 1, 1, "printed once")
      assert.include(result.stderr, "connections=0")
    })
  )
})
