// OTLP log records, encoded by the official protobuf definitions, kept as the fields
// VictoriaLogs keeps (app/vlinsert/opentelemetry, lib/logstorage): `_msg`, `_time`,
// dotted names, `severity`, `trace_id`/`span_id`, the resource as the stream.
import { assert, describe, layer } from "@effect/vitest"
import { Catalogue, Correlation, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import type { LogRow } from "../src/logs/LogRow.ts"
import * as LogStore from "../src/logs/LogStore.ts"
import * as Server from "../src/Server.ts"
import { attributes, encodeLogs, nanos } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const INFO = 9
const ERROR = 17
const [, rig] = Correlation.definitions.map((l) => l.key)
const bdCall = Catalogue.logEvents.find((e) => e.name === "bd.call")!
const t0 = Date.now() - 60_000
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
const spanId = "00f067aa0ba902b7"

const resource = { [Resource.keys.serviceName]: Resource.serviceNames.gt, [Resource.keys.hostName]: "h1" }

const push = (records: ReadonlyArray<object>, resourceAttributes: object = resource) =>
  Effect.gen(function* () {
    const { receiver } = yield* Receiver.TestReceiver
    const body = encodeLogs({
      resourceLogs: [
        {
          resource: { attributes: attributes(resourceAttributes as Record<string, string>) },
          scopeLogs: [{ scope: { name: "gastown" }, logRecords: records }]
        }
      ]
    })
    const response = yield* Receiver.post(receiver.logsUrl + Server.paths.logs[0], body)
    assert.strictEqual(response.status, 200, response.body)
  })

const rows = (startMs = 0, endMs = Date.now() + 1000, streams?: ReadonlyArray<string>) =>
  Effect.map(Receiver.TestReceiver, ({ store }) => {
    const out: Array<LogRow> = []
    store.logs.scan({ startNs: BigInt(startMs) * 1_000_000n, endNs: BigInt(endMs) * 1_000_000n, streams }, (row) => {
      out.push(row)
      return true
    })
    return out
  })

const byMsg = (msg: string) => Effect.map(rows(), (all) => all.filter((r) => r.fields._msg === msg))

describe("log records as VictoriaLogs keeps them", () => {
  layer(Receiver.layer(), { excludeTestServices: true })((it) => {
    it.effect("a catalogue record: _msg, _time in RFC 3339 nanoseconds, dotted names, ids in hex, severity", () =>
      Effect.gen(function* () {
        yield* push([
          {
            timeUnixNano: nanos(t0, 123_456),
            severityNumber: INFO,
            body: { stringValue: bdCall.name },
            attributes: attributes({
              [rig!]: "mol",
              subcommand: "show",
              duration_ms: 4.25,
              exit_code: { int: "0" },
              ok: true
            }),
            traceId: Buffer.from(traceId, "hex").toString("base64"),
            spanId: Buffer.from(spanId, "hex").toString("base64")
          }
        ])
        const [row] = yield* byMsg(bdCall.name)
        assert.isDefined(row)
        assert.strictEqual(row!.timeNs, BigInt(t0) * 1_000_000n + 123_456n)
        const stream = `{host.name="h1",service.name="${Resource.serviceNames.gt}"}`
        assert.deepStrictEqual(row!.fields, {
          _msg: bdCall.name,
          _time: new Date(t0).toISOString().slice(0, 23) + "123456Z",
          _stream: stream,
          _stream_id: row!.fields._stream_id!,
          [Resource.keys.serviceName]: Resource.serviceNames.gt,
          [Resource.keys.hostName]: "h1",
          [rig!]: "mol",
          subcommand: "show",
          duration_ms: "4.25",
          exit_code: "0",
          ok: "true",
          trace_id: traceId,
          span_id: spanId,
          severity: "Info"
        })
        assert.match(row!.fields._stream_id!, /^0{16}[0-9a-f]{32}$/)
      })
    )

    it.effect("severity: the text when sent, else the number's name; observed time when the time is unset", () =>
      Effect.gen(function* () {
        yield* push([
          { observedTimeUnixNano: nanos(t0 + 5), severityNumber: ERROR, body: { stringValue: "sev-number" } },
          {
            timeUnixNano: nanos(t0 + 6),
            severityText: "WARNING",
            severityNumber: ERROR,
            body: { stringValue: "sev-text" }
          },
          { timeUnixNano: nanos(t0 + 7), body: { stringValue: "sev-none" } }
        ])
        const [number] = yield* byMsg("sev-number")
        assert.strictEqual(number!.fields.severity, "Error")
        assert.strictEqual(number!.timeNs, BigInt(t0 + 5) * 1_000_000n)
        assert.strictEqual(number!.fields._time, new Date(t0 + 5).toISOString().replace(/\.?0*Z$/, "Z"))
        assert.strictEqual((yield* byMsg("sev-text"))[0]!.fields.severity, "WARNING")
        assert.strictEqual((yield* byMsg("sev-none"))[0]!.fields.severity, "Unspecified")
      })
    )

    it.effect(
      "non-string bodies and attributes: key-value bodies become fields, arrays JSON, nested names dotted",
      () =>
        Effect.gen(function* () {
          yield* push([
            {
              timeUnixNano: nanos(t0 + 10),
              body: { kvlistValue: { values: attributes({ event: "kv-body", nested: { kv: { a: "b" } } }) } },
              attributes: attributes({ list: ["x", { int: "2" }, true], bytes: { bytes: "aGk=" }, empty: "" })
            },
            { timeUnixNano: nanos(t0 + 11), body: { intValue: "42" } }
          ])
          const all = yield* rows()
          const kv = all.find((r) => r.fields.event === "kv-body")!
          assert.strictEqual(kv.fields._msg, LogStore.defaultMsg, "a key-value body has no message")
          assert.strictEqual(kv.fields["nested.a"], "b")
          assert.strictEqual(kv.fields.list, '["x",2,true]')
          assert.strictEqual(kv.fields.bytes, "aGk=")
          assert.notProperty(kv.fields, "empty")
          assert.isDefined(all.find((r) => r.fields._msg === "42"))
        })
    )

    it.effect("the resource is the stream: _stream sorted and quoted, _stream_id from VictoriaLogs' hash", () =>
      Effect.gen(function* () {
        yield* push([{ timeUnixNano: nanos(t0 + 20), body: { stringValue: "no-resource" } }], {})
        yield* push([{ timeUnixNano: nanos(t0 + 21), body: { stringValue: "quoted" } }], {
          [Resource.keys.serviceName]: 'a"b\nc',
          "a.first": "1"
        })
        const [bare] = yield* byMsg("no-resource")
        assert.strictEqual(bare!.fields._stream, "{}")
        // A stream without fields, as VictoriaLogs reports it.
        assert.strictEqual(bare!.fields._stream_id, "0000000000000000e934a84adb05276890d7f7bfcadabe92")
        const [quoted] = yield* byMsg("quoted")
        assert.strictEqual(quoted!.fields._stream, `{a.first="1",${Resource.keys.serviceName}="a\\"b\\nc"}`)
      })
    )

    it.effect("records over VictoriaLogs' limits are dropped, the rest of the request kept", () =>
      Effect.gen(function* () {
        yield* push([
          {
            timeUnixNano: nanos(t0 + 30),
            body: { stringValue: "long-name" },
            attributes: attributes({ ["n".repeat(129)]: "x" })
          },
          {
            timeUnixNano: nanos(t0 + 31),
            body: { stringValue: "many-fields" },
            attributes: attributes(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`f${i}`, "x"])))
          },
          {
            timeUnixNano: nanos(t0 + 32),
            body: { stringValue: "huge" },
            attributes: attributes({ big: "x".repeat(3 * 1024 * 1024) })
          },
          { timeUnixNano: nanos(t0 + 33), body: { stringValue: "kept" } }
        ])
        for (const msg of ["long-name", "many-fields", "huge"]) assert.deepStrictEqual(yield* byMsg(msg), [])
        assert.strictEqual((yield* byMsg("kept")).length, 1)
      })
    )

    it.effect("scan: newest first, within the range, by stream, and stops when told", () =>
      Effect.gen(function* () {
        const { store } = yield* Receiver.TestReceiver
        const all = yield* rows()
        for (let i = 1; i < all.length; i++) assert.isTrue(all[i - 1]!.timeNs >= all[i]!.timeNs, "newest first")
        const window = yield* rows(t0 + 5, t0 + 11)
        assert.sameMembers(
          window.map((r) => r.fields._msg),
          ["sev-number", "sev-text", "sev-none", LogStore.defaultMsg, "42"]
        )
        const gt = `{host.name="h1",service.name="${Resource.serviceNames.gt}"}`
        const streams = store.logs.streams({ startNs: 0n, endNs: BigInt(Date.now()) * 1_000_000n })
        assert.includeMembers([...streams], [gt, "{}"])
        assert.deepStrictEqual(
          store.logs.streams({ startNs: BigInt(t0 + 20) * 1_000_000n, endNs: BigInt(t0 + 20) * 1_000_000n }),
          ["{}"]
        )
        assert.isTrue((yield* rows(0, Date.now(), ["{}"])).every((r) => r.fields._stream === "{}"))
        let visited = 0
        store.logs.scan({ startNs: 0n, endNs: BigInt(Date.now()) * 1_000_000n }, () => ++visited < 2)
        assert.strictEqual(visited, 2)
      })
    )
  })
})
