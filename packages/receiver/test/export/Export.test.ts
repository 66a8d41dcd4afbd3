// Moving a receiver's data: /api/v1/export as VictoriaMetrics answers it, and Export.run
// pushing it (and the log records) to a capture endpoint shaped as a VictoriaMetrics
// cluster's vminsert and a VictoriaLogs cluster's vlinsert; what arrived is checked line by
// line against the store.
import { assert, describe, it, layer } from "@effect/vitest"
import { Catalogue, Correlation, Resource } from "@gastown-otel/schema"
import { CaptureServer } from "@gastown-otel/testkit"
import { Effect } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Export from "../../src/export/Export.ts"
import * as VmExport from "../../src/export/VmExport.ts"
import type { LogRow } from "../../src/logs/LogRow.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"
import { attributes, encodeLogs, encodeCounter, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"

const [, rig] = Correlation.definitions.map((d) => d.key)
const counter = Catalogue.metrics.find((m) => m.kind === "counter")!
const t0 = Date.now() - 120_000
const tenant = { accountId: 12, projectId: 34 }

describe("VmExport.lines", () => {
  const source = MemorySource.make([
    {
      labels: { __name__: "a", z: "1", b: "2" },
      timestamps: [1000, 2000, 3000, 4000, 5000],
      values: [1, NaN, 3, 4, 5]
    },
    { labels: { __name__: "b" }, timestamps: [1000], values: [0.5] }
  ])
  const all = [{ name: "__name__", op: "=~", value: ".+" }] as const

  it("writes one line per series, labels with the name first, staleness markers left out", () => {
    assert.deepStrictEqual(
      [...VmExport.lines(source, [all], 0, 10_000)],
      [
        '{"metric":{"__name__":"a","b":"2","z":"1"},"values":[1,3,4,5],"timestamps":[1000,3000,4000,5000]}',
        '{"metric":{"__name__":"b"},"values":[0.5],"timestamps":[1000]}'
      ]
    )
  })

  it("splits a series past max_rows_per_line, keeps to the range, and writes a series matched twice once", () => {
    assert.deepStrictEqual(
      [...VmExport.lines(source, [all, [{ name: "__name__", op: "=", value: "a" }]], 2000, 5000, 2)],
      [
        '{"metric":{"__name__":"a","b":"2","z":"1"},"values":[3,4],"timestamps":[3000,4000]}',
        '{"metric":{"__name__":"a","b":"2","z":"1"},"values":[5],"timestamps":[5000]}'
      ]
    )
  })

  it("requires match[] and reads max_rows_per_line", () => {
    assert.throws(() => VmExport.parseParams(new URLSearchParams(), 0), /missing `match\[\]` arg/)
    assert.throws(
      () => VmExport.parseParams(new URLSearchParams({ "match[]": "up", max_rows_per_line: "-1" }), 0),
      /max_rows_per_line/
    )
    assert.strictEqual(
      VmExport.parseParams(new URLSearchParams({ "match[]": "up", max_rows_per_line: "7" }), 0).maxRowsPerLine,
      7
    )
  })
})

describe("Export.document", () => {
  it("keeps every field but the stream's own, and names the stream fields", () => {
    assert.deepStrictEqual(
      Export.document({
        _msg: "m",
        _stream: '{host.name="h",service.name="bd"}',
        _stream_id: "00",
        _time: "2026-11-30T09:00:00Z",
        "host.name": "h",
        "service.name": "bd",
        x: "1"
      }),
      {
        streamFields: "host.name,service.name",
        line: '{"_msg":"m","_time":"2026-11-30T09:00:00Z","host.name":"h","service.name":"bd","x":"1"}'
      }
    )
    assert.strictEqual(Export.document({ _msg: "m", _stream: "{}" }).streamFields, "")
  })
})

// Two services' samples and records: two streams with different stream fields.
const resources = [
  { [Resource.keys.serviceName]: Resource.serviceNames.gt, [Resource.keys.hostName]: "h1" },
  { [Resource.keys.serviceName]: Resource.serviceNames.bd, [Resource.keys.serviceVersion]: "0.1.0" }
]
const metricsBody = encodeCounter(
  counter.name,
  resources.map((resource, r) => ({
    resource,
    points: [0, 1, 2].map((i) => ({ timeUnixNano: nanos(t0 + i * 10_000), asInt: String(r * 10 + i) }))
  }))
)
const logsBody = encodeLogs({
  resourceLogs: resources.map((resource, r) => ({
    resource: { attributes: attributes(resource) },
    scopeLogs: [
      {
        logRecords: Catalogue.entries.slice(0, 3).map((e, i) => ({
          timeUnixNano: nanos(t0 + i * 1000, 123),
          severityText: "INFO",
          body: { stringValue: e.spec.name },
          attributes: attributes({ [rig!]: `rig-${r}`, note: "two words \u00e9" })
        }))
      }
    ]
  }))
})

const seeded = Receiver.seeded({ metrics: [metricsBody], logs: [logsBody] })

const sortedObject = (fields: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(fields).toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

const bodyLines = (request: CaptureServer.Captured) =>
  new TextDecoder()
    .decode(request.body)
    .split("\n")
    .filter((l) => l !== "")

layer(seeded, { excludeTestServices: true })("Export.run", (it) => {
  const run = (capture: CaptureServer.CaptureServer, batchBytes?: number) =>
    Effect.gen(function* () {
      const { receiver } = yield* Receiver.TestReceiver
      return yield* Export.run({
        source: { metrics: receiver.metricsUrl, logs: receiver.logsUrl },
        target: {
          metrics: `${capture.url}/insert/${tenant.accountId}:${tenant.projectId}/prometheus`,
          logs: capture.url,
          logsTenant: tenant
        },
        range: { startMs: t0 - 60_000, endMs: Date.now() },
        batchBytes
      }).pipe(Effect.provide(FetchHttpClient.layer))
    })

  it.effect("pushes every sample to vminsert's import path, as the store holds them", () =>
    Effect.gen(function* () {
      const { store } = yield* Receiver.TestReceiver
      const capture = yield* CaptureServer.start()
      const summary = yield* run(capture)
      const importPath = `/insert/${tenant.accountId}:${tenant.projectId}/prometheus${Export.paths.import}`
      const requests = capture.byPath(importPath)
      assert.lengthOf(requests, 1)
      assert.strictEqual(summary.metricRequests, 1)
      const sent = requests.flatMap(bodyLines).map((l) => JSON.parse(l) as unknown)
      const held = store.metrics
        .select([{ name: "__name__", op: "=~", value: ".+" }], 0, Date.now())
        .map((s) => ({ metric: s.labels, values: Array.from(s.values), timestamps: Array.from(s.timestamps) }))
      assert.sameDeepMembers(sent, held)
      assert.strictEqual(summary.series, held.length)
      assert.strictEqual(summary.samples, 6)
    })
  )

  it.effect(
    "pushes every record to /insert/jsonline as VictoriaLogs documents, one request per set of stream fields, with the tenant",
    () =>
      Effect.gen(function* () {
        const { store } = yield* Receiver.TestReceiver
        const capture = yield* CaptureServer.start()
        const summary = yield* run(capture)
        const requests = capture.requests.filter((r) => r.path.startsWith(Export.paths.jsonline))
        assert.lengthOf(requests, 2)
        const rows: Array<LogRow> = []
        store.logs.scan({ startNs: 0n, endNs: BigInt(Date.now()) * 1_000_000n }, (row) => {
          rows.push(row)
          return true
        })
        for (const request of requests) {
          const url = new URL(request.path, capture.url)
          assert.strictEqual(url.searchParams.get("_msg_field"), "_msg")
          assert.strictEqual(url.searchParams.get("_time_field"), "_time")
          assert.strictEqual(request.headers["accountid"], String(tenant.accountId))
          assert.strictEqual(request.headers["projectid"], String(tenant.projectId))
          const streamFields = url.searchParams.get("_stream_fields")!
          const resource = resources.find((r) => Object.keys(r).toSorted().join(",") === streamFields)
          assert.isDefined(resource, streamFields)
          // Exactly the records of that stream, each its fields in name order without _stream and _stream_id.
          const expected = rows
            .filter((row) => row.fields[Resource.keys.serviceName] === resource![Resource.keys.serviceName])
            .map(({ fields }) => {
              const { _stream, _stream_id, ...own } = fields
              return JSON.stringify(sortedObject(own))
            })
          assert.sameMembers(bodyLines(request), expected)
        }
        assert.strictEqual(summary.records, rows.length)
        assert.strictEqual(summary.logRequests, 2)
      })
  )

  it.effect("splits requests past the batch size, every line sent once", () =>
    Effect.gen(function* () {
      const capture = yield* CaptureServer.start()
      const whole = yield* CaptureServer.start()
      const summary = yield* run(capture, 100)
      yield* run(whole)
      assert.isAbove(summary.metricRequests, 1, JSON.stringify(summary))
      assert.isAbove(summary.logRequests, 2)
      const lines = (server: CaptureServer.CaptureServer) => server.requests.flatMap(bodyLines).toSorted()
      assert.deepStrictEqual(lines(capture), lines(whole))
      // A body stops growing once past the size: all its lines but the last stay under it.
      for (const request of capture.requests) {
        const head = bodyLines(request).slice(0, -1)
        assert.isBelow(
          head.reduce((n, line) => n + line.length + 1, 0),
          300
        )
      }
    })
  )

  it.effect("a target that refuses: its message, and nothing more is sent", () =>
    Effect.gen(function* () {
      const capture = yield* CaptureServer.start()
      capture.setReply(() => ({ status: 400 }))
      const failure = yield* Effect.flip(run(capture))
      assert.match(failure.message, /answered 400$/)
      assert.lengthOf(capture.requests, 1)
    })
  )
})
