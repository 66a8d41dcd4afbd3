// VictoriaMetrics narrows one side of a binary operation with the label filters the other
// side is known to satisfy: statically from the query's selectors (its optimizer), and
// while evaluating, from the labels every series of the side evaluated first shares. It
// does so for speed, but it changes answers: `sum by (x) (a{x="1"}) - sum by (x) (b)`
// is empty when `b` has no `x` (the pushed `x="1"` selects nothing), where the unnarrowed
// right side would be a label-less series, which VictoriaMetrics treats as a scalar. The
// engine narrows the same way to give the same answers.
import type { Matcher } from "../../metrics/Series.ts"
import type * as Ast from "../Ast.ts"
import { NAME, type Series } from "./series.ts"

const text = (m: Matcher) => `${m.name}${m.op}${JSON.stringify(m.value)}`

const union = (a: ReadonlyArray<Matcher>, b: ReadonlyArray<Matcher>): ReadonlyArray<Matcher> => {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const seen = new Set(a.map(text))
  return [...a, ...b.filter((m) => !seen.has(text(m)))]
}

const intersect = (a: ReadonlyArray<Matcher>, b: ReadonlyArray<Matcher>): ReadonlyArray<Matcher> => {
  const inA = new Set(a.map(text))
  return a.length === 0 ? [] : b.filter((m) => inA.has(text(m)))
}

const only = (ms: ReadonlyArray<Matcher>, names: ReadonlyArray<string>) => ms.filter((m) => names.includes(m.name))
const except = (ms: ReadonlyArray<Matcher>, names: ReadonlyArray<string>) => ms.filter((m) => !names.includes(m.name))

const byMatching = (ms: ReadonlyArray<Matcher>, matching: Ast.Matching | undefined) =>
  matching === undefined ? ms : matching.mode === "on" ? only(ms, matching.labels) : except(ms, matching.labels)

const byGrouping = (ms: ReadonlyArray<Matcher>, grouping: Ast.Grouping | undefined) =>
  grouping === undefined ? [] : grouping.mode === "by" ? only(ms, grouping.labels) : except(ms, grouping.labels)

// The argument filters flow through: the series argument of a rollup or transform, never
// that of label functions, absent, scalar or vector (they change which series exist).
const seriesArgIndex = (call: Ast.Call): number => {
  switch (call.name) {
    case "absent_over_time":
    case "label_replace":
    case "absent":
    case "scalar":
    case "vector":
    case "time":
      return -1
    case "quantile_over_time":
    case "histogram_quantile":
      return 1
    default:
      return 0
  }
}

const staticFilters = (e: Ast.Expr): ReadonlyArray<Matcher> => {
  switch (e._tag) {
    case "Selector":
      return e.matchers.filter((m) => m.name !== NAME)
    case "Rollup":
      return staticFilters(e.expr)
    case "Call": {
      const arg = e.args[seriesArgIndex(e)]
      return arg === undefined ? [] : staticFilters(arg)
    }
    case "Aggregate":
      return byGrouping(staticFilters(e.expr), e.grouping)
    case "Binary": {
      const left = staticFilters(e.left)
      const right = staticFilters(e.right)
      if (e.op === "or") return byMatching(intersect(left, right), e.matching)
      if (e.op === "unless") return byMatching(left, e.matching)
      if (e.group?.side === "left") return union(left, byMatching(right, e.matching))
      if (e.group?.side === "right") return union(byMatching(left, e.matching), right)
      return byMatching(union(left, right), e.matching)
    }
    default:
      return []
  }
}

export const pushdown = (e: Ast.Expr, filters: ReadonlyArray<Matcher>): Ast.Expr => {
  if (filters.length === 0) return e
  switch (e._tag) {
    case "Selector":
      return { ...e, matchers: union(e.matchers, filters) }
    case "Rollup":
      return { ...e, expr: pushdown(e.expr, filters) }
    case "Call": {
      const index = seriesArgIndex(e)
      if (index < 0 || index >= e.args.length) return e
      return { ...e, args: e.args.map((a, i) => (i === index ? pushdown(a, filters) : a)) }
    }
    case "Aggregate":
      return { ...e, expr: pushdown(e.expr, byGrouping(filters, e.grouping)) }
    case "Binary": {
      const trimmed = byMatching(filters, e.matching)
      return { ...e, left: pushdown(e.left, trimmed), right: pushdown(e.right, trimmed) }
    }
    default:
      return e
  }
}

// The optimizer: every binary operation's sides get the filters common to the operation.
export const optimize = (e: Ast.Expr): Ast.Expr => {
  switch (e._tag) {
    case "Rollup":
      return { ...e, expr: optimize(e.expr) }
    case "Call":
      return { ...e, args: e.args.map(optimize) }
    case "Aggregate":
      return { ...e, expr: optimize(e.expr), param: e.param === undefined ? undefined : optimize(e.param) }
    case "Binary": {
      const b: Ast.Binary = { ...e, left: optimize(e.left), right: optimize(e.right) }
      return pushdown(b, staticFilters(b))
    }
    default:
      return e
  }
}

const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")

// The filters every evaluated series satisfies: each label they all carry, with its value
// (or the alternation of its values, up to 1000 of them).
export const commonFilters = (
  series: ReadonlyArray<Series>,
  matching: Ast.Matching | undefined
): ReadonlyArray<Matcher> => {
  const values = new Map<string, Array<string>>()
  for (const s of series) {
    for (const [k, v] of s.labels) {
      if (k === NAME) continue
      const list = values.get(k)
      if (list === undefined) values.set(k, [v])
      else list.push(v)
    }
  }
  const out: Array<Matcher> = []
  for (const [name, vs] of values) {
    if (vs.length !== series.length) continue
    const unique = [...new Set(vs)]
    if (unique.length > 1000) continue
    out.push(
      unique.length === 1
        ? { name, op: "=", value: unique[0]! }
        : { name, op: "=~", value: unique.toSorted().map(quoteMeta).join("|") }
    )
  }
  return byMatching(
    out.toSorted((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    matching
  )
}
