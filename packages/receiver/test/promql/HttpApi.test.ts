import { assert, describe, it } from "@effect/vitest"
import * as HttpApi from "../../src/promql/HttpApi.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"

const T0 = 1_700_000_000_000
const now = T0 + 3_600_000
const source = MemorySource.make([
  { labels: { __name__: "up", job: "a" }, timestamps: [T0, T0 + 15_000], values: [1, 0.5] },
  { labels: { __name__: "up", job: "b" }, timestamps: [T0], values: [2] },
  { labels: { __name__: "other", zone: "z" }, timestamps: [T0 - 86_400_000], values: [3] }
])
const params = (entries: Record<string, string> | Array<[string, string]>) => new URLSearchParams(entries)

describe("HttpApi", () => {
  it("formats values as VictoriaMetrics does", () => {
    const cases: Array<[number, string]> = [
      [NaN, "NaN"],
      [Infinity, "+Inf"],
      [-Infinity, "-Inf"],
      [1, "1"],
      [-0, "0"],
      [1.5, "1.5"],
      [0.1 + 0.2, "0.30000000000000004"],
      [1e21, "1000000000000000000000"],
      [1.5e-7, "0.00000015"],
      [-2.5e22, "-25000000000000000000000"]
    ]
    for (const [v, text] of cases) assert.strictEqual(HttpApi.formatValue(v), text, String(v))
  })

  it("reads times as Unix seconds, RFC 3339 or a duration before now", () => {
    const t = (v: string) => HttpApi.parseTime(params({ time: v }), "time", now, now)
    assert.strictEqual(t("1700000000.123"), 1_700_000_000_123)
    assert.strictEqual(t("2023-11-14T22:13:20Z"), 1_700_000_000_000)
    assert.strictEqual(t("2023-11-14T23:13:20.5+01:00"), 1_700_000_000_500)
    assert.strictEqual(t("5m"), now - 300_000)
    assert.strictEqual(t("-1h"), now - 3_600_000)
    // Missing: now, cut to whole seconds.
    assert.strictEqual(HttpApi.parseTime(params({}), "time", now + 999, now), now)
    assert.throws(() => t("yesterday"), /cannot parse "time"="yesterday"/)
  })

  it("reads durations as seconds or with units, and refuses non-positive ones", () => {
    const d = (v: string) => HttpApi.parseDuration(params({ step: v }), "step", 1)
    assert.strictEqual(d("15"), 15_000)
    assert.strictEqual(d("0.5"), 500)
    assert.strictEqual(d("1m"), 60_000)
    assert.strictEqual(d("1h30m"), 5_400_000)
    assert.strictEqual(d("250ms"), 250)
    assert.throws(() => d("0"), /out of allowed range/)
    assert.throws(() => d("fast"), /cannot parse "step"="fast"/)
  })

  it("answers an instant query with a vector", () => {
    const r = HttpApi.query(source, params({ query: "up", time: String((T0 + 20_000) / 1000) }), now)
    assert.strictEqual(r.status, 200)
    assert.strictEqual(
      r.body,
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"__name__":"up","job":"a"},"value":[1700000020,"0.5"]},' +
        '{"metric":{"__name__":"up","job":"b"},"value":[1700000020,"2"]}]}}'
    )
  })

  it("answers a range query with a matrix", () => {
    const r = HttpApi.queryRange(
      source,
      params({ query: 'up{job="a"} * 2', start: String(T0 / 1000), end: String((T0 + 30_000) / 1000), step: "15s" }),
      now
    )
    assert.strictEqual(
      r.body,
      '{"status":"success","data":{"resultType":"matrix","result":[' +
        '{"metric":{"job":"a"},"values":[[1700000000,"2"],[1700000015,"1"],[1700000030,"1"]]}]}}'
    )
  })

  it("answers errors with status 422", () => {
    for (const r of [
      HttpApi.query(source, params({}), now),
      HttpApi.query(source, params({ query: "sum(" }), now),
      HttpApi.queryRange(source, params({ query: "up", step: "-1" }), now),
      HttpApi.series(source, params({}), now)
    ]) {
      assert.strictEqual(r.status, 422)
      const body = JSON.parse(r.body) as { status: string; errorType: string; error: string }
      assert.strictEqual(body.status, "error")
      assert.strictEqual(body.errorType, "422")
      assert.isNotEmpty(body.error)
    }
    assert.strictEqual(JSON.parse(HttpApi.series(source, params({}), now).body).error, "missing `match[]` arg")
  })

  it("lists series, label names and label values", () => {
    const range = { start: String((T0 - 60_000) / 1000), end: String(now / 1000) }
    const series = HttpApi.series(
      source,
      params([
        ["match[]", "up"],
        ["match[]", '{job="b"}'],
        ["start", range.start],
        ["end", range.end]
      ]),
      now
    )
    assert.deepStrictEqual(JSON.parse(series.body).data, [
      { __name__: "up", job: "a" },
      { __name__: "up", job: "b" }
    ])
    // Label endpoints default to all time; series to the last five minutes.
    assert.deepStrictEqual(JSON.parse(HttpApi.labels(source, params({}), now).body).data, ["__name__", "job", "zone"])
    assert.deepStrictEqual(JSON.parse(HttpApi.labelValues(source, "job", params({}), now).body).data, ["a", "b"])
    assert.deepStrictEqual(JSON.parse(HttpApi.labelValues(source, "__name__", params(range), now).body).data, ["up"])
    assert.deepStrictEqual(JSON.parse(HttpApi.series(source, params({ "match[]": "up" }), now).body).data, [])
  })
})
