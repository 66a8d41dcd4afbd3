// One working session of the real bd against a local OTLP endpoint: what arrives is
// decoded with the official protos and checked against the catalogue.
import { CaptureServer, Endpoints, Received, TempDir } from "@gastown-otel/testkit"
import { assert, describe, layer } from "@effect/vitest"
import { BdEvents, Resource } from "@gastown-otel/schema"
import { Context, Effect, Layer } from "effect"
import { attributesOf, decodeMetrics, idHex } from "@gastown-otel/testkit/OtlpDecode"
import * as Bd from "./support/Bd.ts"

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
const parentSpanId = "00f067aa0ba902b7"

class Session extends Context.Service<
  Session,
  { readonly server: CaptureServer.CaptureServer; readonly results: ReadonlyMap<string, Bd.Result> }
>()("test/Session") {}

// gt hands bd its labels in OTEL_RESOURCE_ATTRIBUTES (percent-encoded) and its span in TRACEPARENT.
const SessionLive = Layer.effect(
  Session,
  Effect.gen(function* () {
    const server = yield* CaptureServer.start()
    const dir = yield* TempDir.make("bd-test-")
    const env = {
      ...Bd.telemetryTo(server.url),
      OTEL_RESOURCE_ATTRIBUTES: "gt.rig=mol,gt.role=mol%2Fwitness",
      TRACEPARENT: `00-${traceId}-${parentSpanId}-01`
    }
    const results = new Map<string, Bd.Result>()
    for (const args of [
      ["create", "Fix the login bug", "--type", "bug", "-d", "Users cannot log in. The form hangs on submit."],
      ["create", "Write the docs"],
      ["create", "Triage the backlog"],
      ["update", "bd-2", "--status", "in_progress"],
      ["close", "bd-1"],
      ["list"],
      ["stats", "--json"],
      ["compact", "--ai"],
      ["show", "bd-999"]
    ]) {
      results.set(args.slice(0, 2).join(" "), yield* Bd.run(dir, args, env))
    }
    return { server, results }
  })
)

const labels = { "gt.rig": "mol", "gt.role": "mol/witness" }

describe("bd on the wire", () => {
  layer(SessionLive, { timeout: 20_000, excludeTestServices: true })((it) => {
    it.effect("every command exits as expected", () =>
      Effect.gen(function* () {
        const { results } = yield* Session
        for (const [command, result] of results) {
          assert.strictEqual(result.code, command === "show bd-999" ? 1 : 0, `${command}: ${result.stderr}`)
        }
        assert.include(results.get("show bd-999")!.stderr, "issue bd-999 not found")
        assert.deepStrictEqual(JSON.parse(results.get("stats --json")!.stdout), {
          total: 3,
          by_status: { open: 1, in_progress: 1, blocked: 0, deferred: 0, closed: 1 }
        })
      })
    )

    it.effect("storage operations are counted by operation, under the gt labels", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const points = Received.pointsOf(server, Received.metricName("bd.storage.operation", "counter"))
        const operations = new Set(points.map((p) => attributesOf(p.attributes).db_operation))
        for (const op of ["create", "update", "close", "list", "compact", "show"]) assert.isTrue(operations.has(op), op)
        for (const point of points) assert.deepInclude(attributesOf(point.attributes), labels)
        // The histogram's newest point per operation holds every operation of that kind the
        // session made (host-wide totals): its count and sum are those of the log records.
        const records = Received.recordsOf(server, "bd.storage.operation").map((r) => attributesOf(r.attributes))
        const histogram = Received.pointsOf(server, Received.metricName("bd.storage.operation", "histogram"))
        const newest = new Map<string, (typeof histogram)[number]>()
        for (const point of histogram) {
          const op = String(attributesOf(point.attributes).db_operation)
          if (Received.valueOf(point) >= Received.valueOf(newest.get(op) ?? point)) newest.set(op, point)
        }
        assert.deepStrictEqual([...newest.keys()].toSorted(), [...operations].toSorted())
        for (const [op, point] of newest) {
          if (!("bucketCounts" in point)) return assert.fail(`${op}: not a histogram point`)
          const own = records.filter((r) => r.db_operation === op)
          assert.deepStrictEqual(attributesOf(point.attributes), { ...labels, db_operation: op })
          assert.strictEqual(Received.valueOf(point), own.length, `${op}: count`)
          const sum = own.reduce((total, r) => total + (r.duration_ms as number), 0)
          assert.closeTo(point.sum ?? Number.NaN, sum, 1e-6, `${op}: sum`)
          const buckets = point.bucketCounts.map(Number)
          assert.strictEqual(
            buckets.reduce((a, b) => a + b, 0),
            own.length,
            `${op}: buckets add up to the count`
          )
        }
      })
    )

    it.effect("bd.command records carry the labels and continue the caller's trace", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const records = Received.recordsOf(server, "bd.command")
        assert.deepStrictEqual(
          records.map((r) => attributesOf(r.attributes).command),
          ["create", "create", "create", "update", "close", "list", "stats", "compact", "show"]
        )
        for (const record of records) {
          assert.deepInclude(attributesOf(record.attributes), labels)
          assert.strictEqual(idHex(record.traceId), traceId)
          assert.notStrictEqual(idHex(record.spanId), parentSpanId, "bd's own span, a child of gt's")
        }
      })
    )

    it.effect("a failed command: status=error with ERROR severity, and a not_found storage error", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const command = Received.recordsOf(server, "bd.command").find(
          (r) => attributesOf(r.attributes).command === "show"
        )!
        assert.deepInclude(attributesOf(command.attributes), { status: "error", error: "issue bd-999 not found" })
        assert.strictEqual(command.severityText, "ERROR")
        const [error] = Received.recordsOf(server, "bd.storage.error")
        assert.deepInclude(attributesOf(error!.attributes), { db_operation: "show", error_kind: "not_found" })
        const errors = Received.pointsOf(server, Received.metricName("bd.storage.error", "counter"))
        assert.deepStrictEqual(
          errors.map((p) => attributesOf(p.attributes)),
          [{ ...labels, db_operation: "show", error_kind: "not_found" }]
        )
      })
    )

    it.effect("stats and list set the issue-count gauge for all five statuses", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const points = Received.pointsOf(server, Received.metricName("bd.issue_count", "gauge"))
        // Two commands (list, stats), one point per status each, the same counts.
        assert.strictEqual(points.length, 2 * BdEvents.IssueStatus.literals.length)
        const counts = Object.fromEntries(points.map((p) => [attributesOf(p.attributes).status, Received.valueOf(p)]))
        assert.deepStrictEqual(counts, { open: 1, in_progress: 1, blocked: 0, deferred: 0, closed: 1 })
      })
    )

    it.effect("compact --ai records the model call with its tokens", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const model = { ...labels, model: "claude-haiku-4-5" }
        for (const value of ["input_tokens", "output_tokens"]) {
          const [point, ...rest] = Received.pointsOf(server, Received.metricName("bd.ai.request", "counter", value))
          assert.strictEqual(rest.length, 0)
          assert.deepStrictEqual(attributesOf(point!.attributes), model)
          assert.isAbove(Received.valueOf(point!), 0, value)
        }
        const [record] = Received.recordsOf(server, "bd.ai.request")
        assert.deepInclude(attributesOf(record!.attributes), { model: "claude-haiku-4-5", status: "ok" })
        assert.isAbove(attributesOf(record!.attributes).duration_ms as number, 1, "a simulated latency of a few ms")
      })
    )

    it.effect("the resource names bd and keeps the labels off it", () =>
      Effect.gen(function* () {
        const { server } = yield* Session
        const resources = server
          .byPath(Endpoints.paths.metrics)
          .map((r) => attributesOf(decodeMetrics(r.body).resourceMetrics[0]!.resource!.attributes))
        for (const resource of resources) {
          assert.strictEqual(resource["service.name"], Resource.serviceNames.bd)
          assert.notProperty(resource, "gt.rig")
        }
      })
    )
  })
})
