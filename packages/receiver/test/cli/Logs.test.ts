// gastown-otel logs: records oldest first (the newest N of them), stats rows as a table, the
// server's JSON lines, colour by severity where the terminal renders it, and the server's
// message when it refuses; against a receiver in this process.
import { assert, describe, it, layer } from "@effect/vitest"
import { Catalogue, Correlation, Resource } from "@gastown-otel/schema"
import { CaptureServer } from "@gastown-otel/testkit"
import { Effect, Exit } from "effect"
import * as Logs from "../../src/cli/Logs.ts"
import { attributes, encodeLogs, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"
import * as RunCli from "../support/RunCli.ts"

const [, rig] = Correlation.definitions.map((d) => d.key)
const [first, second] = Catalogue.entries
const t0 = Date.now() - 30_000
const red = "\x1b[31m"

// Three records a second apart: the first entry's event twice (the second an ERROR), then the second's.
const records = [
  { body: first!.spec.name, severity: "INFO", at: t0 },
  { body: first!.spec.name, severity: "ERROR", at: t0 + 1000 },
  { body: second!.spec.name, severity: "INFO", at: t0 + 2000 }
]
const body = encodeLogs({
  resourceLogs: [
    {
      resource: { attributes: attributes({ [Resource.keys.serviceName]: Resource.serviceNames.gt }) },
      scopeLogs: [
        {
          logRecords: records.map((r) => ({
            timeUnixNano: nanos(r.at),
            severityText: r.severity,
            body: { stringValue: r.body },
            attributes: attributes({ [rig!]: "mol" })
          }))
        }
      ]
    }
  ]
})

describe("logs output", () => {
  it("orders records by time, whatever the digits of their fractions", () => {
    const lines = Logs.lines(
      [
        { _time: "2026-11-30T09:00:00.74Z", _msg: "b", severity: "INFO" },
        { _time: "2026-11-30T09:00:00.747Z", _msg: "a", severity: "INFO" },
        { _time: "2026-11-30T09:00:00Z", _msg: "longer", severity: "ERROR" }
      ],
      false
    )
    assert.deepStrictEqual(lines, [
      "2026-11-30T09:00:00Z  ERROR  longer",
      "2026-11-30T09:00:00.74Z  INFO   b",
      "2026-11-30T09:00:00.747Z  INFO   a"
    ])
    assert.deepStrictEqual(Logs.lines([], false), ["(no records)"])
  })

  it.effect("sends a cluster tenant as VictoriaLogs' headers", () =>
    Effect.gen(function* () {
      const vlselect = yield* CaptureServer.start()
      const ran = yield* RunCli.run(["logs", "*", "--logs-url", vlselect.url, "--logs-tenant", "12:34"])
      assert.deepStrictEqual(ran.stdout, ["(no records)"])
      const [request] = vlselect.requests
      assert.strictEqual(request!.headers["accountid"], "12")
      assert.strictEqual(request!.headers["projectid"], "34")
      const bad = yield* RunCli.run(["logs", "*", "--logs-url", vlselect.url, "--logs-tenant", "12"])
      assert.isTrue(Exit.isFailure(bad.exit))
      assert.lengthOf(vlselect.requests, 1)
    })
  )

  it("reads JSON lines, keeping non-string values as JSON", () => {
    assert.deepStrictEqual(Logs.parseRow('{"a":"x","n":3}'), { a: "x", n: "3" })
    assert.isUndefined(Logs.parseRow("[1]"))
    assert.isUndefined(Logs.parseRow("not json"))
  })
})

// The receiver with the records stored once.
const seeded = Receiver.seeded({ logs: [body] })

layer(seeded)("gastown-otel logs", (it) => {
  const setup = Effect.map(Receiver.TestReceiver, ({ receiver }) => receiver.logsUrl)

  it.effect("prints the newest records, oldest first, the gt.* labels after the message", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["logs", "*", "--limit", "2", "--logs-url", url])
      assert.isTrue(Exit.isSuccess(ran.exit), ran.stderr.join("\n"))
      assert.lengthOf(ran.stdout, 2)
      ran.stdout.forEach((line, i) => {
        const record = records[i + 1]!
        const [, time, severity, message, labels, fields] = /^(\S+)  (\S+)\s+(\S+)\s+(\S+)  (.*)$/.exec(line)!
        assert.strictEqual(Date.parse(time!), record.at)
        assert.deepStrictEqual([severity, message, labels], [record.severity, record.body, `${rig}=mol`])
        assert.include(fields, `${Resource.keys.serviceName}=${Resource.serviceNames.gt}`)
      })
      // Messages padded to the widest, so what follows lines up.
      assert.strictEqual(ran.stdout[0]!.indexOf(`${rig}=`), ran.stdout[1]!.indexOf(`${rig}=`))
    })
  )

  it.effect("colours ERROR red where the terminal renders colour, never otherwise", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const coloured = yield* RunCli.run(["logs", "*", "--limit", "0", "--logs-url", url], { colour: true })
      assert.deepStrictEqual(
        coloured.stdout.map((line) => line.startsWith(red)),
        records.map((r) => r.severity === "ERROR")
      )
      const plain = yield* RunCli.run(["logs", "*", "--logs-url", url])
      assert.isFalse(plain.stdout.some((line) => line.includes("\x1b[")))
    })
  )

  it.effect("prints stats rows as a table", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["logs", "* | stats by (_msg) count() n | sort by (_msg)", "--logs-url", url])
      const counts = [
        [first!.spec.name, "2"],
        [second!.spec.name, "1"]
      ].toSorted(([a], [b]) => (a! < b! ? -1 : 1))
      const width = Math.max("_msg".length, ...counts.map(([m]) => m!.length))
      assert.deepStrictEqual(ran.stdout, [
        `${"_msg".padEnd(width)}  n`,
        ...counts.map(([m, n]) => `${m!.padEnd(width)}  ${n}`)
      ])
    })
  )

  it.effect("prints the server's JSON lines with --json", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["logs", "*", "--limit", "1", "--json", "--logs-url", url])
      assert.lengthOf(ran.stdout, 1)
      const row = JSON.parse(ran.stdout[0]!) as Record<string, string>
      assert.strictEqual(row["_msg"], records[2]!.body)
      assert.strictEqual(row[rig!], "mol")
    })
  )

  it.effect("a refused query: the server's message, exit 1", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["logs", "foo |", "--logs-url", url])
      assert.isTrue(Exit.isFailure(ran.exit))
      assert.deepStrictEqual(ran.stdout, [])
      assert.lengthOf(ran.stderr, 1)
      assert.match(ran.stderr[0]!, /^gastown-otel: syntax error at position \d+ of \[foo \|\]/)
    })
  )
})
