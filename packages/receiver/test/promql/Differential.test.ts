// The engine against the real VictoriaMetrics (1.79.5, the oracle): both get the same
// generated telemetry and answer the same queries through the same HTTP API; the answers
// must agree. (a) every dashboard query, with Grafana's variables substituted as Grafana
// does; (b) generated queries (functions, aggregations, groupings, operators, offsets,
// windows, instants and steps). PROMQL_FUZZ_RUNS sets how many (b) runs (default 300),
// PROMQL_FUZZ_SEED their seed, PROMQL_DATA_SEED the data's.
import { assert, layer } from "@effect/vitest"
import { Dashboards, Queries } from "@gastown-otel/stack"
import { Arbitrary, Context, Effect, Layer } from "effect"
import * as HttpApi from "../../src/promql/HttpApi.ts"
import * as MemorySource from "../../src/promql/MemorySource.ts"
import { compare, key } from "../support/Compare.ts"
import { generate } from "../support/Generate.ts"
import * as Grafana from "../support/Grafana.ts"
import { build, type Case, choices } from "../support/QueryGen.ts"
import * as VictoriaMetrics from "../support/VictoriaMetrics.ts"

const hour = 3_600_000
// Two hours of data ending a whole hour before now: inside VictoriaMetrics' retention and
// far from "now", where it would hold back the freshest points.
const endMs = Math.floor(Date.now() / hour) * hour - hour
const dataset = generate(Number(process.env["PROMQL_DATA_SEED"] ?? 20261130), endMs - 2 * hour, endMs)
const source = MemorySource.make(dataset.series)
const nowMs = Date.now()

class Oracle extends Context.Service<Oracle, VictoriaMetrics.Shape>()("test/Oracle") {}

const fed = Layer.effect(
  Oracle,
  Effect.gen(function* () {
    const vm = yield* VictoriaMetrics.VictoriaMetrics
    yield* vm.import(dataset.series)
    return vm
  })
).pipe(Layer.provide(VictoriaMetrics.layer))

interface Tally {
  compared: number
  withData: number
  errors: number
  knifeEdges: number
}

const ask = (vm: VictoriaMetrics.Shape, path: string, params: URLSearchParams) =>
  Effect.gen(function* () {
    const theirs = yield* vm.get(path, params)
    const ours =
      path === "/api/v1/query"
        ? HttpApi.query(source, params, nowMs)
        : path === "/api/v1/query_range"
          ? HttpApi.queryRange(source, params, nowMs)
          : path === "/api/v1/series"
            ? HttpApi.series(source, params, nowMs)
            : path === "/api/v1/labels"
              ? HttpApi.labels(source, params, nowMs)
              : HttpApi.labelValues(source, path.split("/")[4]!, params, nowMs)
    return { ours: { status: ours.status, json: JSON.parse(ours.body) as unknown }, theirs }
  })

const hasData = (json: unknown) => {
  const data = (json as { data?: unknown }).data
  return Array.isArray(data) ? data.length > 0 : ((data as { result?: Array<unknown> })?.result?.length ?? 0) > 0
}

// `histogram_quantile(φ, buckets)` jumps from one bucket bound to the next where φ times
// the count equals a bucket's count exactly. VictoriaMetrics sums the buckets' series in
// parallel, in no fixed order, so its sums may differ from ours in the last bit and land
// on the other side. Such points (φ × count within 1e-12 of a bucket, in our own sums) are
// excused, and counted.
const knifeEdges = (path: string, params: URLSearchParams, tally: Tally) => {
  const m = /^histogram_quantile\(([0-9.]+), (.*)\)$/.exec(params.get("query") ?? "")
  if (m === null) return undefined
  const phi = Number(m[1])
  const inner = new URLSearchParams(params)
  inner.set("query", m[2]!)
  type Buckets = Array<{ metric: Record<string, string>; values?: Array<[number, string]>; value?: [number, string] }>
  let series: Buckets | undefined
  // Our own bucket sums, evaluated only when a point differs.
  const buckets = (): Buckets => {
    const answer =
      path === "/api/v1/query" ? HttpApi.query(source, inner, nowMs) : HttpApi.queryRange(source, inner, nowMs)
    series ??= (JSON.parse(answer.body) as { data: { result: Buckets } }).data.result
    return series
  }
  return (k: string, t: number) => {
    const values = buckets()
      .filter((s) => key(Object.fromEntries(Object.entries(s.metric).filter(([n]) => n !== "le"))) === k)
      .map((s) => Number((s.values ?? [s.value!]).find(([ts]) => ts === t)?.[1] ?? NaN))
      .filter((v) => !Number.isNaN(v))
    const wanted = phi * Math.max(...values)
    const edge = values.some((v) => Math.abs(v - wanted) <= 1e-12 * wanted)
    if (edge) tally.knifeEdges++
    return edge
  }
}

const check = (vm: VictoriaMetrics.Shape, path: string, params: URLSearchParams, ranked: boolean, tally: Tally) =>
  Effect.gen(function* () {
    const { ours, theirs } = yield* ask(vm, path, params)
    tally.compared++
    if (theirs.status !== 200) tally.errors++
    else if (hasData(theirs.json)) tally.withData++
    const diffs = compare(ours.json, theirs.json, { ranked, tolerate: knifeEdges(path, params, tally) })
    if (ours.status !== theirs.status) diffs.unshift(`HTTP ${ours.status} vs ${theirs.status}`)
    return diffs
  })

const seconds = (ms: number) => String(ms / 1000)

const caseParams = (c: Case): { path: string; params: URLSearchParams } =>
  c.mode._tag === "instant"
    ? {
        path: "/api/v1/query",
        params: new URLSearchParams({
          query: c.query,
          time: seconds(c.mode.timeMs),
          ...(c.mode.stepMs === undefined ? {} : { step: seconds(c.mode.stepMs) })
        })
      }
    : {
        path: "/api/v1/query_range",
        params: new URLSearchParams({
          query: c.query,
          start: seconds(c.mode.startMs),
          end: seconds(c.mode.endMs),
          step: seconds(c.mode.stepMs)
        })
      }

// Dashboard variable selections: all "All", one value, several values.
const selections = (): ReadonlyArray<Grafana.PanelRequest["variables"]> => {
  const values = (v: Queries.Variable) => dataset.labelValues.get(v.label) ?? []
  const all = Object.fromEntries(Queries.variables.map((v) => [v.name, "All" as const]))
  const [rig, role, agent] = Queries.variables
  return [
    all,
    { ...all, [rig!.name]: values(rig!).slice(0, 1) },
    { ...all, [rig!.name]: values(rig!), [agent!.name]: values(agent!).slice(0, 1) },
    { ...all, [role!.name]: values(role!).slice(-2) }
  ]
}

const panelExprs = (): ReadonlyArray<string> =>
  Dashboards.all().flatMap((d) =>
    (d["panels"] as ReadonlyArray<{ type: string; targets?: ReadonlyArray<{ expr: string }> }>)
      .filter((p) => p.type === "timeseries")
      .flatMap((p) => (p.targets ?? []).map((t) => t.expr))
  )

layer(fed, { timeout: "120 seconds", excludeTestServices: true })("PromQL against VictoriaMetrics 1.79.5", (it) => {
  it.effect("the oracle is the expected release", () =>
    Effect.gen(function* () {
      const vm = yield* Oracle
      assert.match(vm.version, /^1\.79\.5\b/)
    })
  )

  it.effect(
    "every dashboard query, with Grafana's variables, answers as VictoriaMetrics does",
    () =>
      Effect.gen(function* () {
        const vm = yield* Oracle
        const tally: Tally = { compared: 0, withData: 0, errors: 0, knifeEdges: 0 }
        const failures: Array<string> = []
        const exprs = panelExprs()
        assert.isAbove(exprs.length, 20)
        const windows = [
          { fromMs: dataset.startMs, toMs: dataset.endMs, maxDataPoints: 1200 },
          { fromMs: dataset.endMs - hour, toMs: dataset.endMs + 5 * 60_000, maxDataPoints: 300 },
          { fromMs: dataset.startMs + 20 * 60_000, toMs: dataset.startMs + 50 * 60_000, maxDataPoints: 800 }
        ]
        for (const w of windows) {
          for (const variables of selections()) {
            for (const expr of exprs) {
              const r = Grafana.request(expr, { ...w, variables, allValue: Queries.allValue })
              const params = new URLSearchParams({
                query: r.query,
                start: seconds(r.startMs),
                end: seconds(r.endMs),
                step: seconds(r.stepMs)
              })
              const diffs = yield* check(vm, "/api/v1/query_range", params, false, tally)
              if (diffs.length > 0)
                failures.push(`${r.query} [${r.startMs}..${r.endMs} by ${r.stepMs}]: ${diffs.join("; ")}`)
            }
            // The variables' own queries: label values over the dashboard's range.
            for (const v of Queries.variables) {
              const params = new URLSearchParams({ start: seconds(w.fromMs), end: seconds(w.toMs) })
              const diffs = yield* check(vm, `/api/v1/label/${v.label}/values`, params, false, tally)
              if (diffs.length > 0) failures.push(`${Queries.labelValues(v)}: ${diffs.join("; ")}`)
            }
          }
        }
        for (const params of [
          new URLSearchParams({ start: seconds(dataset.startMs), end: seconds(dataset.endMs) }),
          new URLSearchParams([
            ["match[]", dataset.counters[0]!],
            ["start", seconds(dataset.startMs)],
            ["end", seconds(dataset.endMs)]
          ])
        ]) {
          for (const path of ["/api/v1/labels", "/api/v1/series"]) {
            if (path === "/api/v1/series" && !params.has("match[]")) continue
            const diffs = yield* check(vm, path, params, false, tally)
            if (diffs.length > 0) failures.push(`${path}?${params}: ${diffs.join("; ")}`)
          }
        }
        console.info(
          `dashboard differential: ${tally.compared} requests, ${tally.withData} with data, ${tally.errors} errors, ${tally.knifeEdges} histogram knife edges`
        )
        assert.deepStrictEqual(failures, [])
        // Not a vacuous agreement: most dashboard queries return data and none fails.
        assert.strictEqual(tally.errors, 0)
        assert.isAbove(tally.withData, tally.compared * 0.6)
      }),
    120_000
  )

  it.effect(
    "generated queries answer as VictoriaMetrics does",
    () =>
      Effect.gen(function* () {
        const vm = yield* Oracle
        const runs = Number(process.env["PROMQL_FUZZ_RUNS"] ?? 300)
        const tally: Tally = { compared: 0, withData: 0, errors: 0, knifeEdges: 0 }
        const property = (genome: ReadonlyArray<number>) => {
          const c = build(dataset, genome)
          const { path, params } = caseParams(c)
          return check(vm, path, params, c.ranked, tally).pipe(Effect.map((diffs) => diffs.length === 0))
        }
        const result = yield* Arbitrary.checkEffect(choices, property, {
          runs,
          // The choices are integers read modulo the number of alternatives: let them be big.
          size: 1_000_000,
          seed: Number(process.env["PROMQL_FUZZ_SEED"] ?? 7),
          maxShrinks: 200
        })
        console.info(
          `generated differential: ${tally.compared} requests, ${tally.withData} with data, ${tally.errors} errors, ${tally.knifeEdges} histogram knife edges`
        )
        if (result._tag === "Falsified") {
          const c = build(dataset, result.shrunkInput)
          const { path, params } = caseParams(c)
          const diffs = yield* check(vm, path, params, c.ranked, tally)
          assert.fail(`${path}?${params}\n${c.query}\n${diffs.join("\n")}`)
        }
        assert.strictEqual(result._tag, "Passed")
        assert.isAbove(tally.withData, tally.compared * 0.5)
      }),
    600_000
  )
})
