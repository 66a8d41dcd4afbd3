import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { SeriesSamples } from "../../src/metrics/Series.ts"
import * as Engine from "../../src/promql/Engine.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"

const T0 = 1_700_000_000_000
const s = 1000
const every15s = (values: ReadonlyArray<number>, startMs = T0): SeriesSamples => ({
  labels: {},
  timestamps: values.map((_, k) => startMs + k * 15 * s),
  values
})
const series = (labels: Record<string, string>, samples: SeriesSamples): SeriesSamples => ({ ...samples, labels })

// A counter with a full reset (15 -> 3) and a partial one (40 -> 38); VictoriaMetrics
// reads the partial drop as a reset of only the dropped part.
const source = MemorySource.make([
  series({ __name__: "c_total", job: "a" }, every15s([10, 12, 15, 3, 5, 40, 38])),
  series({ __name__: "new_total", job: "a" }, every15s([1, 2, 4], T0 + 60 * s)),
  series({ __name__: "old_total", job: "a" }, every15s([1000, 1001, 1003], T0 + 60 * s)),
  series({ __name__: "lonely_total", job: "a" }, every15s([7], T0 + 90 * s)),
  series({ __name__: "p", i: "1", g: "x" }, every15s([5])),
  series({ __name__: "p", i: "2", g: "x" }, every15s([5])),
  series({ __name__: "p", i: "3", g: "y" }, every15s([3])),
  series({ __name__: "h_bucket", le: "1" }, every15s([2])),
  series({ __name__: "h_bucket", le: "5" }, every15s([6])),
  series({ __name__: "h_bucket", le: "+Inf" }, every15s([8]))
])

const at = (query: string, timeMs: number, stepMs?: number) => {
  const r = Engine.instantOrThrow(source, query, { timeMs, stepMs })
  if (r.resultType !== "vector") return assert.fail(`${query}: ${r.resultType}`)
  return r.result.map((x) => ({ labels: x.labels, value: x.value }))
}
const one = (query: string, timeMs: number) => {
  const r = at(query, timeMs)
  assert.strictEqual(r.length, 1, `${query}: ${JSON.stringify(r)}`)
  return r[0]!.value
}
const end = T0 + 90 * s

describe("Engine", () => {
  it("increase removes counter resets and starts from the sample before the window, without extrapolating", () => {
    // Corrected counter: 10 12 15 18 20 55 55; the window (30s, 90s] starts from 15.
    assert.strictEqual(one("increase(c_total[1m])", end), 40)
    assert.closeTo(one("rate(c_total[1m])", end), 40 / 60, 1e-12)
    // irate: the last two samples (after the partial reset: 55 -> 55).
    assert.strictEqual(one("irate(c_total[1m])", end), 0)
    assert.strictEqual(one("resets(c_total[2m])", end), 2)
    assert.strictEqual(one("delta(c_total[1m])", end), 38 - 15)
  })

  it("a series that starts in the window counts from zero unless its first value is large", () => {
    assert.strictEqual(one("increase(new_total[1m])", end), 4)
    assert.strictEqual(one("increase(old_total[1m])", end), 3)
  })

  it("empty windows give no value", () => {
    // One sample and none before it: no rate.
    assert.deepStrictEqual(at("rate(lonely_total[1m])", end), [])
    assert.deepStrictEqual(at("increase(c_total[1m])", T0 - 10 * 60 * s), [])
    // A bare selector looks back one step (5 minutes by default).
    assert.strictEqual(one("c_total", end + 4 * 60 * s), 38)
    assert.deepStrictEqual(at("c_total", end + 6 * 60 * s), [])
    assert.deepStrictEqual(at("c_total", end + 6 * 60 * s, 10 * 60 * s), [
      { labels: { __name__: "c_total", job: "a" }, value: 38 }
    ])
  })

  it("handles NaN and infinities as VictoriaMetrics does", () => {
    assert.strictEqual(one("c_total / 0", end), Infinity)
    assert.deepStrictEqual(at("(c_total - c_total) / 0", end), [])
    assert.strictEqual(one("c_total == bool c_total", end), 1)
    // scalar() of several series is NaN, which an instant query leaves out.
    assert.deepStrictEqual(at("scalar(p)", end), [])
    assert.strictEqual(one("scalar(c_total) * 2", end), 76)
  })

  it("groups by and without, dropping the metric name", () => {
    assert.deepStrictEqual(at("sum by (g) (p)", end), [
      { labels: { g: "x" }, value: 10 },
      { labels: { g: "y" }, value: 3 }
    ])
    assert.deepStrictEqual(at("count without (i) (p)", end), [
      { labels: { g: "x" }, value: 2 },
      { labels: { g: "y" }, value: 1 }
    ])
    assert.deepStrictEqual(at("max(p)", end), [{ labels: {}, value: 5 }])
    assert.deepStrictEqual(at("quantile(0.5, p)", end), [{ labels: {}, value: 5 }])
  })

  it("topk and bottomk keep whole series; among equal values the first in label order wins", () => {
    assert.deepStrictEqual(at("topk(1, p)", end), [{ labels: { __name__: "p", g: "x", i: "1" }, value: 5 }])
    assert.deepStrictEqual(
      at("bottomk(2, p)", end).map((r) => r.labels["i"]),
      ["3", "1"]
    )
    assert.strictEqual(at("topk(2.9, p)", end).length, 2)
    assert.deepStrictEqual(
      at("topk by (g) (1, p)", end)
        .map((r) => r.labels["i"])
        .toSorted(),
      ["1", "3"]
    )
  })

  it("interpolates histogram quantiles within buckets", () => {
    assert.strictEqual(one("histogram_quantile(0.5, h_bucket)", end), 3)
    // Past the last finite bound: that bound.
    assert.strictEqual(one("histogram_quantile(0.9, h_bucket)", end), 5)
  })

  it("matches vectors one to one, many to one, and refuses duplicates", () => {
    assert.deepStrictEqual(at("c_total - on (job) new_total", end), [{ labels: { job: "a" }, value: 34 }])
    assert.deepStrictEqual(at('p * on (g) group_left (job) label_replace(c_total, "g", "x", "", "")', end), [
      { labels: { g: "x", i: "1", job: "a" }, value: 190 },
      { labels: { g: "x", i: "2", job: "a" }, value: 190 }
    ])
    assert.throws(() => at("p + on (g) p", end), /duplicate time series on the left side/)
  })

  it("and, or, unless", () => {
    assert.deepStrictEqual(
      at('p and on (i) p{i="2"}', end).map((r) => r.labels["i"]),
      ["2"]
    )
    assert.deepStrictEqual(
      at('p unless on (g) p{i="3"}', end).map((r) => r.labels["i"]),
      ["1", "2"]
    )
    assert.deepStrictEqual(at("sum(nothing) or vector(0)", end), [{ labels: {}, value: 0 }])
  })

  it("label_replace expands Go-style references and absent names the selector's labels", () => {
    assert.deepStrictEqual(at('label_replace(c_total, "x", "$1-$2x-${1}y", "job", "(.)")', end)[0]!.labels, {
      __name__: "c_total",
      job: "a",
      x: "a--ay"
    })
    assert.deepStrictEqual(at('absent(nothing{job="a", i=~"x"})', end), [{ labels: { job: "a" }, value: 1 }])
    assert.deepStrictEqual(at("absent(c_total)", end), [])
  })

  it("answers range queries on the step grid, leaving out points without a value", () => {
    const r = Engine.rangeOrThrow(source, "increase(c_total[30s])", { startMs: T0, endMs: end, stepMs: 30 * s })
    assert.strictEqual(r.resultType, "matrix")
    const [points] = r.result as ReadonlyArray<Engine.Points>
    assert.deepStrictEqual(points!.timestampsMs, [T0, T0 + 30 * s, T0 + 60 * s, T0 + 90 * s])
    // At T0 the window holds only the first sample, 10, small against ten times its growth
    // to the next sample (2) plus one: the counter counts from zero.
    assert.deepStrictEqual(points!.values, [10, 5, 5, 35])
  })

  it("narrows the other side of a binary operation by the labels the first side shares", () => {
    // The right side alone is a label-less series (a scalar to VictoriaMetrics); narrowed
    // by job="a", which p lacks, it is empty, and so is the result.
    assert.deepStrictEqual(at("sum(p)", end), [{ labels: {}, value: 13 }])
    assert.deepStrictEqual(at("sum by (job) (c_total) - sum by (job) (p)", end), [])
    assert.deepStrictEqual(at("sum by (job) (c_total) - sum(p)", end), [{ labels: { job: "a" }, value: 25 }])
  })

  it("keeps groups without values when aggregating a rollup directly, as VictoriaMetrics' fast path does", () => {
    // sum(rate(...)) of a series without a rate is a series of NaN, which sgn turns into 0.
    assert.deepStrictEqual(at("sgn(sum(rate(lonely_total[1m])))", end), [{ labels: {}, value: 0 }])
    assert.deepStrictEqual(at("sgn(sum(rate(lonely_total[1m]) * 1))", end), [])
  })

  it("refuses unsupported queries with a typed error", () => {
    const exit = Effect.runSyncExit(Engine.instant(source, "holt_winters(c_total[5m], 0.5, 0.5)", { timeMs: end }))
    assert.isTrue(exit._tag === "Failure")
  })
})
