// Aggregation operators over evaluated series, VictoriaMetrics' way: series without any
// value are dropped first, groups come from `by`/`without` (the metric name always goes,
// unless `by` lists it), NaN points are skipped, and a group with no value at a point
// has none in the result.
import type * as Ast from "../Ast.ts"
import { quantileSorted } from "./rollup.ts"
import { compareLabels, drop, keepOnly, type LabelMap, NAME, removeEmpty, type Series, signature } from "./series.ts"

const groupLabels = (labels: LabelMap, grouping: Ast.Grouping | undefined): LabelMap => {
  if (grouping === undefined) return new Map()
  if (grouping.mode === "by") return keepOnly(labels, grouping.labels)
  const out = drop(labels, grouping.labels)
  if (!out.has(NAME)) return out
  const copy = new Map(out)
  copy.delete(NAME)
  return copy
}

interface Group {
  readonly labels: LabelMap
  readonly members: Array<Series>
}

const groups = (input: ReadonlyArray<Series>, grouping: Ast.Grouping | undefined, keepEmpty: boolean): Array<Group> => {
  const byKey = new Map<string, Group>()
  for (const s of keepEmpty ? input : removeEmpty(input)) {
    const labels = groupLabels(s.labels, grouping)
    const key = signature(labels)
    const group = byKey.get(key)
    if (group === undefined) byKey.set(key, { labels, members: [s] })
    else group.members.push(s)
  }
  return [...byKey.values()]
}

// Sums, counts and extremes accumulate series by series (cache-friendly), NaN skipped;
// one loop per operator keeps the inner loops free of branches on it.
const accumulate = (op: Ast.AggregateOp, members: ReadonlyArray<Series>, points: number): Float64Array => {
  const out = new Float64Array(points).fill(NaN)
  const counts = new Float64Array(points)
  for (const m of members) {
    const v = m.values
    if (op === "min") {
      for (let k = 0; k < points; k++) {
        const x = v[k]!
        if (x < out[k]! || (x === x && Number.isNaN(out[k]!))) out[k] = x
      }
    } else if (op === "max") {
      for (let k = 0; k < points; k++) {
        const x = v[k]!
        if (x > out[k]! || (x === x && Number.isNaN(out[k]!))) out[k] = x
      }
    } else {
      for (let k = 0; k < points; k++) {
        const x = v[k]!
        if (x !== x) continue
        const c = counts[k]!
        out[k] = c === 0 ? x : out[k]! + x
        counts[k] = c + 1
      }
    }
  }
  if (op === "avg") for (let k = 0; k < points; k++) out[k] = out[k]! / counts[k]!
  else if (op === "count") for (let k = 0; k < points; k++) out[k] = counts[k] === 0 ? NaN : counts[k]!
  else if (op === "group") for (let k = 0; k < points; k++) out[k] = counts[k] === 0 ? NaN : 1
  return out
}

// One series has a spread of zero; more use Welford's running variance.
const stdvar = (members: ReadonlyArray<Series>, k: number): number => {
  if (members.length === 1) {
    const v = members[0]!.values[k]!
    return v === v ? 0 : NaN
  }
  let avg = 0
  let count = 0
  let q = 0
  for (const m of members) {
    const v = m.values[k]!
    if (v !== v) continue
    count++
    const next = avg + (v - avg) / count
    q += (v - avg) * (v - next)
    avg = next
  }
  return count === 0 ? NaN : q / count
}

const lessWithNaNs = (a: number, b: number): boolean => (Number.isNaN(a) ? !Number.isNaN(b) : a < b)

// topk/bottomk keep whole series (original labels) and blank the points where a series is
// not among the k at that time. Among equal values the series first in label order wins
// (VictoriaMetrics leaves ties unspecified).
const topk = (input: ReadonlyArray<Series>, ks: Float64Array, reverse: boolean): Array<Series> => {
  const members = input.toSorted((a, b) => compareLabels(a.labels, b.labels))
  const copies = members.map((m) => ({ labels: m.labels, values: new Float64Array(m.values) }))
  const order = copies.map((_, index) => index)
  const points = copies[0]?.values.length ?? 0
  for (let k = 0; k < points; k++) {
    // Ascending for topk (the largest last), descending for bottomk; NaN never kept.
    order.sort((x, y) => {
      let a = members[x]!.values[k]!
      let b = members[y]!.values[k]!
      if (reverse) [a, b] = [b, a]
      if (lessWithNaNs(a, b)) return -1
      if (lessWithNaNs(b, a)) return 1
      return y - x
    })
    const kRaw = ks[k]!
    const keep = Number.isNaN(kRaw) ? 0 : Math.max(0, Math.min(order.length, Math.trunc(kRaw)))
    for (let r = 0; r < order.length - keep; r++) copies[order[r]!]!.values[k] = NaN
  }
  // Highest first (for topk) at the last point, like VictoriaMetrics' output order.
  return order
    .map((index) => copies[index]!)
    .toReversed()
    .filter((s) => s.values.some((v) => v === v))
}

// VictoriaMetrics computes these incrementally, series by series, when they aggregate a
// selector or a rollup of one; that path keeps groups whose series have no value at all
// (as series of NaN, which a later `sgn` turns into zeros), the general path drops them.
const incremental: ReadonlySet<Ast.AggregateOp> = new Set(["sum", "min", "max", "avg", "count", "group"])

export const aggregate = (
  op: Ast.AggregateOp,
  input: ReadonlyArray<Series>,
  grouping: Ast.Grouping | undefined,
  param: Float64Array | undefined,
  overRollup: boolean
): Array<Series> => {
  const out: Array<Series> = []
  for (const { labels, members } of groups(input, grouping, overRollup && incremental.has(op))) {
    if (op === "topk" || op === "bottomk") {
      out.push(...topk(members, param!, op === "bottomk"))
      continue
    }
    const points = members[0]!.values.length
    const values = new Float64Array(points)
    if (op === "quantile") {
      const sorted: Array<number> = []
      for (let k = 0; k < points; k++) {
        sorted.length = 0
        for (const m of members) {
          const v = m.values[k]!
          if (v === v) sorted.push(v)
        }
        sorted.sort((a, b) => a - b)
        values[k] = quantileSorted(param![k]!, sorted)
      }
    } else if (op === "stddev" || op === "stdvar") {
      for (let k = 0; k < points; k++) {
        const variance = stdvar(members, k)
        values[k] = op === "stddev" ? Math.sqrt(variance) : variance
      }
    } else {
      values.set(accumulate(op, members, points))
    }
    out.push({ labels, values })
  }
  return out
}
