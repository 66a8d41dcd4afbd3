// The evaluator against VictoriaLogs' semantics as read in its source (lib/logstorage): words
// are whole tokens, case-sensitive; a missing field reads as ""; regexps match anywhere unless
// anchored; stream filters match the whole tag value; stats defaults and names.
import { assert, describe, it } from "@effect/vitest"
import { LogsQLEngine, LogsQLParser } from "@gastown-otel/receiver"
import { Result } from "effect"
import type { LogRow } from "../../src/logs/LogRow.ts"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import { row } from "../support/VictoriaLogsRows.ts"
import { formatTime } from "../../src/logsql/internal/time.ts"

const second = 1_000_000_000n
const now = 1_700_000_000n * second

// Rows `id` 0.. at one-second steps back from now: row 0 is the newest.
const at = (i: number) => now - BigInt(i) * second
const make = (
  specs: ReadonlyArray<{ readonly app?: string; readonly msg: string; readonly [f: string]: string | undefined }>
) =>
  specs.map(({ app, msg, ...fields }, i): LogRow => {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >
    return row(at(i), { "app.name": app ?? "api" }, msg, { ...defined, id: String(i) })
  })

const run = (rows: ReadonlyArray<LogRow>, text: string, range: LogsQLEngine.Range = {}) => {
  const q = LogsQLParser.parse(text, { nowNs: now })
  if (Result.isFailure(q)) assert.fail(q.failure.message)
  return LogsQLEngine.run(q.success, MemoryLogSource.make(rows), range)
}
const ids = (rows: ReadonlyArray<LogRow>, text: string, range?: LogsQLEngine.Range) =>
  run(rows, text, range).rows.map((r) => Number(r.fields["id"]))

const messages = make([
  { msg: "error: disconnect from 1.2.3.4" },
  { msg: "Error in job.run" },
  { msg: "job.run.retry started" },
  { msg: "errors=3 xjob.run" },
  { msg: "ошибка сети" },
  { msg: "session.start", app: "api-worker" },
  { msg: "" }
])

describe("LogsQL engine: word, phrase and prefix filters", () => {
  it("a word matches a whole token, case-sensitively; i() ignores case", () => {
    assert.deepStrictEqual(ids(messages, "error"), [0])
    assert.deepStrictEqual(ids(messages, "Error"), [1])
    assert.deepStrictEqual(ids(messages, "i(error)"), [0, 1])
    assert.deepStrictEqual(ids(messages, "errors"), [3])
    // Unicode letters are word characters too.
    assert.deepStrictEqual(ids(messages, "ошибка"), [4])
    assert.deepStrictEqual(ids(messages, "ошиб"), [])
  })

  it("a phrase must not be glued to word characters at its word-character ends", () => {
    assert.deepStrictEqual(ids(messages, '"job.run"'), [1, 2])
    assert.deepStrictEqual(ids(messages, '"disconnect from"'), [0])
    assert.deepStrictEqual(ids(messages, '"rror"'), [])
    // A phrase ending in a non-word character needs no boundary there.
    assert.deepStrictEqual(ids(messages, '"error:"'), [0])
    assert.deepStrictEqual(ids(messages, '"1.2.3"'), [0])
  })

  it("a prefix starts a word; * alone is every record, field:* a non-empty value", () => {
    assert.deepStrictEqual(ids(messages, "sess*"), [5])
    assert.deepStrictEqual(ids(messages, "star*"), [2, 5])
    assert.deepStrictEqual(ids(messages, "tart*"), [])
    assert.deepStrictEqual(ids(messages, "*"), [0, 1, 2, 3, 4, 5, 6])
    assert.deepStrictEqual(ids(messages, "app.name:*"), [0, 1, 2, 3, 4, 5, 6])
    assert.deepStrictEqual(ids(messages, "nosuchfield:*"), [])
  })

  it("a dotted field name; a word on it matches inside compound values", () => {
    assert.deepStrictEqual(ids(messages, "app.name:api"), [0, 1, 2, 3, 4, 5, 6])
    assert.deepStrictEqual(ids(messages, 'app.name:="api"'), [0, 1, 2, 3, 4, 6])
    assert.deepStrictEqual(ids(messages, '"app.name":="api-worker"'), [5])
  })
})

const labelled = make([
  { msg: "a", unit: "red", role: "red/lead" },
  { msg: "a", unit: "red", role: "red/one", agent: "one" },
  { msg: "b", unit: "blue", role: "blue/two", agent: "two" },
  { msg: "b" },
  { msg: "c", unit: "", agent: "one" }
])

describe("LogsQL engine: exact, in, regexp, empty values", () => {
  it("exact and exact prefix compare whole values", () => {
    assert.deepStrictEqual(ids(labelled, "role:=red"), [])
    assert.deepStrictEqual(ids(labelled, "role:red"), [0, 1])
    assert.deepStrictEqual(ids(labelled, "role:=red*"), [0, 1])
    assert.deepStrictEqual(ids(labelled, 'role:exact("red/lead")'), [0])
  })

  it("in() is one of the exact values, for any field and _msg", () => {
    assert.deepStrictEqual(ids(labelled, "unit:in(red, blue)"), [0, 1, 2])
    assert.deepStrictEqual(ids(labelled, '_msg:in("a", "c")'), [0, 1, 4])
    // A missing field is "", which in("") finds.
    assert.deepStrictEqual(ids(labelled, 'agent:in("")'), [0, 3])
  })

  it("a missing field reads as the empty value", () => {
    assert.deepStrictEqual(ids(labelled, 'unit:""'), [3, 4])
    assert.deepStrictEqual(ids(labelled, 'unit:=""'), [3, 4])
    assert.deepStrictEqual(ids(labelled, "-agent:one"), [0, 2, 3])
    assert.deepStrictEqual(ids(labelled, 'unit:~"^.*$"'), [0, 1, 2, 3, 4])
    assert.deepStrictEqual(ids(labelled, 'unit:~"^(red)$"'), [0, 1])
    assert.deepStrictEqual(ids(labelled, 'unit:~"^(red|blue)$"'), [0, 1, 2])
  })

  it("regexps match anywhere in the value, RE2 style", () => {
    assert.deepStrictEqual(ids(labelled, 'role:~"lead"'), [0])
    assert.deepStrictEqual(ids(labelled, 'role:~"^lead"'), [])
    assert.deepStrictEqual(ids(labelled, 'role:~"(?i)LEAD"'), [0])
    assert.deepStrictEqual(ids(labelled, 'role:~"\\\\d"'), [])
    assert.deepStrictEqual(ids(labelled, 'role:~"[[:alpha:]]+/t"'), [2])
    // `.` stops at a newline as in Go, unless (?s).
    const multiline = make([{ msg: "a\nb" }])
    assert.deepStrictEqual(ids(multiline, '_msg:~"a.b"'), [])
    assert.deepStrictEqual(ids(multiline, '_msg:~"(?s)a.b"'), [0])
    assert.deepStrictEqual(ids(multiline, '_msg:~"^a$"'), [])
  })

  it("numeric comparisons read values as numbers and skip others", () => {
    const numbers = make([{ msg: "x", n: "5" }, { msg: "x", n: "12.5" }, { msg: "x", n: "abc" }, { msg: "x" }])
    assert.deepStrictEqual(ids(numbers, "n:>5"), [1])
    assert.deepStrictEqual(ids(numbers, "n:>=5"), [0, 1])
    assert.deepStrictEqual(ids(numbers, "n:<12.5"), [0])
  })
})

describe("LogsQL engine: logic", () => {
  it("AND, OR, NOT with AND binding tighter", () => {
    assert.deepStrictEqual(ids(labelled, "a or b unit:blue"), [0, 1, 2])
    assert.deepStrictEqual(ids(labelled, "(a or b) unit:red"), [0, 1])
    assert.deepStrictEqual(ids(labelled, "not a"), [2, 3, 4])
    assert.deepStrictEqual(ids(labelled, "!(a or b)"), [4])
    assert.deepStrictEqual(ids(labelled, "unit:(red or blue) -agent:two"), [0, 1])
  })
})

describe("LogsQL engine: stream filters", () => {
  const streams = [
    ...make([{ msg: "a", app: "api" }]),
    ...make([{ msg: "b", app: "api-worker" }]).map((r) => ({ ...r, timeNs: at(1) })),
    ...make([{ msg: "c", app: "db" }]).map((r) => ({ ...r, timeNs: at(2) }))
  ]
  const msgs = (text: string) => run(streams, text).rows.map((r) => r.fields["_msg"])

  it("tag values match whole: = and =~ are anchored", () => {
    assert.deepStrictEqual(msgs('{app.name="api"}'), ["a"])
    assert.deepStrictEqual(msgs('{app.name=~"api.*"}'), ["a", "b"])
    assert.deepStrictEqual(msgs('{app.name=~"pi"}'), [])
    assert.deepStrictEqual(msgs('{app.name!="api"}'), ["b", "c"])
    assert.deepStrictEqual(msgs('{app.name!~"api.*"}'), ["c"])
    assert.deepStrictEqual(msgs('{app.name in ("api", "db")}'), ["a", "c"])
    assert.deepStrictEqual(msgs('{app.name not_in ("api")}'), ["b", "c"])
    assert.deepStrictEqual(msgs('{app.name="api" or app.name="db"}'), ["a", "c"])
    assert.deepStrictEqual(msgs('{app.name="api", nosuch=""}'), ["a"])
    assert.deepStrictEqual(msgs('_stream:{app.name="db"}'), ["c"])
  })

  it("a top-level stream filter limits the scan to the matching streams", () => {
    const source = MemoryLogSource.make(streams)
    const q = Result.getOrThrow(LogsQLParser.parse('{app.name="db"}', { nowNs: now }))
    let asked: ReadonlyArray<string> | undefined
    const spy = {
      ...source,
      scan: ((range, visit) => {
        asked = range.streams
        source.scan(range, visit)
      }) satisfies typeof source.scan
    }
    assert.deepStrictEqual(
      LogsQLEngine.run(q, spy).rows.map((r) => r.fields["_msg"]),
      ["c"]
    )
    assert.deepStrictEqual(asked, [streams[2]!.fields["_stream"]!])
  })
})

describe("LogsQL engine: time", () => {
  const rows = make(Array.from({ length: 10 }, () => ({ msg: "x" })))

  it("_time filters and the request range narrow the scan", () => {
    assert.deepStrictEqual(ids(rows, "_time:3s"), [0, 1, 2, 3])
    assert.deepStrictEqual(ids(rows, "_time:3s offset 5s"), [5, 6, 7, 8])
    assert.deepStrictEqual(ids(rows, "*", { startNs: at(4), endNs: at(2) }), [2, 3, 4])
    assert.deepStrictEqual(ids(rows, "_time:5s", { startNs: at(8), endNs: at(3) }), [3, 4, 5])
    assert.deepStrictEqual(ids(rows, "_time:5s", { startNs: at(9), endNs: at(6) }), [])
    // Nested time filters are checked per row.
    assert.deepStrictEqual(ids(rows, "_time:1s or _time:[now-9s, now-8s]"), [0, 1, 8, 9])
  })
})

describe("LogsQL engine: pipes", () => {
  it("limit stops the scan early; offset skips", () => {
    const rows = make(Array.from({ length: 100 }, () => ({ msg: "x" })))
    const source = MemoryLogSource.make(rows)
    const q = Result.getOrThrow(LogsQLParser.parse("x | limit 3", { nowNs: now }))
    assert.deepStrictEqual(
      LogsQLEngine.run(q, source).rows.map((r) => r.fields["id"]),
      ["0", "1", "2"]
    )
    assert.strictEqual(source.visited(), 3)
    assert.deepStrictEqual(ids(rows, "x | offset 2 | head 2"), [2, 3])
  })

  it("sort by fields, desc, limit inside sort; fields keeps only what is named, in that order", () => {
    assert.deepStrictEqual(ids(labelled, "* | sort by (role, id desc)"), [4, 3, 2, 0, 1])
    assert.deepStrictEqual(ids(labelled, "* | sort by (role) desc limit 2"), [1, 0])
    assert.deepStrictEqual(ids(labelled, "* | sort by (_time)"), [4, 3, 2, 1, 0])
    const out = run(labelled, "a | fields role, id")
    assert.deepStrictEqual(
      out.rows.map((r) => r.fields),
      [
        { role: "red/lead", id: "0" },
        { role: "red/one", id: "1" }
      ]
    )
    assert.deepStrictEqual(out.fieldOrder, ["role", "id"])
  })

  it("values sort as numbers when they are", () => {
    const rows = make([
      { msg: "x", n: "10" },
      { msg: "x", n: "9" },
      { msg: "x", n: "100" },
      { msg: "x", n: "2.5" }
    ])
    assert.deepStrictEqual(ids(rows, "* | sort by (n)"), [3, 1, 0, 2])
  })

  it("stats count, count_uniq, sum, avg, min, max, by fields, default names", () => {
    const rows = make([
      { msg: "x", unit: "red", n: "1", who: "a" },
      { msg: "x", unit: "red", n: "2", who: "b" },
      { msg: "x", unit: "red", n: "oops", who: "a" },
      { msg: "x", unit: "blue", n: "10" },
      { msg: "x", n: "7" }
    ])
    const out = run(
      rows,
      "* | stats by (unit) count(), count(who) named, count_uniq(who), sum(n), avg(n), min(n), max(n), sum(nothing)"
    )
    assert.deepStrictEqual(out.fieldOrder, [
      "unit",
      "count(*)",
      "named",
      "count_uniq(who)",
      "sum(n)",
      "avg(n)",
      "min(n)",
      "max(n)",
      "sum(nothing)"
    ])
    const byUnit = Object.fromEntries(out.rows.map((r) => [r.fields["unit"], r.fields]))
    assert.deepStrictEqual(byUnit["red"], {
      unit: "red",
      "count(*)": "3",
      named: "3",
      "count_uniq(who)": "2",
      "sum(n)": "3",
      "avg(n)": "1.5",
      "min(n)": "1",
      "max(n)": "oops",
      "sum(nothing)": "NaN"
    })
    assert.strictEqual(byUnit["blue"]!["count(who)" as "named"], undefined)
    assert.deepStrictEqual(byUnit[""]!["count(*)"], "1")
    assert.deepStrictEqual(byUnit[""]!["count_uniq(who)"], "0")
  })

  it("stats without by on no rows still gives one row", () => {
    assert.deepStrictEqual(
      run(labelled, "nothing | stats count() n").rows.map((r) => r.fields),
      [{ n: "0" }]
    )
    assert.deepStrictEqual(run(labelled, "nothing | stats by (unit) count() n").rows, [])
  })

  it("stats by _time buckets", () => {
    const rows = make(Array.from({ length: 10 }, () => ({ msg: "x" })))
    // now is a whole even second: six seconds back from one second ago fill three 2s buckets.
    const out = run(rows, "_time:[now-6s, now-1s] | stats by (_time:2s) count() n")
    assert.deepStrictEqual(
      out.rows.map((r) => [r.fields["_time"], r.fields["n"]]).toSorted(),
      [6n, 4n, 2n].map((back) => [formatTime(now - back * second), "2"])
    )
  })
})

describe("LogsQL engine: live tail", () => {
  it("selects from each batch and applies fields", () => {
    const tail = LogsQLEngine.tail(Result.getOrThrow(LogsQLParser.parse("a | fields _time, unit", { nowNs: now })))
    assert.deepStrictEqual(
      tail(labelled).map((r) => r.fields),
      [0, 1].map((i) => ({ _time: labelled[i]!.fields["_time"]!, unit: "red" }))
    )
    assert.deepStrictEqual(tail([]), [])
  })

  it("refuses pipes VictoriaLogs cannot live-tail", () => {
    for (const text of ["* | limit 1", "* | stats count()", "* | sort by (a)", "* | fields a"]) {
      const q = Result.getOrThrow(LogsQLParser.parse(text, { nowNs: now }))
      assert.isString(LogsQLEngine.untailable(q), text)
    }
    assert.isUndefined(LogsQLEngine.untailable(Result.getOrThrow(LogsQLParser.parse("* | filter a", { nowNs: now }))))
  })
})
