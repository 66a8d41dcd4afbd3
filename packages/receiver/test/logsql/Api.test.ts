// The HTTP endpoints' parameters and answers, in VictoriaLogs' shapes (app/vlselect/logsql).
import { assert, describe, it } from "@effect/vitest"
import { LogsQLApi } from "@gastown-otel/receiver"
import type { LogRow } from "../../src/logs/LogRow.ts"
import { formatTime } from "../../src/logsql/internal/time.ts"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import { row } from "../support/VictoriaLogsRows.ts"

const second = 1_000_000_000n
const now = 1_700_000_000n * second
const at = (back: number) => now - BigInt(back) * second

// Ten records one second apart, the newest one second before now: two apps, a `level` on some.
const rows: ReadonlyArray<LogRow> = Array.from({ length: 10 }, (_, i) =>
  row(at(i + 1), { "app.name": i % 3 === 0 ? "db" : "api", "dc.zone": "z1" }, i % 2 === 0 ? "even" : "odd", {
    n: String(i + 1),
    ...(i < 4 ? { level: i < 2 ? "error" : "info" } : {})
  })
)
const source = MemoryLogSource.make(rows)

const call = (endpoint: keyof typeof LogsQLApi.handlers, params: Record<string, string | ReadonlyArray<string>>) => {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) for (const x of typeof v === "string" ? [v] : v) search.append(k, x)
  const r = LogsQLApi.handlers[endpoint]!(search, source, now)
  if (r._tag !== "Response") assert.fail("expected a complete response")
  return r
}
const lines = (body: string) =>
  body
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, string>)
const ns = (line: Record<string, string>) => Number(line["n"])

describe("/select/logsql/query", () => {
  it("answers JSON lines with every non-empty field in name order", () => {
    const r = call("/select/logsql/query", { query: "*" })
    assert.strictEqual(r.status, 200)
    assert.strictEqual(r.headers["Content-Type"], "application/stream+json")
    const out = lines(r.body)
    assert.strictEqual(out.length, 10)
    const first = out.find((l) => ns(l) === 1)!
    assert.deepStrictEqual(Object.keys(first), [
      "_msg",
      "_stream",
      "_stream_id",
      "_time",
      "app.name",
      "dc.zone",
      "level",
      "n"
    ])
    assert.deepStrictEqual(first["_stream"], '{app.name="db",dc.zone="z1"}')
    assert.strictEqual(first["_time"], formatTime(at(1)))
    assert.notProperty(
      out.find((l) => ns(l) === 10),
      "level"
    )
  })

  it("limit gives the newest records, newest first; offset skips; pipes that reorder are kept", () => {
    assert.deepStrictEqual(lines(call("/select/logsql/query", { query: "*", limit: "3" }).body).map(ns), [1, 2, 3])
    assert.deepStrictEqual(
      lines(call("/select/logsql/query", { query: "odd", limit: "2", offset: "1" }).body).map(ns),
      [4, 6]
    )
    assert.deepStrictEqual(
      lines(call("/select/logsql/query", { query: "* | sort by (n) desc", limit: "2" }).body).map(ns),
      [10, 9]
    )
  })

  it("start is inclusive, end exclusive; times as Unix seconds, RFC 3339 or durations back from now", () => {
    const range = (start: string, end: string) =>
      lines(call("/select/logsql/query", { query: "*", start, end }).body)
        .map(ns)
        .toSorted((a, b) => a - b)
    assert.deepStrictEqual(range(String(at(4) / second), String(at(2) / second)), [3, 4])
    assert.deepStrictEqual(range(formatTime(at(4)), formatTime(at(2))), [3, 4])
    assert.deepStrictEqual(range("3s", "now"), [1, 2, 3])
    assert.deepStrictEqual(range(String(at(4) / 1_000_000n), String(at(2) / 1_000_000n)), [3, 4])
  })

  it("relative _time filters count back from end (or time)", () => {
    const got = lines(call("/select/logsql/query", { query: "_time:2s", end: String(at(4) / second) }).body).map(ns)
    assert.deepStrictEqual(
      got.toSorted((a, b) => a - b),
      [5, 6]
    )
  })

  it("extra_filters and extra_stream_filters, as LogsQL or JSON", () => {
    const count = (params: Record<string, string | ReadonlyArray<string>>) =>
      lines(call("/select/logsql/query", { query: "*", ...params }).body).length
    assert.strictEqual(count({ extra_filters: "level:error" }), 2)
    assert.strictEqual(count({ extra_filters: '{"level":["error","info"]}' }), 4)
    assert.strictEqual(count({ extra_filters: ['{"level":"info"}', "even"] }), 1)
    assert.strictEqual(count({ extra_stream_filters: '{"app.name":"db"}' }), 4)
    assert.strictEqual(count({ extra_stream_filters: '{app.name="api"}' }), 6)
  })

  it("stats and fields pipes fix the order of fields", () => {
    const stats = call("/select/logsql/query", { query: "* | stats by (app.name) count() c, max(n)" }).body
    for (const line of stats.split("\n").filter((l) => l !== "")) {
      assert.deepStrictEqual(Object.keys(JSON.parse(line)), ["app.name", "c", "max(n)"])
    }
    assert.deepStrictEqual(
      lines(stats)
        .map((l) => [l["app.name"], l["c"], l["max(n)"]])
        .toSorted(),
      [
        ["api", "6", "9"],
        ["db", "4", "10"]
      ]
    )
    const fields = call("/select/logsql/query", { query: "* | fields n, _msg", limit: "1" }).body
    assert.strictEqual(fields, '{"n":"1","_msg":"even"}\n')
  })

  it("a bad query or parameter is a 400 naming it", () => {
    const bad = call("/select/logsql/query", { query: "foo:(" })
    assert.strictEqual(bad.status, 400)
    assert.include(bad.body, "foo:(")
    assert.include(bad.body, "position 5")
    const limit = call("/select/logsql/query", { query: "*", limit: "-1" })
    assert.strictEqual(limit.status, 400)
    assert.include(limit.body, "limit=-1")
    assert.include(call("/select/logsql/query", { query: "*", start: "yesterday" }).body, "start=yesterday")
  })
})

describe("field and stream listings", () => {
  const values = (endpoint: keyof typeof LogsQLApi.handlers, params: Record<string, string>) => {
    const r = call(endpoint, params)
    assert.strictEqual(r.status, 200, r.body)
    assert.strictEqual(r.headers["Content-Type"], "application/json")
    return (JSON.parse(r.body) as { values: Array<{ value: string; hits: number }> }).values
  }

  it("field_names: every field of the matching records with its count, most frequent first", () => {
    assert.deepStrictEqual(values("/select/logsql/field_names", { query: "*" }), [
      ...["_msg", "_stream", "_stream_id", "_time", "app.name", "dc.zone", "n"].map((value) => ({ value, hits: 10 })),
      { value: "level", hits: 4 }
    ])
  })

  it("field_values: values with counts, the empty value for records without the field; limit zeroes hits", () => {
    assert.deepStrictEqual(values("/select/logsql/field_values", { query: "*", field: "level" }), [
      { value: "", hits: 6 },
      { value: "error", hits: 2 },
      { value: "info", hits: 2 }
    ])
    assert.deepStrictEqual(values("/select/logsql/field_values", { query: "odd", field: "level", limit: "1" }), [
      { value: "", hits: 0 }
    ])
    assert.strictEqual(call("/select/logsql/field_values", { query: "*" }).status, 400)
  })

  it("streams, stream_ids, stream_field_names, stream_field_values", () => {
    assert.deepStrictEqual(values("/select/logsql/streams", { query: "*" }), [
      { value: '{app.name="api",dc.zone="z1"}', hits: 6 },
      { value: '{app.name="db",dc.zone="z1"}', hits: 4 }
    ])
    assert.deepStrictEqual(
      values("/select/logsql/stream_ids", { query: "*" }).map((v) => v.hits),
      [6, 4]
    )
    assert.deepStrictEqual(values("/select/logsql/stream_field_names", { query: "*" }), [
      { value: "app.name", hits: 10 },
      { value: "dc.zone", hits: 10 }
    ])
    assert.deepStrictEqual(values("/select/logsql/stream_field_values", { query: "even", field: "app.name" }), [
      { value: "api", hits: 3 },
      { value: "db", hits: 2 }
    ])
  })
})

describe("/select/logsql/hits", () => {
  const hits = (params: Record<string, string | ReadonlyArray<string>>) => {
    const r = call("/select/logsql/hits", params)
    assert.strictEqual(r.status, 200, r.body)
    return (
      JSON.parse(r.body) as {
        hits: Array<{ fields: Record<string, string>; timestamps: Array<string>; values: Array<number>; total: number }>
      }
    ).hits
  }

  it("counts per step bucket, empty buckets as zeros across the aligned range", () => {
    const out = hits({ query: "*", start: String(at(20) / second), end: String(now / second), step: "4s" })
    assert.strictEqual(out.length, 1)
    const [series] = out
    assert.deepStrictEqual(series!.fields, {})
    // now is a multiple of 4s: buckets start at now-20s, -16s, … -4s; the records are 1s to 10s old.
    assert.deepStrictEqual(series!.timestamps, [at(20), at(16), at(12), at(8), at(4)].map(formatTime))
    assert.deepStrictEqual(series!.values, [0, 0, 2, 4, 4])
    assert.strictEqual(series!.total, 10)
  })

  it("groups by each `field`; fields_limit keeps the biggest groups and puts the rest under {}", () => {
    const byApp = hits({
      query: "*",
      start: String(at(12) / second),
      end: String(now / second),
      step: "1h",
      field: "app.name"
    })
    assert.deepStrictEqual(
      byApp.map((h) => [h.fields, h.total]),
      [
        [{ "app.name": "api" }, 6],
        [{ "app.name": "db" }, 4]
      ]
    )
    const limited = hits({ query: "*", step: "1h", field: ["level"], fields_limit: "1" })
    assert.deepStrictEqual(
      limited.map((h) => [h.fields, h.total]),
      [
        [{ level: "" }, 6],
        [{}, 4]
      ]
    )
  })
})

describe("stats endpoints", () => {
  it("stats_query: an instant vector, one sample per result column, labelled by the by fields", () => {
    const r = call("/select/logsql/stats_query", {
      query: "* | stats by (app.name) count() c, sum(n)",
      time: String(now / second)
    })
    assert.strictEqual(r.status, 200, r.body)
    const body = JSON.parse(r.body)
    assert.strictEqual(body.status, "success")
    assert.strictEqual(body.data.resultType, "vector")
    const t = Number(now / second)
    assert.sameDeepMembers(body.data.result, [
      { metric: { __name__: "c", "app.name": "api" }, value: [t, "6"] },
      { metric: { __name__: "sum(n)", "app.name": "api" }, value: [t, "33"] },
      { metric: { __name__: "c", "app.name": "db" }, value: [t, "4"] },
      { metric: { __name__: "sum(n)", "app.name": "db" }, value: [t, "22"] }
    ])
  })

  it("stats_query_range: a matrix with a point per step bucket", () => {
    const r = call("/select/logsql/stats_query_range", {
      query: "* | stats by (app.name) count()",
      start: String(at(12) / second),
      end: String(now / second),
      step: "4s"
    })
    assert.strictEqual(r.status, 200, r.body)
    const body = JSON.parse(r.body)
    assert.strictEqual(body.data.resultType, "matrix")
    const seconds = (back: number) => Number(at(back) / second)
    assert.deepStrictEqual(body.data.result, [
      {
        metric: { __name__: "count(*)", "app.name": "api" },
        values: [
          [seconds(12), "1"],
          [seconds(8), "3"],
          [seconds(4), "2"]
        ]
      },
      {
        metric: { __name__: "count(*)", "app.name": "db" },
        values: [
          [seconds(12), "1"],
          [seconds(8), "1"],
          [seconds(4), "2"]
        ]
      }
    ])
  })

  it("answer errors in Prometheus' shape", () => {
    const r = call("/select/logsql/stats_query", { query: "*" })
    assert.strictEqual(r.status, 422)
    const body = JSON.parse(r.body)
    assert.strictEqual(body.status, "error")
    assert.include(body.error, "stats pipe")
  })
})

describe("/select/logsql/tail", () => {
  it("sends recent history, then each new record once, oldest first", () => {
    const live = MemoryLogSource.make(rows)
    const stream = LogsQLApi.tail(new URLSearchParams({ query: "odd", start_offset: "5s" }), live, now + second)
    if (stream._tag !== "TailStream") assert.fail(stream.body)
    assert.strictEqual(stream.headers["Content-Type"], "application/x-ndjson")
    // History: the window ends `offset` (1s) before now and reaches 5s back.
    assert.deepStrictEqual(lines(stream.poll(now + 2n * second)).map(ns), [4, 2])
    assert.strictEqual(stream.poll(now + 3n * second), "")
    live.add([row(now + second, { "app.name": "api", "dc.zone": "z1" }, "odd", { n: "0" })])
    live.add([row(now + second, { "app.name": "api", "dc.zone": "z1" }, "even", { n: "-1" })])
    assert.deepStrictEqual(lines(stream.poll(now + 4n * second)).map(ns), [0])
    assert.strictEqual(stream.poll(now + 5n * second), "")
  })

  it("refuses queries VictoriaLogs cannot live-tail", () => {
    const r = LogsQLApi.tail(new URLSearchParams({ query: "* | limit 1" }), source, now)
    assert.strictEqual(r._tag, "Response")
    if (r._tag === "Response") {
      assert.strictEqual(r.status, 400)
      assert.include(r.body, "limit")
    }
  })
})
