// Generated queries over a generated dataset, for the differential test. A query is built
// from a sequence of integer choices (the Arbitrary below); shrinking the sequence toward
// zeros makes the query simpler, since every first alternative is the simplest one.
import { Arbitrary, Schema } from "effect"
import type { Dataset } from "./Generate.ts"

export interface Case {
  readonly query: string
  // topk/bottomk at the top: which series wins a tie is unspecified.
  readonly ranked: boolean
  readonly mode:
    | { readonly _tag: "instant"; readonly timeMs: number; readonly stepMs: number | undefined }
    | { readonly _tag: "range"; readonly startMs: number; readonly endMs: number; readonly stepMs: number }
}

export const choices = Arbitrary.array(
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 }))),
  {
    minLength: 40,
    maxLength: 80
  }
)

const windows = ["1m", "5m", "30s", "2m", "10m", "1h", "15s", "30m"]
const offsets = ["1m", "5m", "30s", "-2m", "1h"]
const steps = [60_000, 15_000, 30_000, 300_000, 7_000, 120_000, 10_000]

export const build = (ds: Dataset, genome: ReadonlyArray<number>): Case => {
  let cursor = 0
  const int = (n: number) => (n <= 1 ? 0 : (genome[cursor++] ?? 0) % n)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[int(xs.length)]!
  const chance = (percent: number) => int(100) >= 100 - percent

  const labelsOf = (name: string) => {
    const base = name.replace(/_bucket$/, "")
    return ds.labelsOf.get(base) ?? []
  }
  const matcher = (name: string): string => {
    const label = pick(labelsOf(name))
    const values = ds.labelValues.get(label) ?? ["x"]
    const v = pick(values)
    switch (int(6)) {
      case 0:
        return `${label}=${JSON.stringify(v)}`
      case 1:
        return `${label}=~".*"`
      case 2:
        return `${label}!=${JSON.stringify(v)}`
      case 3:
        return `${label}=~${JSON.stringify(
          values
            .slice(0, 2)
            .map((x) => x.replace(/[\\^$*+?.()|{}[\]]/g, "\\$&"))
            .join("|")
        )}`
      case 4:
        return `${label}=""`
      default:
        return `${label}!~${JSON.stringify(`${v.slice(0, 1)}.*`)}`
    }
  }
  const selector = (names: ReadonlyArray<string>): { text: string; name: string } => {
    const name = pick(names)
    const n = int(3)
    const ms = Array.from({ length: n }, () => matcher(name))
    return { text: ms.length === 0 ? name : `${name}{${ms.join(", ")}}`, name }
  }
  const offset = () => (chance(15) ? ` offset ${pick(offsets)}` : "")
  const counterFns = ["rate", "increase", "irate", "delta", "idelta", "resets", "changes"]
  const gaugeFns = [
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "sum_over_time",
    "count_over_time",
    "last_over_time",
    "delta",
    "idelta",
    "changes",
    "stddev_over_time",
    "present_over_time",
    "first_over_time",
    "stdvar_over_time"
  ]

  const rollup = (): { text: string; name: string } => {
    const counter = chance(60)
    const sel = selector(counter ? ds.counters : ds.gauges)
    const fn = pick(counter ? counterFns : gaugeFns)
    if (chance(8))
      return {
        text: `max_over_time(${fn}(${sel.text}[1m])[${pick(windows)}:${pick(["1m", "30s", ""])}])`,
        name: sel.name
      }
    const windowText = (fn === "rate" || fn === "irate") && chance(10) ? "" : `[${pick(windows)}]`
    if (fn === "avg_over_time" && chance(20)) {
      return {
        text: `quantile_over_time(${pick(["0.5", "0.9", "0", "1"])}, ${sel.text}[${pick(windows)}]${offset()})`,
        name: sel.name
      }
    }
    return { text: `${fn}(${sel.text}${windowText}${offset()})`, name: sel.name }
  }

  const vectorExpr = (depth: number): { text: string; name: string } => {
    switch (depth > 2 ? int(2) : int(7)) {
      case 0:
        return rollup()
      case 1: {
        const sel = selector(chance(50) ? ds.counters : ds.gauges)
        return { text: `${sel.text}${offset()}`, name: sel.name }
      }
      case 2:
        return aggregate(depth + 1)
      case 3: {
        const fn = pick([
          "abs",
          "ceil",
          "floor",
          "round",
          "clamp_min",
          "clamp_max",
          "sqrt",
          "label_replace",
          "round2",
          "sgn",
          "ln",
          "exp",
          "clamp",
          "timestamp",
          "negate",
          "log2",
          "log10"
        ])
        // Steps (ceil, floor, round) only over per-series values: over an aggregation a
        // last-bit difference from the order VictoriaMetrics sums series in can cross a step.
        const stepped = ["ceil", "floor", "round", "round2"].includes(fn)
        // A pattern that may not match only over stored series: VictoriaMetrics 1.79 then
        // adds the label with a value left over in its reused buffers (a bug), and series
        // fresh from storage are where that buffer is empty.
        const unmatched = fn === "label_replace" && chance(50)
        const inner = unmatched
          ? selector(chance(50) ? ds.counters : ds.gauges)
          : stepped
            ? chance(50)
              ? rollup()
              : selector(ds.gauges)
            : vectorExpr(depth + 1)
        const text =
          fn === "round2"
            ? `round(${inner.text}, ${pick(["0.5", "5", "0.1"])})`
            : fn === "negate"
              ? `-${inner.text}`
              : fn === "clamp"
                ? `clamp(${inner.text}, ${pick(["0", "1"])}, ${pick(["2", "10"])})`
                : fn === "timestamp"
                  ? `timestamp(${selector(ds.gauges).text})`
                  : fn === "clamp_min" || fn === "clamp_max"
                    ? `${fn}(${inner.text}, ${pick(["1", "0.5", "10"])})`
                    : fn === "label_replace"
                      ? `label_replace(${inner.text}, "copy", "$1-x", ${JSON.stringify(pick(labelsOf(inner.name)) ?? "le")}, ${JSON.stringify(unmatched ? pick(["zzz(.*)", "(m)(.*)"]) : "(.*)")})`
                      : `${fn}(${inner.text})`
        return { text, name: inner.name }
      }
      case 4:
        return histogram()
      case 5: {
        const op = pick(["*", "+", "-", "/", ">", "<", ">=", "==", "!=", "%", "^"])
        // % and ^ amplify a last-bit difference (VictoriaMetrics sums series in no fixed
        // order): apply them to per-series values only.
        const left = op === "%" || op === "^" ? (chance(50) ? rollup() : selector(ds.gauges)) : vectorExpr(depth + 1)
        const bool = [">", "<", ">=", "==", "!="].includes(op) && chance(40) ? " bool" : ""
        const n = pick(["2", "0.5", "1", "0", "10", "-1", "-0.5"])
        return {
          text: chance(70) ? `${left.text} ${op}${bool} ${n}` : `${n} ${op}${bool} ${left.text}`,
          name: left.name
        }
      }
      default:
        return vectorVector(depth + 1)
    }
  }

  const grouping = (name: string) => {
    const labels = labelsOf(name)
    const chosen = labels.filter(() => chance(35))
    switch (int(3)) {
      case 0:
        return { text: "", labels: [] as ReadonlyArray<string> }
      case 1:
        return { text: ` by (${chosen.join(", ")})`, labels: chosen }
      default:
        return { text: ` without (${chosen.join(", ")})`, labels: labels.filter((l) => !chosen.includes(l)) }
    }
  }

  const aggregate = (depth: number): { text: string; name: string } => {
    const op = pick(["sum", "avg", "max", "min", "count", "group", "stddev", "stdvar", "quantile"])
    // The variance of large values (timestamps, sums) loses digits to cancellation, and
    // how many depends on the order VictoriaMetrics meets the series in.
    const inner = op === "stddev" || op === "stdvar" ? rollup() : vectorExpr(depth)
    const g = grouping(inner.name)
    const param = op === "quantile" ? `${pick(["0.5", "0.9", "0", "1"])}, ` : ""
    return { text: `${op}${g.text} (${param}${inner.text})`, name: inner.name }
  }

  const histogram = (): { text: string; name: string } => {
    const sel = selector(ds.histograms)
    // Not 0 or 1: there the quantile jumps between bucket bounds on a last-bit difference in
    // the bucket sums, and VictoriaMetrics sums series in parallel, in no fixed order.
    const phi = pick(["0.5", "0.95", "0.99", "0.25"])
    const extra = labelsOf(sel.name).filter(() => chance(25))
    if (chance(30)) return { text: `histogram_quantile(${phi}, rate(${sel.text}[${pick(windows)}]))`, name: sel.name }
    return {
      text: `histogram_quantile(${phi}, sum by (${["le", ...extra].join(", ")}) (${pick(["rate", "increase"])}(${sel.text}[${pick(windows)}])))`,
      name: sel.name
    }
  }

  // Two aggregations by the same labels, so their series meet.
  const vectorVector = (depth: number): { text: string; name: string } => {
    const a = rollup()
    const labels = labelsOf(a.name).filter(() => chance(40))
    const by = `sum by (${labels.join(", ")})`
    const b = rollup()
    switch (int(7)) {
      case 0:
        return { text: `${by} (${a.text}) ${pick(["+", "/", "*", "-"])} ${by} (${b.text})`, name: a.name }
      case 1:
        return {
          text: `${by} (${a.text}) ${pick(["and", "or", "unless"])} ${by} (${b.text}) > ${pick(["0", "1", "5"])}`,
          name: a.name
        }
      case 2: {
        const on = labels.filter(() => chance(50))
        return {
          text: `${a.text} ${pick(["*", "/", "+"])} on (${on.join(", ")}) group_left sum by (${on.join(", ")}) (${b.text})`,
          name: a.name
        }
      }
      case 3:
        return {
          text: `${a.text} ${pick(["and", "unless", "or"])} ${a.text} ${pick([">", "<"])} ${pick(["0", "0.1", "1"])}`,
          name: a.name
        }
      default:
        return depth > 3
          ? a
          : { text: `${by} (${a.text}) ${pick(["+", "-", ">", "<"])} ignoring () ${by} (${b.text})`, name: a.name }
    }
  }

  let query: string
  let ranked = false
  switch (int(6)) {
    case 0:
      query = rollup().text
      break
    case 1: {
      const inner = vectorExpr(1)
      const op = pick(["topk", "bottomk"])
      query = `${op}${grouping(inner.name).text} (${pick(["1", "2", "3"])}, ${inner.text})`
      ranked = true
      break
    }
    case 2:
      query = histogram().text
      break
    case 3:
      query = pick([
        `absent(${selector(ds.counters).text})`,
        `vector(1)`,
        `time()`,
        `scalar(sum(${rollup().text}))`,
        `sum(${rollup().text}) or vector(0)`,
        `${selector(ds.gauges).text}[${pick(["1m", "5m"])}]${offset()}`,
        `${rollup().text}[${pick(["5m", "10m"])}:${pick(["1m", "30s", ""])}]`,
        `absent_over_time(${selector(ds.counters).text}[${pick(windows)}])`,
        `${rollup().text} @ ${Math.round((ds.startMs + ds.endMs) / 2000)}`,
        // An error both must raise: series that collide once their names are dropped. (Not
        // `a + on () b`: over a range VictoriaMetrics merges such series where they overlap
        // in at most two points, in an order of its own, so its values there are arbitrary.)
        `rate({__name__=~"${ds.counters.slice(0, 3).join("|")}"}[5m])`
      ])
      break
    default:
      query = vectorExpr(0).text
  }

  // With no choices left: an instant at the end of the data, or a range over its last part.
  const span = ds.endMs - ds.startMs
  const mode: Case["mode"] = chance(50)
    ? {
        _tag: "range",
        stepMs: pick(steps),
        endMs: 0,
        startMs: 0
      }
    : {
        _tag: "instant",
        timeMs: ds.endMs - Math.round((int(1000) / 1000) * span) + (chance(5) ? 10 * 60_000 : 0),
        stepMs: chance(50) ? pick(steps) : undefined
      }
  if (mode._tag === "range") {
    const endMs = ds.endMs + (chance(5) ? 10 * 60_000 : 0) - int(Math.floor(span / 1000)) * 1000
    const points = 20 + int(150)
    return { query, ranked, mode: { ...mode, endMs, startMs: endMs - points * mode.stepMs + int(mode.stepMs) } }
  }
  return { query, ranked, mode }
}
