// The evaluator's working data: every expression evaluates to series on the query's grid
// of timestamps (start, start+step, ..., end), NaN where a series has no value. A scalar
// is a series without labels, as in VictoriaMetrics.

export type LabelMap = Map<string, string>

export interface Series {
  labels: LabelMap
  values: Float64Array
}

export const NAME = "__name__"

export const withoutName = (labels: LabelMap): LabelMap => {
  if (!labels.has(NAME)) return labels
  const out = new Map(labels)
  out.delete(NAME)
  return out
}

// A canonical string for a label set: its sorted pairs.
export const signature = (labels: LabelMap): string => {
  const keys = [...labels.keys()].toSorted()
  let s = ""
  for (const k of keys) s += k + "\u0000" + labels.get(k)! + "\u0001"
  return s
}

export const isScalarLike = (series: ReadonlyArray<Series>): boolean =>
  series.length === 1 && series[0]!.labels.size === 0

export const constant = (points: number, value: number): Series => ({
  labels: new Map(),
  values: new Float64Array(points).fill(value)
})

export const hasValue = (s: Series): boolean => {
  const v = s.values
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true
  return false
}

export const removeEmpty = (series: ReadonlyArray<Series>): Array<Series> => series.filter(hasValue)

// Keeps only `names` (and the metric name only when listed), as `by`/`on` do.
export const keepOnly = (labels: LabelMap, names: ReadonlyArray<string>): LabelMap => {
  const out: LabelMap = new Map()
  for (const n of names) {
    const v = labels.get(n)
    if (v !== undefined) out.set(n, v)
  }
  return out
}

// Drops `names` (the metric name too when listed), as `without`/`ignoring` do.
export const drop = (labels: LabelMap, names: ReadonlyArray<string>): LabelMap => {
  if (names.length === 0) return labels
  const out = new Map(labels)
  for (const n of names) out.delete(n)
  return out
}

// VictoriaMetrics' order of result series: metric name, then the sorted label pairs.
export const compareLabels = (a: LabelMap, b: LabelMap): number => {
  const an = a.get(NAME) ?? ""
  const bn = b.get(NAME) ?? ""
  if (an !== bn) return an < bn ? -1 : 1
  const ak = [...a.keys()].filter((k) => k !== NAME).toSorted()
  const bk = [...b.keys()].filter((k) => k !== NAME).toSorted()
  for (let i = 0; i < ak.length; i++) {
    if (i >= bk.length) return 1
    const ka = ak[i]!
    const kb = bk[i]!
    if (ka !== kb) return ka < kb ? -1 : 1
    const va = a.get(ka)!
    const vb = b.get(kb)!
    if (va !== vb) return va < vb ? -1 : 1
  }
  return ak.length < bk.length ? -1 : 0
}

export const describe = (labels: LabelMap): string => {
  const name = labels.get(NAME) ?? ""
  const rest = [...labels.keys()]
    .filter((k) => k !== NAME)
    .toSorted()
    .map((k) => `${k}=${JSON.stringify(labels.get(k))}`)
  return `${name}{${rest.join(", ")}}`
}
