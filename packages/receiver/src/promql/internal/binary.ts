// Binary operators between evaluated series, VictoriaMetrics' way. Series are matched
// once for the whole time range (not per point), by their labels without the metric name,
// narrowed by `on`/`ignoring`. A series without labels acts as a scalar on either side.
// Arithmetic and `bool` comparisons drop the metric name; a filtering comparison keeps it.
import type * as Ast from "../Ast.ts"
import { evaluation } from "../PromqlError.ts"
import {
  describe,
  drop,
  isScalarLike,
  keepOnly,
  type LabelMap,
  NAME,
  removeEmpty,
  type Series,
  signature
} from "./series.ts"

// Go's math.Pow differs from `**` where JavaScript answers NaN.
const pow = (x: number, y: number): number => {
  if (x === 1 || y === 0) return 1
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1
  return x ** y
}

const arithmetic: { readonly [op: string]: (a: number, b: number) => number } = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
  "^": pow,
  atan2: Math.atan2
}

// NaN == NaN holds and NaN != x holds, as in VictoriaMetrics.
const comparisons: { readonly [op: string]: (a: number, b: number) => boolean } = {
  "==": (a, b) => (Number.isNaN(a) ? Number.isNaN(b) : a === b),
  "!=": (a, b) => (Number.isNaN(a) ? !Number.isNaN(b) : Number.isNaN(b) || a !== b),
  ">": (a, b) => a > b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  "<=": (a, b) => a <= b
}

export const reversedComparison: { readonly [op: string]: Ast.BinaryOp } = {
  ">": "<",
  "<": ">",
  ">=": "<=",
  "<=": ">=",
  "==": "==",
  "!=": "!="
}

const pointFunction = (b: Ast.Binary): ((a: number, c: number) => number) => {
  const arith = arithmetic[b.op]
  if (arith !== undefined) return arith
  const cmp = comparisons[b.op]!
  if (b.bool) return (a, c) => (Number.isNaN(a) ? NaN : cmp(a, c) ? 1 : 0)
  return (a, c) => (cmp(a, c) ? a : NaN)
}

// `number op number`: a comparison is 1/0 with `bool` (even for NaN), else the left number
// or NaN; `and`/`or` keep the left number, `unless` gives NaN.
export const foldNumbers = (op: Ast.BinaryOp, bool: boolean, a: number, b: number): number => {
  const cmp = comparisons[op]
  if (cmp !== undefined) return bool ? (cmp(a, b) ? 1 : 0) : cmp(a, b) ? a : NaN
  if (op === "and" || op === "or") return a
  if (op === "unless") return NaN
  return arithmetic[op]!(a, b)
}

const dropsName = (b: Ast.Binary) => !(comparisons[b.op] !== undefined && !b.bool)

const matchKey = (labels: LabelMap, matching: Ast.Matching | undefined): string => {
  const base = new Map(labels)
  base.delete(NAME)
  if (matching === undefined) return signature(base)
  return signature(matching.mode === "on" ? keepOnly(base, matching.labels) : drop(base, matching.labels))
}

const byKey = (series: ReadonlyArray<Series>, matching: Ast.Matching | undefined): Map<string, Array<Series>> => {
  const m = new Map<string, Array<Series>>()
  for (const s of series) {
    const key = matchKey(s.labels, matching)
    const list = m.get(key)
    if (list === undefined) m.set(key, [s])
    else list.push(s)
  }
  return m
}

// Several series with one key may be one series split in time (e.g. a label that changed
// value): they merge when they overlap in at most two points.
const mergeNonOverlapping = (dst: Series, src: Series): boolean => {
  let overlaps = 0
  for (let k = 0; k < src.values.length; k++) {
    if (src.values[k] === src.values[k] && dst.values[k] === dst.values[k]) overlaps++
  }
  if (overlaps > 2) return false
  if (src.values.length <= 2 && dst.values.length <= 2) return false
  for (let k = 0; k < src.values.length; k++) if (src.values[k] === src.values[k]) dst.values[k] = src.values[k]!
  return true
}

const single = (side: string, b: Ast.Binary, list: Array<Series>): Series => {
  while (list.length > 1) {
    const last = list[list.length - 1]!
    if (!mergeNonOverlapping(list[0]!, last)) {
      throw evaluation(
        `duplicate time series on the ${side} side of ${b.op}: ${describe(list[0]!.labels)} and ${describe(last.labels)}`
      )
    }
    list.pop()
  }
  return list[0]!
}

// Copies `names` from `from` onto `to` (removing those `from` lacks), as group_left does.
const copyLabels = (to: LabelMap, from: LabelMap, names: ReadonlyArray<string>): LabelMap => {
  const out = new Map(to)
  for (const n of names) {
    const v = from.get(n)
    if (v === undefined) out.delete(n)
    else out.set(n, v)
  }
  return out
}

interface Pair {
  readonly left: Series
  readonly right: Series
  readonly dst: Series
}

// The "many" side keeps its labels plus the listed ones from the "one" side.
const groupJoin = (
  b: Ast.Binary,
  manySide: string,
  many: ReadonlyArray<Series>,
  ones: Array<Series>,
  manyIsLeft: boolean,
  pairs: Array<Pair>
): void => {
  const names = b.group!.labels
  const pair = (m: Series, o: Series) =>
    pairs.push(manyIsLeft ? { left: m, right: o, dst: m } : { left: o, right: m, dst: m })
  for (const m of many) {
    if (dropsName(b)) m.labels.delete(NAME)
    if (ones.length === 1) {
      m.labels = copyLabels(m.labels, ones[0]!.labels, names)
      pair(m, ones[0]!)
      continue
    }
    const byLabels = new Map<string, { many: Series; one: Series }>()
    for (const o of ones) {
      const copy: Series = { labels: copyLabels(m.labels, o.labels, names), values: new Float64Array(m.values) }
      const key = signature(copy.labels)
      const existing = byLabels.get(key)
      if (existing === undefined) {
        byLabels.set(key, { many: copy, one: o })
        continue
      }
      const merged: Series = { labels: existing.one.labels, values: new Float64Array(existing.one.values) }
      if (!mergeNonOverlapping(merged, o)) {
        throw evaluation(
          `duplicate time series on the ${manySide} side of ${b.op}: ${describe(existing.one.labels)} and ${describe(o.labels)}`
        )
      }
      existing.one = merged
    }
    for (const { many: copy, one } of byLabels.values()) pair(copy, one)
  }
}

const pairs = (b: Ast.Binary, left: ReadonlyArray<Series>, right: ReadonlyArray<Series>): Array<Pair> => {
  const out: Array<Pair> = []
  if (b.matching === undefined && b.group === undefined) {
    if (isScalarLike(left)) {
      for (const r of right) {
        if (dropsName(b)) r.labels.delete(NAME)
        out.push({ left: left[0]!, right: r, dst: r })
      }
      return out
    }
    if (isScalarLike(right)) {
      for (const l of left) {
        if (dropsName(b)) l.labels.delete(NAME)
        out.push({ left: l, right: right[0]!, dst: l })
      }
      return out
    }
  }
  const rights = byKey(right, b.matching)
  for (const [key, lefts] of byKey(left, b.matching)) {
    const matched = rights.get(key)
    if (matched === undefined) continue
    if (b.group?.side === "left") groupJoin(b, "right", lefts, matched, true, out)
    else if (b.group?.side === "right") groupJoin(b, "left", matched, lefts, false, out)
    else {
      const l = single("left", b, lefts)
      const r = single("right", b, matched)
      if (dropsName(b)) l.labels.delete(NAME)
      if (b.matching?.mode === "on") l.labels = keepOnly(l.labels, b.matching.labels)
      else if (b.matching !== undefined) l.labels = drop(l.labels, b.matching.labels)
      out.push({ left: l, right: r, dst: l })
    }
  }
  return out
}

const hasValueAt = (list: ReadonlyArray<Series>, k: number) => list.some((s) => s.values[k] === s.values[k])

const setOperation = (b: Ast.Binary, left: ReadonlyArray<Series>, right: ReadonlyArray<Series>): Array<Series> => {
  const lefts = byKey(left, b.matching)
  const rights = byKey(right, b.matching)
  const out: Array<Series> = []
  switch (b.op) {
    case "and":
      for (const [key, rs] of rights) {
        const ls = lefts.get(key)
        if (ls === undefined) continue
        for (const l of ls) for (let k = 0; k < l.values.length; k++) if (!hasValueAt(rs, k)) l.values[k] = NaN
        out.push(...removeEmpty(ls))
      }
      return out
    case "or":
      for (const ls of lefts.values()) out.push(...ls)
      for (const [key, rs] of rights) {
        const ls = lefts.get(key)
        if (ls === undefined) {
          out.push(...rs)
          continue
        }
        // Gaps of the left series are filled from the right (VictoriaMetrics).
        for (const l of ls) {
          for (let k = 0; k < l.values.length; k++) {
            if (l.values[k] === l.values[k]) continue
            const r = rs.find((s) => s.values[k] === s.values[k])
            if (r !== undefined) l.values[k] = r.values[k]!
          }
        }
      }
      return out
    default:
      for (const [key, ls] of lefts) {
        const rs = rights.get(key)
        if (rs === undefined) {
          out.push(...ls)
          continue
        }
        for (const l of ls) for (let k = 0; k < l.values.length; k++) if (hasValueAt(rs, k)) l.values[k] = NaN
        out.push(...removeEmpty(ls))
      }
      return out
  }
}

export const binary = (b: Ast.Binary, left: ReadonlyArray<Series>, right: ReadonlyArray<Series>): Array<Series> => {
  if (b.op === "and" || b.op === "or" || b.op === "unless") return setOperation(b, left, right)
  // Comparisons keep empty series: `(a > b) or c` must still see them.
  const isCmp = comparisons[b.op] !== undefined
  const l = isCmp ? left : removeEmpty(left)
  const r = isCmp ? right : removeEmpty(right)
  if (l.length === 0 || r.length === 0) return []
  const f = pointFunction(b)
  const out: Array<Series> = []
  for (const { left: ls, right: rs, dst } of pairs(b, l, r)) {
    const a = ls.values
    const c = rs.values
    const values = dst.values
    for (let k = 0; k < values.length; k++) values[k] = f(a[k]!, c[k]!)
    out.push(dst)
  }
  return out
}
