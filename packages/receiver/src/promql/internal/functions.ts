// Functions that transform evaluated series point by point (`abs`, `clamp_min`,
// `histogram_quantile`, `label_replace`, ...), with VictoriaMetrics' rules for which keep
// the metric name and how scalar arguments are read.
import type * as Ast from "../Ast.ts"
import { anchoredRegex } from "../Matchers.ts"
import { evaluation } from "../PromqlError.ts"
import { rollupFunctions } from "./rollup.ts"
import { constant, NAME, type Series, signature } from "./series.ts"

export interface TransformContext {
  readonly points: number
  readonly timestamp: (k: number) => number
  // The arguments as written, for functions that read a literal or a selector.
  readonly argExprs: ReadonlyArray<Ast.Expr>
}

export interface TransformFunction {
  // Argument positions that are string literals, passed as strings and not evaluated.
  readonly stringArgs: ReadonlyArray<number>
  readonly arity: readonly [min: number, max: number]
  readonly apply: (args: ReadonlyArray<ReadonlyArray<Series> | string>, ctx: TransformContext) => Array<Series>
}

const series = (arg: ReadonlyArray<Series> | string | undefined): Array<Series> => arg as Array<Series>

// A scalar argument must be exactly one series (of any labels), as in VictoriaMetrics.
export const scalarArg = (arg: ReadonlyArray<Series> | string | undefined, position: number): Float64Array => {
  const s = series(arg)
  if (s.length !== 1) throw evaluation(`arg #${position} must contain a single timeseries; got ${s.length} timeseries`)
  return s[0]!.values
}

// Value functions. ceil, floor, round and clamp* keep the metric name in VictoriaMetrics
// 1.79 (Prometheus drops it); the others drop it.
const pointwise = (
  keepName: boolean,
  f: (v: number, k: number, scalars: ReadonlyArray<Float64Array>) => number,
  scalarPositions: ReadonlyArray<number> = []
): TransformFunction => ({
  stringArgs: [],
  arity: [1 + scalarPositions.length, 1 + scalarPositions.length],
  apply: (args) => {
    const scalars = scalarPositions.map((p) => scalarArg(args[p], p + 1))
    const out = series(args[0])
    for (const s of out) {
      if (!keepName) s.labels.delete(NAME)
      const v = s.values
      for (let k = 0; k < v.length; k++) v[k] = f(v[k]!, k, scalars)
    }
    return out
  }
})

// The decimal exponent VictoriaMetrics stores a number with (1 -> 0, 0.1 -> -1, 10 -> 1),
// which its `round` uses to cut rounding noise.
const decimalExponent = (f: number): number => {
  if (f === 0 || !Number.isFinite(f)) return 0
  let x = Math.abs(f)
  if (Number.isInteger(x) && x < 2 ** 55) {
    if (x % 10 !== 0) return 0
    let e = 0
    while (x !== 0 && x % 10 === 0) {
      x /= 10
      e++
    }
    return e
  }
  let scale = 0
  let precision = 1e12
  if (x > 1e6 || x < 1e-6) {
    if (x > 1e6) precision = 1e15
    const exp = Math.max(-1022, Math.min(1023, Math.floor(Math.log2(x)) + 1))
    scale = Math.trunc(exp * (Math.LN2 / Math.LN10))
    x *= 10 ** -scale
  }
  while (x < precision) {
    const whole = Math.trunc(x)
    const frac = x - whole
    if (frac * precision < whole) {
      x = whole
      break
    }
    if ((1 - frac) * precision < whole) {
      x = whole + 1
      break
    }
    x *= 100
    scale -= 2
  }
  return Math.trunc(x) % 10 !== 0 ? scale : scale + 1
}

// Go's math.Log2 and math.Log10, which VictoriaMetrics uses: built on the natural log of
// the mantissa, they differ from JavaScript's in the last bits (log10(1000) is
// 2.9999999999999996) and lose more near 1.
const frexp = (x: number): readonly [number, number] => {
  if (x === 0 || !Number.isFinite(x)) return [x, 0]
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1)
  let f = x * 2 ** -e
  while (Math.abs(f) < 0.5) {
    f *= 2
    e--
  }
  while (Math.abs(f) >= 1) {
    f /= 2
    e++
  }
  return [f, e]
}

const goLog2 = (x: number): number => {
  const [frac, exp] = frexp(x)
  if (frac === 0.5) return exp - 1
  return Math.log(frac) * Math.LOG2E + exp
}

// log10(2), correctly rounded, as Go's constant arithmetic gives Ln2/Ln10.
const log10Of2 = 0.3010299956639812

const goLog10 = (x: number): number => goLog2(x) * log10Of2

const round = (v: number, nearest: number): number => {
  const p10 = 10 ** -decimalExponent(nearest)
  let x = v + 0.5 * Math.sign(v === 0 ? 1 : v) * Math.abs(nearest)
  x -= x % nearest
  return Math.trunc(x * p10) / p10
}

// Go's regexp template expansion: $1, ${1}, $name, ${name}; $$ is a dollar sign. A name
// is the longest run of word characters, so "$1x" refers to a group named "1x".
const expand = (template: string, match: RegExpExecArray): string => {
  let out = ""
  for (let k = 0; k < template.length; k++) {
    const c = template[k]!
    if (c !== "$") {
      out += c
      continue
    }
    if (template[k + 1] === "$") {
      out += "$"
      k++
      continue
    }
    let name: string
    if (template[k + 1] === "{") {
      const close = template.indexOf("}", k + 2)
      if (close < 0) {
        out += c
        continue
      }
      name = template.slice(k + 2, close)
      k = close
    } else {
      const m = /^\w+/.exec(template.slice(k + 1))
      if (m === null) {
        out += c
        continue
      }
      name = m[0]
      k += name.length
    }
    const value = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]
    out += value ?? ""
  }
  return out
}

const parseLe = (text: string): number => {
  const t = text.trim().toLowerCase()
  if (t === "+inf" || t === "inf" || t === "infinity" || t === "+infinity") return Infinity
  if (t === "-inf" || t === "-infinity") return -Infinity
  if (t === "" || !/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(t)) return NaN
  return Number(t)
}

interface Bucket {
  readonly le: number
  readonly values: Float64Array
}

// Buckets are cumulative: a NaN upper bucket takes the value below it, and a lower bucket
// bigger than the one above it is lowered to it.
const fixBuckets = (k: number, buckets: ReadonlyArray<Bucket>): void => {
  if (buckets.length < 2) return
  for (let b = buckets.length - 1; b >= 0; b--) {
    const v = buckets[b]!.values[k]!
    if (v === v) {
      for (let u = b + 1; u < buckets.length; u++) buckets[u]!.values[k] = v
      break
    }
  }
  let next = buckets[buckets.length - 1]!.values[k]!
  for (let b = buckets.length - 2; b >= 0; b--) {
    const v = buckets[b]!.values[k]!
    if (Number.isNaN(v) || v > next) buckets[b]!.values[k] = next
    else next = v
  }
}

const bucketQuantile = (phi: number, k: number, buckets: ReadonlyArray<Bucket>): number => {
  if (Number.isNaN(phi)) return NaN
  fixBuckets(k, buckets)
  const vLast = buckets.length > 0 ? buckets[buckets.length - 1]!.values[k]! : 0
  if (vLast === 0) return NaN
  if (phi < 0) return -Infinity
  if (phi > 1) return Infinity
  const wanted = vLast * phi
  let vPrev = 0
  let lePrev = 0
  for (const b of buckets) {
    const v = b.values[k]!
    if (v <= 0) {
      lePrev = b.le
      continue
    }
    if (v < wanted) {
      vPrev = v
      lePrev = b.le
      continue
    }
    if (!Number.isFinite(b.le)) break
    if (v === vPrev) return lePrev
    return lePrev + ((b.le - lePrev) * (wanted - vPrev)) / (v - vPrev)
  }
  for (let b = buckets.length - 1; b >= 0; b--) if (Number.isFinite(buckets[b]!.le)) return buckets[b]!.le
  return NaN
}

const histogramQuantile: TransformFunction = {
  stringArgs: [],
  arity: [2, 2],
  apply: (args) => {
    const phis = scalarArg(args[0], 1)
    const groups = new Map<string, { labels: Series["labels"]; buckets: Array<Bucket> }>()
    for (const s of series(args[1])) {
      const leText = s.labels.get("le")
      if (leText === undefined || leText === "") continue
      const le = parseLe(leText)
      if (Number.isNaN(le)) continue
      const labels = new Map(s.labels)
      labels.delete(NAME)
      labels.delete("le")
      const key = signature(labels)
      const group = groups.get(key) ?? { labels, buckets: [] }
      group.buckets.push({ le, values: s.values })
      groups.set(key, group)
    }
    const out: Array<Series> = []
    for (const { labels, buckets } of groups.values()) {
      buckets.sort((a, b) => a.le - b.le)
      const merged: Array<Bucket> = []
      for (const b of buckets) {
        const top = merged[merged.length - 1]
        if (top !== undefined && top.le === b.le)
          for (let k = 0; k < b.values.length; k++) top.values[k]! += b.values[k]!
        else merged.push(b)
      }
      const values = new Float64Array(merged[0]!.values.length)
      for (let k = 0; k < values.length; k++) values[k] = bucketQuantile(phis[k]!, k, merged)
      out.push({ labels, values })
    }
    return out
  }
}

const labelReplace: TransformFunction = {
  stringArgs: [1, 2, 3, 4],
  arity: [5, 5],
  apply: (args) => {
    const [, dst, replacement, src, pattern] = args as [unknown, string, string, string, string]
    const re = anchoredRegex(pattern)
    const out = series(args[0])
    for (const s of out) {
      const match = re.exec(s.labels.get(src) ?? "")
      if (match === null) {
        // VictoriaMetrics adds the destination label even when nothing matched.
        if (!s.labels.has(dst)) s.labels.set(dst, "")
        continue
      }
      const value = expand(replacement, match)
      if (value === "") s.labels.delete(dst)
      else s.labels.set(dst, value)
    }
    return out
  }
}

const absent: TransformFunction = {
  stringArgs: [],
  arity: [1, 1],
  apply: (args, ctx) => {
    const result = constant(ctx.points, 1)
    const arg = ctx.argExprs[0]
    if (arg?._tag === "Selector") {
      for (const m of arg.matchers) if (m.op === "=" && m.name !== NAME) result.labels.set(m.name, m.value)
    }
    const input = series(args[0])
    for (let k = 0; k < ctx.points; k++) {
      if (input.some((s) => s.values[k] === s.values[k])) result.values[k] = NaN
    }
    return [result]
  }
}

const scalar: TransformFunction = {
  stringArgs: [],
  arity: [1, 1],
  apply: (args, ctx) => {
    const arg = ctx.argExprs[0]
    if (arg?._tag === "StringLiteral") return [constant(ctx.points, parseLe(arg.value))]
    const s = series(args[0])
    if (s.length !== 1) return [constant(ctx.points, NaN)]
    return [{ labels: new Map(), values: s[0]!.values }]
  }
}

export const transformFunctions: { readonly [name: string]: TransformFunction } = {
  abs: pointwise(false, Math.abs),
  ceil: pointwise(true, Math.ceil),
  floor: pointwise(true, Math.floor),
  sqrt: pointwise(false, Math.sqrt),
  exp: pointwise(false, Math.exp),
  ln: pointwise(false, Math.log),
  log2: pointwise(false, goLog2),
  log10: pointwise(false, goLog10),
  sgn: pointwise(false, (v) => (v < 0 ? -1 : v > 0 ? 1 : 0)),
  clamp_min: pointwise(true, (v, k, [min]) => (v < min![k]! ? min![k]! : v), [1]),
  clamp_max: pointwise(true, (v, k, [max]) => (v > max![k]! ? max![k]! : v), [1]),
  clamp: pointwise(true, (v, k, [min, max]) => (v > max![k]! ? max![k]! : v < min![k]! ? min![k]! : v), [1, 2]),
  round: {
    stringArgs: [],
    arity: [1, 2],
    apply: (args, ctx) => {
      const nearest = args.length > 1 ? scalarArg(args[1], 2) : constant(ctx.points, 1).values
      return pointwise(true, (v, k) => round(v, nearest[k]!)).apply([args[0]!], ctx)
    }
  },
  label_replace: labelReplace,
  absent,
  scalar,
  vector: { stringArgs: [], arity: [1, 1], apply: (args) => series(args[0]) },
  time: {
    stringArgs: [],
    arity: [0, 0],
    apply: (_args, ctx) => {
      const s = constant(ctx.points, 0)
      for (let k = 0; k < ctx.points; k++) s.values[k] = ctx.timestamp(k) / 1000
      return [s]
    }
  },
  histogram_quantile: histogramQuantile
}

// Every function name the engine evaluates; the parser refuses the others by name.
export const functionNames: ReadonlySet<string> = new Set([
  ...Object.keys(rollupFunctions),
  ...Object.keys(transformFunctions)
])
