import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import type { LogsQLAst } from "@gastown-otel/receiver"
import { LogsQLParser } from "@gastown-otel/receiver"
import type { LogsQLError } from "../../src/logsql/LogsQLError.ts"
import { parseTime } from "../../src/logsql/internal/time.ts"

const now = 1_700_000_000_000_000_000n
const minute = 60_000_000_000n

const parse = (text: string): LogsQLAst.Query => {
  const r = LogsQLParser.parse(text, { nowNs: now })
  if (Result.isFailure(r)) assert.fail(`${text}: ${r.failure.message}`)
  return r.success
}
const filter = (text: string) => parse(text).filter
const failure = (text: string): LogsQLError => {
  const r = LogsQLParser.parse(text, { nowNs: now })
  if (Result.isSuccess(r))
    assert.fail(`${text} parsed as ${JSON.stringify(r.success, (_, v) => (typeof v === "bigint" ? String(v) : v))}`)
  return r.failure
}

const phrase = (field: string, p: string): LogsQLAst.Filter => ({ _tag: "Phrase", field, phrase: p, anyCase: false })

describe("LogsQL parser: filters", () => {
  it("words, phrases and prefixes search _msg unless a field is named", () => {
    assert.deepStrictEqual(filter("error"), phrase("_msg", "error"))
    assert.deepStrictEqual(filter('"job.run"'), phrase("_msg", "job.run"))
    assert.deepStrictEqual(filter("'foo bar'"), phrase("_msg", "foo bar"))
    assert.deepStrictEqual(filter("`a\\b`"), phrase("_msg", "a\\b"))
    assert.deepStrictEqual(filter("sess*"), { _tag: "Prefix", field: "_msg", prefix: "sess", anyCase: false })
    // A compound word: tokens without whitespace between them are one phrase.
    assert.deepStrictEqual(filter("api-worker"), phrase("_msg", "api-worker"))
    assert.deepStrictEqual(filter("i(Error)"), { _tag: "Phrase", field: "_msg", phrase: "Error", anyCase: true })
    assert.deepStrictEqual(filter("i(err*)"), { _tag: "Prefix", field: "_msg", prefix: "err", anyCase: true })
  })

  it("dotted and quoted field names, with every operator", () => {
    assert.deepStrictEqual(filter("app.name:api"), phrase("app.name", "api"))
    assert.deepStrictEqual(filter('"team.unit":="red"'), { _tag: "Exact", field: "team.unit", value: "red" })
    assert.deepStrictEqual(filter("team.unit:=red"), { _tag: "Exact", field: "team.unit", value: "red" })
    assert.deepStrictEqual(filter("team.role:=red/le*"), { _tag: "ExactPrefix", field: "team.role", prefix: "red/le" })
    assert.deepStrictEqual(filter('team.unit:!="red"'), {
      _tag: "Not",
      filter: { _tag: "Exact", field: "team.unit", value: "red" }
    })
    assert.deepStrictEqual(filter('team.unit:~"^m.l$"'), { _tag: "Regexp", field: "team.unit", pattern: "^m.l$" })
    assert.deepStrictEqual(filter('team.unit:!~"x"'), {
      _tag: "Not",
      filter: { _tag: "Regexp", field: "team.unit", pattern: "x" }
    })
    assert.deepStrictEqual(filter('team.unit:re("m+")'), { _tag: "Regexp", field: "team.unit", pattern: "m+" })
    assert.deepStrictEqual(filter('team.role:exact("red/lead")'), {
      _tag: "Exact",
      field: "team.role",
      value: "red/lead"
    })
    assert.deepStrictEqual(filter("team.agent:*"), { _tag: "Prefix", field: "team.agent", prefix: "", anyCase: false })
    assert.deepStrictEqual(filter('team.agent:""'), phrase("team.agent", ""))
    assert.deepStrictEqual(filter('url:"http://x:1/a"'), phrase("url", "http://x:1/a"))
  })

  it("in(...) for a field and for _msg; in(*) is every record", () => {
    assert.deepStrictEqual(filter('_msg:in("job.start", "job.stop")'), {
      _tag: "In",
      field: "_msg",
      values: ["job.start", "job.stop"]
    })
    assert.deepStrictEqual(filter('team.unit:in(red, "a b")'), {
      _tag: "In",
      field: "team.unit",
      values: ["red", "a b"]
    })
    assert.deepStrictEqual(filter("team.unit:in(*)"), { _tag: "Any" })
    // Without parentheses `in` is an ordinary word.
    assert.deepStrictEqual(filter("in"), phrase("_msg", "in"))
  })

  it("numeric comparisons with VictoriaLogs' bounds (> excludes, >= includes)", () => {
    const gt = filter("latency:>100")
    assert.strictEqual(gt._tag, "Range")
    if (gt._tag === "Range") {
      assert.isTrue(gt.min > 100 && gt.min < 100.000001)
      assert.strictEqual(gt.max, Infinity)
    }
    assert.deepStrictEqual(filter("latency:<=5"), { _tag: "Range", field: "latency", min: -Infinity, max: 5 })
  })

  it("AND (implicit and keyword), OR, NOT / - / !, parentheses, precedence AND over OR", () => {
    const a = phrase("_msg", "a")
    const b = phrase("_msg", "b")
    const c = phrase("_msg", "c")
    assert.deepStrictEqual(filter("a b"), { _tag: "And", filters: [a, b] })
    assert.deepStrictEqual(filter("a AND b"), { _tag: "And", filters: [a, b] })
    assert.deepStrictEqual(filter("a or b c"), { _tag: "Or", filters: [a, { _tag: "And", filters: [b, c] }] })
    assert.deepStrictEqual(filter("(a or b) c"), { _tag: "And", filters: [{ _tag: "Or", filters: [a, b] }, c] })
    for (const not of ["NOT a", "-a", "!a", "not a"]) assert.deepStrictEqual(filter(not), { _tag: "Not", filter: a })
    assert.deepStrictEqual(filter("NOT NOT a"), a)
    assert.deepStrictEqual(filter("team.unit:(red or town)"), {
      _tag: "Or",
      filters: [phrase("team.unit", "red"), phrase("team.unit", "town")]
    })
  })

  it("* is every record; AND drops it and OR with it is everything", () => {
    assert.deepStrictEqual(filter("*"), { _tag: "Any" })
    assert.deepStrictEqual(filter("* a"), phrase("_msg", "a"))
    assert.deepStrictEqual(filter("a or *"), { _tag: "Any" })
    assert.deepStrictEqual(filter('_msg:~".*"'), { _tag: "Any" })
  })

  it("stream filters: =, !=, =~, !~, in, not_in, commas and or", () => {
    assert.deepStrictEqual(filter('{app.name="api"}'), {
      _tag: "Stream",
      anyOf: [[{ name: "app.name", op: "=", value: "api" }]]
    })
    assert.deepStrictEqual(filter('_stream:{app.name!="db", dc.zone=~"h.*"}'), {
      _tag: "Stream",
      anyOf: [
        [
          { name: "app.name", op: "!=", value: "db" },
          { name: "dc.zone", op: "=~", value: "h.*" }
        ]
      ]
    })
    assert.deepStrictEqual(filter('{app.name in ("api", "a.b"), x not_in (y)}'), {
      _tag: "Stream",
      anyOf: [
        [
          { name: "app.name", op: "=~", value: "api|a\\.b" },
          { name: "x", op: "!~", value: "y" }
        ]
      ]
    })
    assert.deepStrictEqual(filter('{a="1" or b!~"2"}'), {
      _tag: "Stream",
      anyOf: [[{ name: "a", op: "=", value: "1" }], [{ name: "b", op: "!~", value: "2" }]]
    })
  })

  it("_time filters resolve against now", () => {
    assert.deepStrictEqual(filter("_time:5m"), { _tag: "Time", startNs: now - 5n * minute, endNs: now })
    assert.deepStrictEqual(filter("_time:1h30m"), { _tag: "Time", startNs: now - 90n * minute, endNs: now })
    assert.deepStrictEqual(filter("_time:5m offset 1h"), {
      _tag: "Time",
      startNs: now - 65n * minute,
      endNs: now - 60n * minute
    })
    const start = parseTime("2024-01-01T00:00:00Z", now)!
    const end = parseTime("2024-01-02T00:00:00Z", now)!
    assert.deepStrictEqual(filter("_time:[2024-01-01T00:00:00Z, 2024-01-02T00:00:00Z)"), {
      _tag: "Time",
      startNs: start,
      endNs: end - 1n
    })
    // A whole day, as `_time:2024-01-01` names it.
    assert.deepStrictEqual(filter("_time:2024-01-01"), { _tag: "Time", startNs: start, endNs: end - 1n })
    assert.deepStrictEqual(filter("_time:>=2024-01-01T00:00:00Z"), {
      _tag: "Time",
      startNs: start,
      endNs: LogsQLParser.timeBounds.maxNs
    })
    assert.deepStrictEqual(filter("_time:<2024-01-01T00:00:00Z"), {
      _tag: "Time",
      startNs: LogsQLParser.timeBounds.minNs,
      endNs: start - 1n
    })
    // `_time:>1h`: older than an hour.
    assert.deepStrictEqual(filter("_time:>=1h"), {
      _tag: "Time",
      startNs: LogsQLParser.timeBounds.minNs,
      endNs: now - 60n * minute
    })
  })
})

describe("LogsQL parser: pipes", () => {
  it("limit / head (10 by default), offset", () => {
    assert.deepStrictEqual(parse("* | limit 5").pipes, [{ _tag: "Limit", n: 5 }])
    assert.deepStrictEqual(parse("* | head").pipes, [{ _tag: "Limit", n: 10 }])
    assert.deepStrictEqual(parse("* | offset 3 | head 2").pipes, [
      { _tag: "Offset", n: 3 },
      { _tag: "Limit", n: 2 }
    ])
  })

  it("fields, sort, filter / where / a bare filter", () => {
    assert.deepStrictEqual(parse("* | fields _time, team.unit, _msg").pipes, [
      { _tag: "Fields", fields: ["_time", "team.unit", "_msg"] }
    ])
    assert.deepStrictEqual(parse("* | sort by (_time) desc").pipes, [
      { _tag: "Sort", by: [{ field: "_time", desc: false }], desc: true, offset: 0, limit: undefined }
    ])
    assert.deepStrictEqual(parse("* | sort by (a desc, b) limit 3").pipes, [
      {
        _tag: "Sort",
        by: [
          { field: "a", desc: true },
          { field: "b", desc: false }
        ],
        desc: false,
        offset: 0,
        limit: 3
      }
    ])
    assert.deepStrictEqual(parse("* | filter team.unit:=red").pipes, [
      { _tag: "Filter", filter: { _tag: "Exact", field: "team.unit", value: "red" } }
    ])
    assert.deepStrictEqual(parse("* | team.unit:=red").pipes, parse("* | where team.unit:=red").pipes)
  })

  it("stats: by fields, functions, default and `as` names, stats keyword optional", () => {
    assert.deepStrictEqual(parse("* | stats count()").pipes, [
      { _tag: "Stats", by: [], funcs: [{ fn: "count", fields: ["*"], name: "count(*)" }] }
    ])
    assert.deepStrictEqual(parse("* | stats by (team.unit, op) count() as calls, count_uniq(team.agent)").pipes, [
      {
        _tag: "Stats",
        by: [{ field: "team.unit" }, { field: "op" }],
        funcs: [
          { fn: "count", fields: ["*"], name: "calls" },
          { fn: "count_uniq", fields: ["team.agent"], name: "count_uniq(team.agent)" }
        ]
      }
    ])
    assert.deepStrictEqual(parse("* | by (team.unit) sum(latency) s, min(latency), max(x), avg(x)").pipes, [
      {
        _tag: "Stats",
        by: [{ field: "team.unit" }],
        funcs: [
          { fn: "sum", fields: ["latency"], name: "s" },
          { fn: "min", fields: ["latency"], name: "min(latency)" },
          { fn: "max", fields: ["x"], name: "max(x)" },
          { fn: "avg", fields: ["x"], name: "avg(x)" }
        ]
      }
    ])
    assert.deepStrictEqual(parse("* | count() n").pipes, [
      { _tag: "Stats", by: [], funcs: [{ fn: "count", fields: ["*"], name: "n" }] }
    ])
    assert.deepStrictEqual(parse("* | stats by (_time:5m offset 1m) count()").pipes, [
      {
        _tag: "Stats",
        by: [{ field: "_time", bucketNs: 5n * minute, offsetNs: minute }],
        funcs: [{ fn: "count", fields: ["*"], name: "count(*)" }]
      }
    ])
  })
})

describe("LogsQL parser: errors name the construct and its position", () => {
  const check = (text: string, reason: LogsQLError["reason"], position: number, mentions: string) => {
    const e = failure(text)
    assert.strictEqual(e._tag, "LogsQLError")
    assert.strictEqual(e.reason, reason, `${text}: ${e.message}`)
    assert.strictEqual(e.position, position, `${text}: ${e.message}`)
    assert.include(e.message, mentions)
    assert.include(e.message, text)
  }

  it("syntax errors", () => {
    check("", "Syntax", 0, "missing filter")
    check("foo:(", "Syntax", 5, "missing")
    check('"unterminated', "Syntax", 0, "quoted string")
    check("(a or b", "Syntax", 7, "')'")
    check("a )", "Syntax", 2, "unexpected")
    check('team.unit:~"(x"', "Syntax", 11, "regexp")
    check("{app.name}", "Syntax", 9, "unsupported operation")
    check("limit 5", "Syntax", 0, "pipe keyword")
    check("* | limit x", "Syntax", 10, "limit")
    check("_time:[2024-01-01, 2024-01-02", "Syntax", 29, "_time range")
    check("* | stats foo()", "Syntax", 10, "unknown stats function")
    check('team.unit:~"(?=x)"', "Syntax", 11, "lookaround")
  })

  it("unsupported LogsQL", () => {
    check("* | uniq by (team.unit)", "Unsupported", 4, "pipe uniq")
    check("* | stats median(x)", "Unsupported", 10, "median")
    check("_msg:contains_all(a, b)", "Unsupported", 5, "contains_all")
    check("_time:day_range[08:00, 18:00)", "Unsupported", 6, "day_range")
    check("* | stats count() if (x)", "Unsupported", 18, "if")
    check("x:>abc", "Unsupported", 2, "non-number")
    check("options(concurrency=1) *", "Unsupported", 0, "options")
  })

  it("a parenthesis glued to a word is an error, as in VictoriaLogs (except after -, ! and lower-case not)", () => {
    check("NOT(a)", "Syntax", 3, "missing whitespace")
    check("foo(a)", "Syntax", 3, "missing whitespace")
  })
})
