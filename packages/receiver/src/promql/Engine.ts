/**
 * Evaluates PromQL over a {@link SampleSource} the way VictoriaMetrics 1.79 does, checked
 * against it by a differential test:
 *
 * - an instant query is a one-point range query; a bare selector at time t takes the last
 *   sample in (t - step, t], the step being 5 minutes unless given, widened to the series'
 *   sample spacing when shorter (there are no staleness markers);
 * - a rollup window (t - w, t] starts from the sample just before it when that one is
 *   recent: `increase` is the last value minus that sample (no extrapolation; a series
 *   first seen in the window counts from zero), `rate` divides by the time between them;
 *   counter resets are removed first (a drop of less than an eighth as a partial reset);
 * - aggregations, vector matching and set operators work on whole series, and a series
 *   without labels acts as a scalar;
 * - label filters common to one side of a binary operation are pushed to the other;
 * - results are sorted by labels (topk/bottomk keep their ranking); NaN points are left out.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Labels, SampleSource } from "../metrics/Series.ts"
import type * as Ast from "./Ast.ts"
import { parseOrThrow } from "./Parser.ts"
import { evaluation, PromqlError } from "./PromqlError.ts"
import { evaluate, pointsOf } from "./internal/eval.ts"
import { optimize } from "./internal/pushdown.ts"
import { compareLabels, describe, hasValue, type LabelMap, type Series, signature } from "./internal/series.ts"

/**
 * The step of an instant query when none is given, and the range query's end when its
 * start is after its end: five minutes, as in VictoriaMetrics.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultStepMs = 5 * 60 * 1000

/**
 * One series of an instant query's result.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sample {
  readonly labels: Labels
  readonly timeMs: number
  readonly value: number
}

/**
 * One series of a range query's result: its points with a value, oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Points {
  readonly labels: Labels
  readonly timestampsMs: ReadonlyArray<number>
  readonly values: ReadonlyArray<number>
}

/**
 * What a query returns: a vector (instant query) or a matrix (range query, or an instant
 * query of `selector[window]`).
 *
 * @since 0.1.0
 * @category models
 */
export type Result =
  | { readonly resultType: "vector"; readonly result: ReadonlyArray<Sample> }
  | { readonly resultType: "matrix"; readonly result: ReadonlyArray<Points> }

/**
 * @since 0.1.0
 * @category models
 */
export interface InstantOptions {
  readonly timeMs: number
  /** The window of a bare selector and the default window of rollups; 5 minutes by default. */
  readonly stepMs?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RangeOptions {
  readonly startMs: number
  readonly endMs: number
  readonly stepMs: number
}

const toLabels = (labels: LabelMap): Labels =>
  Object.fromEntries([...labels.entries()].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

// Results are sorted by labels, except for topk/bottomk whose order is their ranking.
const finish = (expr: Ast.Expr, series: ReadonlyArray<Series>): Array<Series> => {
  const kept = series.filter(hasValue)
  const seen = new Set<string>()
  for (const s of kept) {
    const key = signature(s.labels)
    if (seen.has(key)) throw evaluation(`duplicate output timeseries: ${describe(s.labels)}`)
    seen.add(key)
  }
  const ranked = expr._tag === "Aggregate" && (expr.op === "topk" || expr.op === "bottomk")
  return ranked ? kept : kept.toSorted((a, b) => compareLabels(a.labels, b.labels))
}

// The query as VictoriaMetrics evaluates it: parsed, then optimized (label filters pushed
// across binary operations, which can change answers; see internal/pushdown.ts).
const prepare = (query: string): Ast.Expr => optimize(parseOrThrow(query))

const matrix = (series: ReadonlyArray<Series>, startMs: number, stepMs: number): Result => ({
  resultType: "matrix",
  result: series.map((s) => {
    const timestampsMs: Array<number> = []
    const values: Array<number> = []
    for (let k = 0; k < s.values.length; k++) {
      const v = s.values[k]!
      if (v !== v) continue
      timestampsMs.push(startMs + k * stepMs)
      values.push(v)
    }
    return { labels: toLabels(s.labels), timestampsMs, values }
  })
})

const evaluateRange = (source: SampleSource, expr: Ast.Expr, options: RangeOptions): Result => {
  const { startMs, stepMs } = options
  if (!(stepMs > 0)) throw evaluation(`step must be positive, got ${stepMs}ms`)
  const endMs = startMs > options.endMs ? startMs + defaultStepMs : options.endMs
  pointsOf(startMs, endMs, stepMs)
  return matrix(finish(expr, evaluate({ source, start: startMs, end: endMs, step: stepMs }, expr)), startMs, stepMs)
}

/**
 * Runs a range query, throwing a `PromqlError`: for synchronous callers such as the HTTP
 * handlers.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const rangeOrThrow = (source: SampleSource, query: string, options: RangeOptions): Result =>
  evaluateRange(source, prepare(query), options)

/**
 * Runs an instant query, throwing a `PromqlError`.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const instantOrThrow = (source: SampleSource, query: string, options: InstantOptions): Result => {
  const expr = prepare(query)
  const step = options.stepMs ?? defaultStepMs
  if (!(step > 0)) throw evaluation(`step must be positive, got ${step}ms`)
  const t = options.timeMs
  if (expr._tag === "Rollup" && expr.windowMs !== undefined && expr.at === undefined) {
    const end = t - expr.offsetMs
    // `selector[5m]` answers the raw samples of the window, as Prometheus does.
    if (expr.expr._tag === "Selector" && expr.subqueryStepMs === undefined && expr.expr.matchers.length > 0) {
      const samples = source.select(expr.expr.matchers, end - expr.windowMs + 1, end)
      const result = samples
        .filter((s) => s.timestamps.length > 0)
        .map((s) => ({ labels: s.labels, timestampsMs: Array.from(s.timestamps), values: Array.from(s.values) }))
        .toSorted((a, b) => compareLabels(new Map(Object.entries(a.labels)), new Map(Object.entries(b.labels))))
      return { resultType: "matrix", result }
    }
    // `expr[5m:1m]` is the range query of `expr` over the window.
    const subStep = expr.subqueryStepMs !== undefined && expr.subqueryStepMs > 0 ? expr.subqueryStepMs : step
    return evaluateRange(source, expr.expr, { startMs: end - expr.windowMs, endMs: end, stepMs: subStep })
  }
  const series = finish(expr, evaluate({ source, start: t, end: t, step }, expr))
  return {
    resultType: "vector",
    result: series.map((s) => ({ labels: toLabels(s.labels), timeMs: t, value: s.values[0]! }))
  }
}

const wrap = <A>(f: () => A): Effect.Effect<A, PromqlError> =>
  Effect.try({
    try: f,
    catch: (e) => (e instanceof PromqlError ? e : evaluation(e instanceof Error ? e.message : String(e)))
  })

/**
 * An instant query: the value of every result series at `timeMs`.
 *
 * @since 0.1.0
 * @category evaluation
 * @example
 * ```ts
 * import { Engine, MemorySource } from "@gastown-otel/receiver"
 * import { Effect } from "effect"
 *
 * const source = MemorySource.make([{ labels: { __name__: "up" }, timestamps: [0], values: [1] }])
 * const result = Effect.runSync(Engine.instant(source, "up", { timeMs: 1000 }))
 * ```
 */
export const instant = Effect.fn("Promql.instant")(function* (
  source: SampleSource,
  query: string,
  options: InstantOptions
) {
  return yield* wrap(() => instantOrThrow(source, query, options))
})

/**
 * A range query: every result series at `startMs`, `startMs + stepMs`, ... up to `endMs`.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const range = Effect.fn("Promql.range")(function* (source: SampleSource, query: string, options: RangeOptions) {
  return yield* wrap(() => rangeOrThrow(source, query, options))
})
