// The evaluator: an expression over a grid of timestamps [start, end] by step, every
// result a list of series holding one value (or NaN) per grid point.
import type { SampleSource } from "../../metrics/Series.ts"
import type * as Ast from "../Ast.ts"
import { evaluation, unsupported } from "../PromqlError.ts"
import { aggregate } from "./aggregate.ts"
import { binary, reversedComparison } from "./binary.ts"
import { commonFilters, pushdown } from "./pushdown.ts"
import { scalarArg, transformFunctions } from "./functions.ts"
import {
  defaultRollup,
  type Grid,
  maxSilenceIntervalMs,
  removeCounterResets,
  rollup,
  type RollupFunction,
  rollupFunctions
} from "./rollup.ts"
import { constant, NAME, type Series } from "./series.ts"

// VictoriaMetrics' -search.maxPointsPerTimeseries default.
export const maxPoints = 30_000

export interface Context {
  readonly source: SampleSource
  readonly start: number
  readonly end: number
  readonly step: number
}

export const pointsOf = (start: number, end: number, step: number): number => {
  const points = Math.floor((end - start) / step) + 1
  if (points > maxPoints) {
    throw evaluation(
      `too many points for the given step=${step}, start=${start} and end=${end}: ${points}; cannot exceed ${maxPoints}`
    )
  }
  return points
}

const grid = (ctx: Context): Grid => ({
  start: ctx.start,
  step: ctx.step,
  points: pointsOf(ctx.start, ctx.end, ctx.step)
})

const emptyRollup = (expr: Ast.Expr): Ast.Rollup => ({
  _tag: "Rollup",
  expr,
  windowMs: undefined,
  subqueryStepMs: undefined,
  offsetMs: 0,
  at: undefined
})

const float64 = (a: ArrayLike<number>): Float64Array => (a instanceof Float64Array ? a : Float64Array.from(a))

// Counter resets are removed from a copy: the source's arrays are not ours to change.
const prepare = (f: RollupFunction, values: ArrayLike<number>): Float64Array => {
  if (!f.removeResets) return float64(values)
  const copy = new Float64Array(values)
  removeCounterResets(copy)
  return copy
}

const outputLabels = (f: RollupFunction, labels: Iterable<readonly [string, string]>) => {
  const out = new Map(labels)
  if (!f.keepName) out.delete(NAME)
  return out
}

const rollupOverSelector = (
  ctx: Context,
  f: RollupFunction,
  scalars: ReadonlyArray<Float64Array>,
  selector: Ast.Selector,
  windowMs: number
): Array<Series> => {
  const g = grid(ctx)
  // The samples before the first window that the previous-sample rules may look at.
  const from = ctx.start - maxSilenceIntervalMs - Math.max(windowMs, ctx.step)
  return ctx.source.select(selector.matchers, from, ctx.end).map((s) => ({
    labels: outputLabels(f, Object.entries(s.labels)),
    values: rollup(f, scalars, float64(s.timestamps), prepare(f, s.values), g, windowMs)
  }))
}

// A subquery: the inner expression on its own grid (aligned to its step), then the rollup
// over the points it produced.
const rollupOverSubquery = (
  ctx: Context,
  f: RollupFunction,
  scalars: ReadonlyArray<Float64Array>,
  r: Ast.Rollup
): Array<Series> => {
  const g = grid(ctx)
  const step = r.subqueryStepMs !== undefined && r.subqueryStepMs > 0 ? r.subqueryStepMs : ctx.step
  const windowMs = r.windowMs ?? 0
  let start = ctx.start - windowMs - maxSilenceIntervalMs - step
  let end = ctx.end + step
  start -= start % step
  if (end % step > 0) end += step - (end % step)
  const inner = evaluate({ ...ctx, start, end, step }, r.expr)
  return inner.map((s) => {
    const timestamps: Array<number> = []
    const values: Array<number> = []
    for (let k = 0; k < s.values.length; k++) {
      const v = s.values[k]!
      if (v !== v) continue
      timestamps.push(start + k * step)
      values.push(v)
    }
    return {
      labels: outputLabels(f, s.labels),
      values: rollup(f, scalars, Float64Array.from(timestamps), prepare(f, values), g, windowMs)
    }
  })
}

const evaluateRollup = (
  ctx: Context,
  f: RollupFunction,
  scalars: ReadonlyArray<Float64Array>,
  r: Ast.Rollup
): Array<Series> => {
  if (r.at !== undefined) {
    const points = pointsOf(ctx.start, ctx.end, ctx.step)
    const atMs = r.at._tag === "Time" ? Math.trunc(r.at.seconds * 1000) : r.at._tag === "Start" ? ctx.start : ctx.end
    const atScalars = scalars.map((s) => s.subarray(0, 1))
    const once = evaluateRollup({ ...ctx, start: atMs, end: atMs }, f, atScalars, { ...r, at: undefined })
    return once.map((s) => ({ labels: s.labels, values: new Float64Array(points).fill(s.values[0]!) }))
  }
  const shifted = { ...ctx, start: ctx.start - r.offsetMs, end: ctx.end - r.offsetMs }
  if (r.expr._tag === "Selector" && r.subqueryStepMs === undefined) {
    return rollupOverSelector(shifted, f, scalars, r.expr, r.windowMs ?? 0)
  }
  return rollupOverSubquery(shifted, f, scalars, r)
}

const evaluateCall = (ctx: Context, call: Ast.Call): Array<Series> => {
  const rf = rollupFunctions[call.name]
  if (rf !== undefined) {
    if (call.args.length !== rf.scalarArgs + 1) {
      throw evaluation(`${call.name} takes ${rf.scalarArgs + 1} argument(s), got ${call.args.length}`)
    }
    const scalars = call.args.slice(0, rf.scalarArgs).map((a, i) => scalarArg(evaluate(ctx, a), i + 1))
    const arg = call.args[rf.scalarArgs]!
    const r = arg._tag === "Rollup" ? arg : emptyRollup(arg)
    const out = evaluateRollup(ctx, rf, scalars, r)
    if (call.name !== "absent_over_time") return out
    // One series: 1 where no input series had a sample in the window.
    const result = constant(pointsOf(ctx.start, ctx.end, ctx.step), 1)
    if (r.expr._tag === "Selector") {
      for (const m of r.expr.matchers) if (m.op === "=" && m.name !== NAME) result.labels.set(m.name, m.value)
    }
    for (let k = 0; k < result.values.length; k++)
      if (out.some((s) => Number.isNaN(s.values[k]!))) result.values[k] = NaN
    return [result]
  }
  const tf = transformFunctions[call.name]
  if (tf === undefined) throw unsupported(`unsupported function "${call.name}"`)
  const [min, max] = tf.arity
  if (call.args.length < min || call.args.length > max) {
    throw evaluation(
      `${call.name} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${call.args.length}`
    )
  }
  const args = call.args.map((a, i) => {
    if (!tf.stringArgs.includes(i)) return evaluate(ctx, a)
    if (a._tag !== "StringLiteral") throw evaluation(`argument ${i + 1} of ${call.name} must be a string literal`)
    return a.value
  })
  return tf.apply(args, {
    points: pointsOf(ctx.start, ctx.end, ctx.step),
    timestamp: (k) => ctx.start + k * ctx.step,
    argExprs: call.args
  })
}

const isSelectorRollup = (e: Ast.Expr) =>
  e._tag === "Selector" || (e._tag === "Rollup" && e.expr._tag === "Selector" && e.subqueryStepMs === undefined)

// A selector, or a rollup function over one (not over a subquery).
const isDirectRollup = (e: Ast.Expr): boolean => {
  if (isSelectorRollup(e)) return true
  if (e._tag !== "Call") return false
  const f = rollupFunctions[e.name]
  const arg = f === undefined ? undefined : e.args[f.scalarArgs]
  return arg !== undefined && isSelectorRollup(arg)
}

const isTimeCall = (e: Ast.Expr) => e._tag === "Call" && e.name === "time" && e.args.length === 0

export const evaluate = (ctx: Context, expr: Ast.Expr): Array<Series> => {
  switch (expr._tag) {
    case "NumberLiteral":
      return [constant(pointsOf(ctx.start, ctx.end, ctx.step), expr.value)]
    case "StringLiteral": {
      const s = constant(pointsOf(ctx.start, ctx.end, ctx.step), NaN)
      s.labels.set(NAME, expr.value)
      return [s]
    }
    case "Selector":
      return evaluateRollup(ctx, defaultRollup, [], emptyRollup(expr))
    case "Rollup":
      return evaluateRollup(ctx, defaultRollup, [], expr)
    case "Call":
      return evaluateCall(ctx, expr)
    case "Aggregate": {
      const param = expr.param === undefined ? undefined : scalarArg(evaluate(ctx, expr.param), 1)
      return aggregate(expr.op, evaluate(ctx, expr.expr), expr.grouping, param, isDirectRollup(expr.expr))
    }
    case "Binary": {
      // `1 < x` reads as `x > 1`, so the comparison keeps the vector's values.
      const swap =
        reversedComparison[expr.op] !== undefined &&
        (expr.left._tag === "NumberLiteral" || isTimeCall(expr.left)) &&
        expr.right._tag !== "NumberLiteral"
      const b: Ast.Binary = swap
        ? { ...expr, op: reversedComparison[expr.op]!, left: expr.right, right: expr.left }
        : expr
      // One side first (the right one for `and`), then the other narrowed by the labels
      // the first one's series share (not for `or`), as VictoriaMetrics does.
      const rightFirst = b.op === "and"
      const first = evaluate(ctx, rightFirst ? b.right : b.left)
      const otherExpr = rightFirst ? b.left : b.right
      const other = evaluate(ctx, b.op === "or" ? otherExpr : pushdown(otherExpr, commonFilters(first, b.matching)))
      return rightFirst ? binary(b, other, first) : binary(b, first, other)
    }
  }
}
