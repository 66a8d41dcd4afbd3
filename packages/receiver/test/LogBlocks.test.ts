// Log records are stored in blocks (one per request and stream) and read back by merging
// blocks that overlap in time. Against a plain list of every record sent: a scan visits
// exactly the records in its range (ends included, to the nanosecond), newest first, a
// later request first among equal times; stopping early gives a prefix; the stream filter
// and the stream listing agree. A message hint skips records whose `_msg` fails it and no
// other, whatever the record makes its `_msg` of. Retention rewrites a block that straddles
// the cutoff.
import { assert, describe, it, layer } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Arbitrary, Effect, Schema } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"
import * as Db from "../src/internal/Db.ts"
import type { LogRow } from "../src/logs/LogRow.ts"
import * as LogStore from "../src/logs/LogStore.ts"
import * as OtlpLogs from "../src/otlp/Logs.ts"
import * as Store from "../src/Store.ts"
import { attributes, encodeLogs } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
// Nanoseconds within a millisecond: its edges and one inside.
const nsInMs = Arbitrary.schema(Schema.Literals([0, 1, 500_000, 999_999]))
const time = Arbitrary.all({ ms: int(0, 12), ns: nsInMs })

// Requests of records, each of one of three streams, in arrival order (not in time order).
const Requests = Arbitrary.array(
  Arbitrary.array(Arbitrary.all({ stream: int(0, 2), at: time }), { minLength: 1, maxLength: 12 }),
  {
    minLength: 1,
    maxLength: 5
  }
)
const Range = Arbitrary.all({ from: time, to: time, streams: Arbitrary.array(int(0, 2), { maxLength: 2 }) })

interface Sent {
  readonly msg: string
  readonly host: string
  readonly timeNs: bigint
  readonly request: number
}

let run = 0
const t0 = Date.now() - 3_600_000

const streamOf = (host: string) => `{${Resource.keys.hostName}="${host}"}`

const body = (records: ReadonlyArray<Sent>) =>
  encodeLogs({
    resourceLogs: [...new Set(records.map((r) => r.host))].map((host) => ({
      resource: { attributes: attributes({ [Resource.keys.hostName]: host }) },
      scopeLogs: [
        {
          logRecords: records
            .filter((r) => r.host === host)
            .map((r) => ({ timeUnixNano: r.timeNs.toString(), body: { stringValue: r.msg } }))
        }
      ]
    }))
  })

const scanAll = (store: Store.Store["Service"], range: Parameters<LogStore.LogStore["scan"]>[0], limit = Infinity) => {
  const out: Array<LogRow> = []
  store.logs.scan(range, (row) => {
    out.push(row)
    return out.length < limit
  })
  return out
}

// Records whose `_msg` comes from somewhere other than a plain string body, or from more than
// one place: VictoriaLogs keeps the last field of a name, and a field without a name is `_msg`.
const Message = Schema.Literals(["a", "b"])
const Shape = Schema.Union([
  Schema.Struct({ _tag: Schema.tag("Plain"), msg: Message }),
  Schema.Struct({ _tag: Schema.tag("EmptyBody") }),
  Schema.Struct({ _tag: Schema.tag("NoBody") }),
  Schema.Struct({ _tag: Schema.tag("IntBody"), n: Schema.Literals([1, 2]) }),
  Schema.Struct({ _tag: Schema.tag("KeyValueBody"), key: Schema.Literals(["_msg", "", "other"]), msg: Message }),
  Schema.Struct({
    _tag: Schema.tag("AttributeToo"),
    key: Schema.Literals(["_msg", ""]),
    msg: Message,
    attribute: Schema.Literals(["a", "b", ""])
  })
])
type Shape = typeof Shape.Type
const Shapes = Arbitrary.array(Arbitrary.array(Arbitrary.schema(Shape), { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 4
})

const recordOf = (shape: Shape, timeNs: bigint, id: string) => {
  const base = { timeUnixNano: timeNs.toString(), attributes: attributes({ id }) }
  switch (shape._tag) {
    case "Plain":
      return { ...base, body: { stringValue: shape.msg } }
    case "EmptyBody":
      return { ...base, body: { stringValue: "" } }
    case "NoBody":
      return base
    case "IntBody":
      return { ...base, body: { intValue: String(shape.n) } }
    case "KeyValueBody":
      return { ...base, body: { kvlistValue: { values: attributes({ [shape.key]: shape.msg }) } } }
    case "AttributeToo":
      return {
        ...base,
        body: { stringValue: shape.msg },
        attributes: attributes({ id, [shape.key]: shape.attribute })
      }
  }
}

describe("log blocks", () => {
  layer(Receiver.layer(), { excludeTestServices: true })((it) => {
    it.effect.prop(
      "a message hint skips records whose _msg fails it, and only those, whatever the record's _msg is made of",
      [Shapes],
      ([requests]) =>
        Effect.gen(function* () {
          const { store } = yield* Receiver.TestReceiver
          const base = BigInt(t0 + ++run * 1000) * 1_000_000n
          const host = `run${run}-hint`
          let n = 0
          for (const shapes of requests) {
            const records = shapes.map((shape) => recordOf(shape, base + BigInt(n) * 1_000_000n, String(n++)))
            yield* store.ingest(
              "logs",
              encodeLogs({
                resourceLogs: [
                  {
                    resource: { attributes: attributes({ [Resource.keys.hostName]: host }) },
                    scopeLogs: [{ logRecords: records }]
                  }
                ]
              })
            )
          }
          const range = { startNs: base, endNs: base + BigInt(n) * 1_000_000n, streams: [streamOf(host)] }
          const every = scanAll(store, range)
          assert.strictEqual(every.length, n)
          for (const wanted of ["a", "b"]) {
            const message = (msg: string) => msg === wanted
            const hinted = scanAll(store, { ...range, message })
            assert.deepStrictEqual(
              hinted.filter((row) => message(row.fields._msg!)),
              every.filter((row) => message(row.fields._msg!)),
              "every record that passes is visited"
            )
            // Records of a request of plain string bodies alone are skipped when they fail.
            const plainIds = new Set(
              requests.flatMap((shapes, r) => {
                const first = requests.slice(0, r).reduce((k, s) => k + s.length, 0)
                return shapes.every((s) => s._tag === "Plain") ? shapes.map((_, i) => String(first + i)) : []
              })
            )
            for (const row of hinted) {
              if (plainIds.has(row.fields.id!))
                assert.isTrue(message(row.fields._msg!), "a plain failing record skipped")
            }
          }
        }),
      { timeout: 120_000, arbitrary: { runs: 60 } }
    )

    it.effect.prop(
      "a scan visits exactly the records in its range, newest first, from blocks that overlap in time",
      [Requests, Arbitrary.array(Range, { minLength: 1, maxLength: 4 })],
      ([requests, ranges]) =>
        Effect.gen(function* () {
          const { store } = yield* Receiver.TestReceiver
          // Each run has its own hours and hosts, so runs do not see each other's records.
          const base = BigInt(t0 + ++run * 1000) * 1_000_000n
          const host = (stream: number) => `run${run}-s${stream}`
          const at = (t: { ms: number; ns: number }) => base + BigInt(t.ms) * 1_000_000n + BigInt(t.ns)
          const sent: Array<Sent> = []
          for (const [request, records] of requests.entries()) {
            const these = records.map((r, i) => ({
              msg: `m${run}-${request}-${i}`,
              host: host(r.stream),
              timeNs: at(r.at),
              request
            }))
            sent.push(...these)
            const result = yield* store.ingest("logs", body(these))
            assert.strictEqual(result.stored, these.length)
          }
          const byMsg = new Map(sent.map((s) => [s.msg, s]))
          for (const range of ranges) {
            const startNs = at(range.from)
            const endNs = at(range.to)
            const streams = range.streams.length === 0 ? undefined : range.streams.map((s) => streamOf(host(s)))
            const expected = sent.filter(
              (s) =>
                s.timeNs >= startNs &&
                s.timeNs <= endNs &&
                (streams === undefined || streams.includes(streamOf(s.host)))
            )
            const rows = scanAll(store, { startNs, endNs, streams })
            assert.sameMembers(
              rows.map((r) => r.fields._msg!),
              expected.map((s) => s.msg)
            )
            assert.strictEqual(rows.length, expected.length, "each record once")
            for (const [i, row] of rows.entries()) {
              const sentAs = byMsg.get(row.fields._msg!)!
              assert.strictEqual(row.timeNs, sentAs.timeNs)
              assert.strictEqual(row.fields._stream, streamOf(sentAs.host))
              if (i === 0) continue
              const newer = byMsg.get(rows[i - 1]!.fields._msg!)!
              assert.isTrue(newer.timeNs >= sentAs.timeNs, "newest first")
              if (newer.timeNs === sentAs.timeNs) assert.isTrue(newer.request >= sentAs.request, "later request first")
            }
            const stopped = scanAll(store, { startNs, endNs, streams }, 3)
            assert.deepStrictEqual(stopped, rows.slice(0, 3), "stopping early visits a prefix")
            if (streams === undefined) {
              assert.deepStrictEqual(
                store.logs.streams({ startNs, endNs }).filter((s) => s.includes(`run${run}-`)),
                [...new Set(expected.map((s) => streamOf(s.host)))].toSorted()
              )
            }
          }
        }),
      { timeout: 120_000, arbitrary: { runs: 60 } }
    )
  })

  it.effect("retention drops older blocks and rewrites the block straddling the cutoff", () =>
    Effect.gen(function* () {
      const dir = yield* Receiver.tempDir
      const db = Db.open(dir)
      yield* Effect.addFinalizer(() => Effect.sync(() => Db.close(db)))
      const logs = LogStore.make(db)
      const ingest = (times: ReadonlyArray<number>) => {
        const batch = logs.batch()
        OtlpLogs.decode(
          encodeLogs({
            resourceLogs: [
              {
                scopeLogs: [
                  {
                    logRecords: times.map((ms) => ({
                      timeUnixNano: (BigInt(ms) * 1_000_000n).toString(),
                      body: { stringValue: `at ${ms}` }
                    }))
                  }
                ]
              }
            ]
          }),
          (resource, size, ms, ns, buf, start, end) => logs.add(batch, resource, size, ms, ns, buf, start, end)
        )
        Db.transaction(db, () => logs.write(batch))
        logs.apply(batch)
      }
      ingest([1000, 1001, 1002])
      ingest([2003, 1999, 2000, 2001, 2002])
      ingest([3000])
      const all = { startNs: 0n, endNs: 10_000_000_000n }
      const hinted = (message: (msg: string) => boolean) => {
        const rows: Array<string> = []
        logs.scan({ ...all, message }, (row) => rows.push(row.fields._msg!) > 0)
        return rows
      }
      // Read before retention, so that the rewritten block is read again, not remembered.
      assert.deepStrictEqual(
        hinted((msg) => msg === "at 2000"),
        ["at 2000"]
      )
      Db.transaction(db, () => logs.deleteBefore(2001))
      const rows: Array<string> = []
      logs.scan(all, (row) => rows.push(row.fields._msg!) > 0)
      assert.deepStrictEqual(rows, ["at 3000", "at 2003", "at 2002", "at 2001"])
      assert.deepStrictEqual(
        hinted((msg) => msg.endsWith("0")),
        ["at 3000"],
        "the rewritten block's messages are still plain"
      )
      assert.strictEqual(logs.stats().records, 4)
      const reopened = LogStore.make(db)
      assert.strictEqual(reopened.stats().records, 4, "the count read back from the blocks")
      assert.deepStrictEqual(reopened.streams({ startNs: 0n, endNs: 2_000_999_999n }), [])
      assert.deepStrictEqual(reopened.streams({ startNs: 0n, endNs: 2_001_000_000n }), ["{}"])
    }).pipe(Effect.scoped)
  )

  it.effect("a data directory of another layout is refused, not misread", () =>
    Effect.gen(function* () {
      const dir = yield* Receiver.tempDir
      const db = new DatabaseSync(path.join(dir, Db.fileName))
      db.exec("CREATE TABLE logs (id INTEGER PRIMARY KEY, stream INTEGER, time_ns INTEGER, fields TEXT)")
      db.close()
      const error = yield* Effect.flip(Effect.scoped(Store.make({ dataDir: dir })))
      assert.strictEqual(error._tag, "OpenError")
      assert.include(error.message, "layout")
      assert.isTrue(fs.existsSync(path.join(dir, Db.fileName)), "left as it was")
    })
  )

  it.effect("a directory of layout 1 (blocks without their messages) is upgraded and read as before", () =>
    Effect.gen(function* () {
      const dir = yield* Receiver.tempDir
      const messages = ["a", "b", "a", "c"]
      const sendAt = BigInt(t0) * 1_000_000n
      const body = encodeLogs({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: messages.map((msg, i) => ({
                  timeUnixNano: (sendAt + BigInt(i)).toString(),
                  body: { stringValue: msg }
                }))
              }
            ]
          }
        ]
      })
      yield* Effect.scoped(Effect.flatMap(Store.make({ dataDir: dir }), (store) => store.ingest("logs", body)))
      // Layout 1 had no list of messages.
      const old = new DatabaseSync(path.join(dir, Db.fileName))
      old.exec("ALTER TABLE log_blocks DROP COLUMN messages; PRAGMA user_version = 1")
      old.close()
      const read = yield* Effect.scoped(
        Effect.map(Store.make({ dataDir: dir }), (store) => {
          const range = { startNs: sendAt, endNs: sendAt + 10n }
          return {
            all: scanAll(store, range).map((r) => r.fields._msg),
            hinted: scanAll(store, { ...range, message: (msg) => msg === "a" }).map((r) => r.fields._msg)
          }
        })
      )
      assert.deepStrictEqual(read.all, messages.toReversed())
      assert.deepStrictEqual(read.hinted, ["a", "a"])
      const upgraded = new DatabaseSync(path.join(dir, Db.fileName))
      assert.strictEqual(upgraded.prepare("PRAGMA user_version").get()!.user_version, 2)
      assert.deepStrictEqual(
        upgraded
          .prepare("SELECT messages FROM log_blocks")
          .all()
          .map((r) => r.messages),
        [null],
        "the old block has no list"
      )
      upgraded.close()
    })
  )
})
