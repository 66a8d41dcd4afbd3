// The ingest endpoints' contract: what they accept, refuse and answer, exactly-once storage
// of a resent batch, spans, and that what was acknowledged survives closing and reopening
// the data directory.
import { assert, describe, it, layer } from "@effect/vitest"
import { Catalogue, Naming, Resource } from "@gastown-otel/schema"
import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"
import { attributes, encodeLogs, encodeCounter, encodeTraces, nanos } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const counter = Catalogue.metrics.find((m) => m.kind === "counter")!
const stored = Naming.promCompatible(counter.name)
const t0 = Date.now() - 60_000
const maxRequestBytes = 64 * 1024

const metricsBody = (value: number, ms = t0, name = counter.name) =>
  encodeCounter(name, [
    {
      resource: { [Resource.keys.serviceName]: Resource.serviceNames.bd },
      points: [{ timeUnixNano: nanos(ms), asInt: String(value) }]
    }
  ])

const logsBody = (msg: string) =>
  encodeLogs({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: nanos(t0), body: { stringValue: msg } }] }] }]
  })

const samplesOf = (store: Store.Store["Service"], name: string) =>
  store.metrics.select([{ name: "__name__", op: "=", value: name }], 0, Date.now()).flatMap((s) => Array.from(s.values))

const countMsg = (store: Store.Store["Service"], msg: string) => {
  let n = 0
  store.logs.scan({ startNs: 0n, endNs: BigInt(Date.now()) * 1_000_000n }, (row) => {
    if (row.fields._msg === msg) n++
    return true
  })
  return n
}

describe("ingest endpoints", () => {
  layer(Receiver.layer({ maxRequestBytes }), { excludeTestServices: true })((it) => {
    it.effect("every path answers 200 with an empty protobuf body; /health answers OK", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        for (const [i, p] of Server.paths.metrics.entries()) {
          const response = yield* Receiver.post(receiver.metricsUrl + p, metricsBody(1, t0 + i, `paths.${i}`))
          assert.deepStrictEqual(response, { status: 200, body: "" })
          assert.deepStrictEqual(samplesOf(store, `paths_${i}`), [1])
        }
        assert.strictEqual(
          (yield* Receiver.post(receiver.logsUrl + Server.paths.logs[0], logsBody("paths"))).status,
          200
        )
        for (const url of [receiver.metricsUrl, receiver.logsUrl]) {
          assert.deepStrictEqual(yield* Receiver.get(url + "/health"), { status: 200, body: "OK\n" })
        }
        assert.strictEqual(
          (yield* Receiver.post(receiver.logsUrl + Server.paths.metrics[0], metricsBody(1))).status,
          404
        )
      })
    )

    it.effect("gzip and deflate bodies are accepted", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        const url = receiver.metricsUrl + Server.paths.metrics[0]
        const gzip = yield* Receiver.post(url, zlib.gzipSync(metricsBody(1, t0, "enc.gzip")), {
          "content-encoding": "gzip"
        })
        const deflate = yield* Receiver.post(url, zlib.deflateSync(metricsBody(2, t0, "enc.deflate")), {
          "content-encoding": "deflate"
        })
        assert.deepStrictEqual([gzip.status, deflate.status], [200, 200])
        assert.deepStrictEqual(samplesOf(store, "enc_gzip"), [1])
        assert.deepStrictEqual(samplesOf(store, "enc_deflate"), [2])
        const logs = yield* Receiver.post(receiver.logsUrl + Server.paths.logs[0], zlib.gzipSync(logsBody("gzipped")), {
          "content-encoding": "gzip"
        })
        assert.strictEqual(logs.status, 200)
        assert.strictEqual(countMsg(store, "gzipped"), 1)
      })
    )

    it.effect("OTLP/JSON is answered 415 saying protobuf is required; an unknown encoding 415", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const json = new TextEncoder().encode(JSON.stringify({ resourceMetrics: [] }))
        for (const url of [receiver.metricsUrl + Server.paths.metrics[0], receiver.logsUrl + Server.paths.logs[0]]) {
          const response = yield* Receiver.post(url, json, { "content-type": "application/json" })
          assert.strictEqual(response.status, 415)
          assert.include(response.body, "protobuf")
        }
        const br = yield* Receiver.post(receiver.metricsUrl + Server.paths.metrics[0], metricsBody(1), {
          "content-encoding": "br"
        })
        assert.strictEqual(br.status, 415)
      })
    )

    it.effect("malformed protobuf is answered 400 and nothing of it is stored", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        const good = metricsBody(7, t0, "malformed.prefix")
        // A valid request followed by a truncated one: decoding fails after the first metric.
        const truncated = new Uint8Array([...good, ...good.subarray(0, good.length - 3)])
        const response = yield* Receiver.post(receiver.metricsUrl + Server.paths.metrics[0], truncated)
        assert.strictEqual(response.status, 400)
        assert.include(response.body, "cannot decode OTLP metrics")
        assert.deepStrictEqual(samplesOf(store, "malformed_prefix"), [])
        const garbage = yield* Receiver.post(
          receiver.logsUrl + Server.paths.logs[0],
          new Uint8Array([0x0a, 0xff, 0xff, 0xff])
        )
        assert.strictEqual(garbage.status, 400)
        const badGzip = yield* Receiver.post(receiver.metricsUrl + Server.paths.metrics[0], good, {
          "content-encoding": "gzip"
        })
        assert.strictEqual(badGzip.status, 400)
        assert.deepStrictEqual(samplesOf(store, "malformed_prefix"), [])
      })
    )

    it.effect("bodies over the limit are answered 413: raw, declared or once decompressed", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        const url = receiver.metricsUrl + Server.paths.metrics[0]
        const big = new Uint8Array(maxRequestBytes + 1)
        assert.strictEqual((yield* Receiver.post(url, big)).status, 413)
        const chunked = yield* Effect.promise(() =>
          fetch(url, {
            method: "POST",
            body: new ReadableStream({
              start(controller) {
                controller.enqueue(big)
                controller.close()
              }
            }),
            duplex: "half"
          } as RequestInit).then((r) => r.status)
        )
        assert.strictEqual(chunked, 413)
        const bomb = zlib.gzipSync(new Uint8Array(maxRequestBytes * 4))
        assert.isBelow(bomb.length, maxRequestBytes)
        assert.strictEqual((yield* Receiver.post(url, bomb, { "content-encoding": "gzip" })).status, 413)
        assert.strictEqual((yield* Receiver.post(url, metricsBody(1, t0, "after.413"))).status, 200)
        assert.deepStrictEqual(samplesOf(store, "after_413"), [1])
      })
    )

    it.effect("a resent batch (same x-gastown-otel-batch) is stored once; another batch id is stored", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        const metricsUrl = receiver.metricsUrl + Server.paths.metrics[0]
        const logsUrl = receiver.logsUrl + Server.paths.logs[0]
        for (let attempt = 0; attempt < 3; attempt++) {
          assert.strictEqual(
            (yield* Receiver.post(logsUrl, logsBody("resent"), { [Server.batchHeader]: "b-1" })).status,
            200
          )
          // Same id for another signal is another batch.
          assert.strictEqual(
            (yield* Receiver.post(metricsUrl, metricsBody(1, t0, "resent.delta"), { [Server.batchHeader]: "b-1" }))
              .status,
            200
          )
        }
        assert.strictEqual(countMsg(store, "resent"), 1)
        assert.strictEqual(
          (yield* Receiver.post(logsUrl, logsBody("resent"), { [Server.batchHeader]: "b-2" })).status,
          200
        )
        assert.strictEqual((yield* Receiver.post(logsUrl, logsBody("resent"))).status, 200)
        assert.strictEqual(countMsg(store, "resent"), 3)
        assert.deepStrictEqual(samplesOf(store, "resent_delta"), [1])
      })
    )

    it.effect("spans are kept with ids, parent, times, attributes, events, status and resource; on either port", () =>
      Effect.gen(function* () {
        const { receiver, store } = yield* Receiver.TestReceiver
        const traceId = "0af7651916cd43dd8448eb211c80319c"
        const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64")
        const span = (spanId: string, parent: string | undefined, name: string) => ({
          traceId: b64(traceId),
          spanId: b64(spanId),
          ...(parent === undefined ? {} : { parentSpanId: b64(parent) }),
          name,
          kind: 1,
          startTimeUnixNano: nanos(t0, 1),
          endTimeUnixNano: nanos(t0 + 5, 2),
          attributes: attributes({ "gt.rig": "mol", n: { int: "3" } }),
          events: [
            { timeUnixNano: nanos(t0 + 1), name: "exception", attributes: attributes({ "exception.message": "boom" }) }
          ],
          status: { code: 2, message: "failed" }
        })
        const body = (spans: Array<object>) =>
          encodeTraces({
            resourceSpans: [
              {
                resource: { attributes: attributes({ [Resource.keys.serviceName]: Resource.serviceNames.gt }) },
                scopeSpans: [{ scope: { name: "gastown", version: "1" }, spans }]
              }
            ]
          })
        assert.strictEqual(
          (yield* Receiver.post(
            receiver.metricsUrl + Server.paths.traces[0],
            body([span("00f067aa0ba902b7", undefined, "gt status")])
          )).status,
          200
        )
        assert.strictEqual(
          (yield* Receiver.post(
            receiver.logsUrl + Server.paths.traces[0],
            body([span("b7ad6b7169203331", "00f067aa0ba902b7", "bd list")])
          )).status,
          200
        )
        const spans = store.traces.trace(traceId)
        // By start time, then span id.
        assert.deepStrictEqual(
          spans.map((s) => [s.name, s.parentSpanId]),
          [
            ["gt status", ""],
            ["bd list", "00f067aa0ba902b7"]
          ]
        )
        const root = spans.find((s) => s.name === "gt status")!
        assert.deepInclude(root, {
          traceId,
          spanId: "00f067aa0ba902b7",
          kind: 1,
          startNs: nanos(t0, 1),
          endNs: nanos(t0 + 5, 2),
          attributes: { "gt.rig": "mol", n: "3" },
          status: { code: 2, message: "failed" },
          resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
          scope: { name: "gastown", version: "1" }
        })
        assert.deepStrictEqual(root.events, [
          { timeNs: nanos(t0 + 1), name: "exception", attributes: { "exception.message": "boom" } }
        ])
        assert.include(store.traces.recentTraces(10), traceId)
      })
    )
  })
})

describe("the data directory", () => {
  it.live("what was acknowledged is there after closing and reopening; batch ids too; one receiver per directory", () =>
    Effect.gen(function* () {
      const dir = path.join(yield* Receiver.tempDir, "data")
      const first = yield* Scope.make()
      const store = yield* Store.make({ dataDir: dir }).pipe(Scope.provide(first))
      yield* store.ingest("metrics", metricsBody(1, t0), "m-1")
      yield* store.ingest("metrics", metricsBody(2, t0 + 1000))
      yield* store.ingest("logs", logsBody("kept"), "l-1")
      const second = yield* Store.make({ dataDir: dir }).pipe(Effect.scoped, Effect.flip)
      assert.strictEqual(second._tag, "OpenError", "a second receiver on the same directory is refused")
      assert.include(second.message, dir)
      yield* Scope.close(first, Exit.void)
      assert.strictEqual(
        fs.statSync(path.join(dir, "receiver.sqlite-wal"), { throwIfNoEntry: false })?.size ?? 0,
        0,
        "WAL checkpointed"
      )

      const reopened = yield* Store.make({ dataDir: dir })
      assert.deepStrictEqual(samplesOf(reopened, stored), [1, 2])
      assert.strictEqual(countMsg(reopened, "kept"), 1)
      const again = yield* reopened.ingest("logs", logsBody("kept"), "l-1")
      assert.isTrue(again.duplicate, "a batch stored before the restart is recognised after it")
      assert.strictEqual(countMsg(reopened, "kept"), 1)
      yield* reopened.ingest("metrics", metricsBody(3, t0 + 2000))
      assert.deepStrictEqual(samplesOf(reopened, stored), [1, 2, 3])
    }).pipe(Effect.scoped)
  )
})
