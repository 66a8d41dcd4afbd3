// GET /api/gastown/check on the metrics port: the check over the store, as JSON, with the
// range read as the PromQL API reads times and durations.
import { assert, describe, it, layer } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Effect, Schema } from "effect"
import * as Check from "../../src/check/Check.ts"
import * as Route from "../../src/check/Route.ts"
import * as Server from "../../src/Server.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import { attributes, encodeLogs, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"

const now = 1_790_000_000_000
const empty = { metrics: MemorySource.make([]), logs: MemoryLogSource.make() }
const ask = (params: Record<string, string>) => Route.handle(empty, new URLSearchParams(params), now)
const rangeOf = (response: { readonly body: string }) =>
  Schema.decodeUnknownSync(Check.Report)(JSON.parse(response.body)).range

describe("check route", () => {
  it("reads since (default one hour), start and end", () => {
    assert.deepStrictEqual(rangeOf(ask({})), { startMs: now - Route.defaultSinceMs, endMs: now })
    assert.deepStrictEqual(rangeOf(ask({ since: "30m" })), { startMs: now - 1_800_000, endMs: now })
    assert.deepStrictEqual(rangeOf(ask({ start: String((now - 5000) / 1000), end: String((now - 1000) / 1000) })), {
      startMs: now - 5000,
      endMs: now - 1000
    })
  })

  it("answers a bad parameter 422 in the Prometheus shape, naming it", () => {
    const response = ask({ since: "a while" })
    assert.strictEqual(response.status, 422)
    assert.deepStrictEqual(JSON.parse(response.body), {
      status: "error",
      errorType: "422",
      error: 'cannot parse "since"="a while"'
    })
  })

  layer(Receiver.layer())("over HTTP", (it) => {
    it.effect("reports what the store holds", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const unknown = `${Catalogue.entries[0]!.spec.name}.unknown`
        const body = encodeLogs({
          resourceLogs: [
            {
              resource: { attributes: attributes({ [Resource.keys.serviceName]: Resource.serviceNames.bd }) },
              scopeLogs: [{ logRecords: [{ timeUnixNano: nanos(Date.now() - 1000), body: { stringValue: unknown } }] }]
            }
          ]
        })
        const posted = yield* Receiver.post(receiver.logsUrl + Server.paths.logs[0], body)
        assert.strictEqual(posted.status, 200)
        const answer = yield* Receiver.get(`${receiver.metricsUrl}${Route.path}?since=1h`)
        assert.strictEqual(answer.status, 200)
        const report = Schema.decodeUnknownSync(Check.Report)(JSON.parse(answer.body))
        assert.deepStrictEqual(
          report.findings.map((f) => [f.kind, f.subject, f.value]),
          [["unknown-event", unknown, Resource.serviceNames.bd]]
        )
        assert.strictEqual(report.coverage.events.seen, 0)
        assert.strictEqual(report.coverage.events.total, Catalogue.entries.length)
      })
    )
  })
})
